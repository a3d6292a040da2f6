package dev.channels.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded core keeps the producer index modulo 2<sup>31</sup> in its state word while the
 * consumer index is a full {@code long}. Reaching the wrap by sending 2<sup>31</sup> messages
 * would take too long for a unit test, so these tests start a fresh (empty) core just before it
 * by setting both indices, then run messages and permits across it.
 */
@Timeout(60)
class BoundedMpscCoreIndexWrapTest {
    private static final long P_MOD = 1L << 31;
    private static final int P_SHIFT = 33;

    /** An empty core whose next producer and consumer index are {@code index} (the consumer's as a long). */
    private static BoundedMpscCore<Integer> emptyCoreAt(int capacity, long consumerIndex) {
        final BoundedMpscCore<Integer> core = new BoundedMpscCore<>(capacity);
        final long p = consumerIndex % P_MOD;
        // Single-threaded set-up before any use: plain writes are enough.
        core.state = p << P_SHIFT;
        core.consumerIndex = consumerIndex;
        core.consumerIndexCache = consumerIndex;
        assertEquals(0, core.length());
        assertEquals(capacity, core.freeCapacity());
        return core;
    }

    @ParameterizedTest(name = "capacity {0}, consumer index {1}")
    @CsvSource({
            "1, 2147483645",
            "2, 2147483645",
            "16, 2147483640",
            "16, 10737418230",   // 5 * 2^31 - 10: the consumer index far past several wraps of P
            "1000, 2147483000"})
    void fillAndDrainAcrossTheProducerIndexWrap(int capacity, long start) {
        final BoundedMpscCore<Integer> core = emptyCoreAt(capacity, start);
        int next = 0;
        int expected = 0;
        final int total = 3 * capacity + 40;
        while (next < total) {
            int sentThisRound = 0;
            while (core.trySend(next) == BoundedMpscCore.OK) {
                next++;
                sentThisRound++;
                assertEquals(sentThisRound, core.length());
            }
            assertEquals(capacity, sentThisRound, "exactly the capacity fits, also across the wrap");
            assertEquals(0, core.freeCapacity());
            for (Integer e; (e = core.poll()) != null; expected++) {
                assertEquals(expected, e);
            }
            assertEquals(next, expected);
            assertEquals(0, core.length());
            assertEquals(capacity, core.freeCapacity());
        }
        assertTrue(core.state >>> P_SHIFT < start % P_MOD, "the producer index did wrap");
    }

    @ParameterizedTest(name = "capacity {0}")
    @CsvSource({"1", "3", "16"})
    void oneInOneOutAcrossTheWrap(int capacity) {
        final BoundedMpscCore<Integer> core = emptyCoreAt(capacity, P_MOD - 5);
        final int keep = capacity - 1;
        int next = 0;
        int expected = 0;
        for (int i = 0; i < keep; i++) {
            assertEquals(BoundedMpscCore.OK, core.trySend(next++));
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(BoundedMpscCore.OK, core.trySend(next++));
            assertEquals(BoundedMpscCore.FULL, core.trySend(-1));
            assertEquals(expected++, core.poll());
            assertEquals(keep, core.length());
            assertEquals(1, core.freeCapacity());
        }
    }

    @Test
    void permitsAcrossTheWrap() {
        final BoundedMpscCore<Integer> core = emptyCoreAt(4, P_MOD - 2);
        assertEquals(BoundedMpscCore.OK, core.tryReserve(3));
        assertEquals(1, core.freeCapacity());
        assertEquals(BoundedMpscCore.FULL, core.tryReserve(2));
        for (int i = 0; i < 3; i++) {
            core.sendReserved(i);
        }
        assertEquals(3, core.length());
        assertEquals(1, core.freeCapacity(), "sent permits hold their slots until received");
        assertEquals(BoundedMpscCore.OK, core.trySend(3));
        assertEquals(BoundedMpscCore.FULL, core.trySend(-1));
        for (int i = 0; i < 4; i++) {
            assertEquals(i, core.poll());
        }
        assertNull(core.poll());
        assertEquals(4, core.freeCapacity());
        assertEquals(BoundedMpscCore.OK, core.tryReserve(4));
        core.releasePermits(4);
        assertEquals(4, core.freeCapacity());
    }

    @Test
    void endOfStreamAcrossTheWrap() throws InterruptedException {
        final BoundedMpscCore<Integer> core = emptyCoreAt(4, P_MOD - 1);
        assertEquals(BoundedMpscCore.OK, core.trySend(1));
        assertEquals(BoundedMpscCore.OK, core.trySend(2));
        core.closeReceiver();
        assertFalse(core.terminated(), "messages are buffered");
        assertEquals(BoundedMpscCore.CLOSED, core.trySend(3));
        assertEquals(1, core.recv(false, 0L));
        assertEquals(2, core.recv(false, 0L));
        assertTrue(core.terminated());
        assertNull(core.recv(false, 0L));
    }
}
