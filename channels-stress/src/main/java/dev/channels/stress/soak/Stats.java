package dev.channels.stress.soak;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What one scenario did over the whole run; updated by many threads. */
final class Stats {
    final String scenario;
    final LongAdder rounds = new LongAdder();
    /** Values the channel accepted (a broadcast value counts once, however many receive it). */
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    /** Values whose send failed for good and that were handed back (or never left the sender). */
    final LongAdder returned = new LongAdder();
    /** Broadcast values a receiver missed by lagging (the sum of the reported counts). */
    final LongAdder lagged = new LongAdder();
    final LongAdder interruptsInjected = new LongAdder();
    /** InterruptedExceptions (and ChannelInterruptedExceptions) caught by the workers. */
    final LongAdder interruptsSeen = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder cancels = new LongAdder();
    /** Cancels that returned true (the operation was withdrawn). */
    final LongAdder cancelsWon = new LongAdder();
    final LongAdder closes = new LongAdder();
    final AtomicLong maxRoundNanos = new AtomicLong();
    final LongAdder totalRoundNanos = new LongAdder();

    Stats(String scenario) {
        this.scenario = scenario;
    }

    void roundTook(long nanos) {
        rounds.increment();
        totalRoundNanos.add(nanos);
        maxRoundNanos.accumulateAndGet(nanos, Math::max);
    }
}
