package dev.channels;

import dev.channels.MpscRaceAccounting.Ledger;
import dev.channels.MpscRaceAccounting.Msg;
import dev.channels.MpscRaceAccounting.OrderCheck;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static dev.channels.MpscRaceAccounting.awaitDone;
import static dev.channels.MpscRaceAccounting.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Races of close, interrupt, timeout and cancel against send and receive, with accounting: every
 * value a sender tries to send ends up in exactly one place (received once, or handed back once),
 * each sender's values arrive in order, and a bounded channel that was not closed gets all its
 * capacity back once everything is drained.
 *
 * <p>Every round draws its choices from a seed. The base seed is printed once; set the system
 * property {@code mpsc.race.seed} to replay it (the thread interleaving is of course not replayed,
 * only the random choices). Timing is used only in hang guards, never in a verdict.
 *
 * <p>The storm's senders use every form (blocking, timed, try, async with random cancels and
 * external completion, permits and batches), and some continuations send again ("relays") from
 * whatever thread completes them; random interrupts hit the blocking threads; a round ends
 * with nobody closing (then capacity and reuse are checked), with the receiver half-closing at a
 * random moment, or with every sender closing.
 */
class MpscRaceTest {
    /** Hang guard for one round (or one deterministic scenario). */
    private static final long GUARD_NANOS = TimeUnit.SECONDS.toNanos(20);

    private static final long BASE_SEED = Long.getLong("mpsc.race.seed", System.nanoTime());

    /** Runs continuations on other threads; rounds also use the completing thread and a rejecting executor. */
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        System.out.println("MpscRaceTest base seed " + BASE_SEED + " (replay with -Dmpsc.race.seed=" + BASE_SEED + ")"
                + (MpscRaceAccounting.virtualThreadsAvailable() ? "; virtual threads in some rounds" : ""));
        final AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "mpsc-race-pool-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    // ================================================================== the storm

    /** How a round ends. */
    enum End {
        /** Nobody closes: the round ends with a sentinel; then capacity and reuse are checked. */
        OPEN,
        /** The receiver half-closes at a random moment (from itself, another thread, or at the end). */
        RX_CLOSE,
        /** Every sender handle is closed; the receiver reads to end of stream. */
        TX_CLOSE
    }

    /** One sender handle of either kind, as the storm uses it. */
    private interface Tx {
        /** Blocking send; false for a timed send that timed out. */
        boolean send(Msg m, Duration timeout) throws InterruptedException;

        TrySendResult trySend(Msg m);

        Tx duplicate();

        void close();
    }

    private static final class BoundedTx implements Tx {
        final Mpsc.Sender<Msg> tx;

        BoundedTx(Mpsc.Sender<Msg> tx) {
            this.tx = tx;
        }

        @Override
        public boolean send(Msg m, Duration timeout) throws InterruptedException {
            if (timeout == null) {
                tx.send(m);
                return true;
            }
            return tx.send(m, timeout);
        }

        @Override
        public TrySendResult trySend(Msg m) {
            return tx.trySend(m);
        }

        @Override
        public Tx duplicate() {
            return new BoundedTx(tx.duplicate());
        }

        @Override
        public void close() {
            tx.close();
        }
    }

    private static final class UnboundedTx implements Tx {
        final Mpsc.UnboundedSender<Msg> tx;

        UnboundedTx(Mpsc.UnboundedSender<Msg> tx) {
            this.tx = tx;
        }

        @Override
        public boolean send(Msg m, Duration timeout) {
            tx.send(m);
            return true;
        }

        @Override
        public TrySendResult trySend(Msg m) {
            return tx.trySend(m);
        }

        @Override
        public Tx duplicate() {
            return new UnboundedTx(tx.duplicate());
        }

        @Override
        public void close() {
            tx.close();
        }
    }

    /** A pending asynchronous send of one value, and what was done to it. */
    private static final class PendingSend {
        final Msg m;
        final CompletableFuture<Void> f;
        /** A cancel (or external completion) of ours returned true: already accounted as BACK. */
        boolean withdrawn;
        /** A continuation that relays another value, or null. */
        CompletableFuture<?> relay;

        PendingSend(Msg m, CompletableFuture<Void> f) {
            this.m = m;
            this.f = f;
        }
    }

    /** Everything one round shares. */
    private final class Round {
        final long seed;
        final int capacity; // 0: unbounded
        final End end;
        final boolean virtual;
        final int senders;
        final int quota;
        final Ledger ledger = new Ledger();
        final Mpsc.Sender<Msg> boundedCtl;
        final Mpsc.UnboundedSender<Msg> unboundedCtl;
        final Mpsc.Receiver<Msg> rx;
        final Tx ctl;
        /** For relays from receive continuations (OPEN and RX_CLOSE rounds only), else null. */
        final Tx relayTx;
        final ConcurrentLinkedQueue<CompletableFuture<?>> receiverRelays = new ConcurrentLinkedQueue<>();
        final AtomicInteger closedSeen = new AtomicInteger();
        volatile boolean receiverClosed;
        final AtomicBoolean interrupterStop = new AtomicBoolean();
        final AtomicLong received = new AtomicLong();
        final String description;

        Round(long seed, int capacity, End end) {
            this.seed = seed;
            this.capacity = capacity;
            this.end = end;
            final SplittableRandom r = new SplittableRandom(seed);
            this.virtual = MpscRaceAccounting.virtualThreadsAvailable() && r.nextInt(3) == 0;
            this.senders = 2 + r.nextInt(2);
            this.quota = 100 + r.nextInt(capacity == 0 ? 400 : 300);
            if (capacity == 0) {
                final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();
                boundedCtl = null;
                unboundedCtl = ch.sender();
                rx = ch.receiver();
                ctl = new UnboundedTx(unboundedCtl);
            } else {
                final Mpsc.Channel<Msg> ch = Mpsc.bounded(capacity);
                boundedCtl = ch.sender();
                unboundedCtl = null;
                rx = ch.receiver();
                ctl = new BoundedTx(boundedCtl);
            }
            relayTx = end == End.TX_CLOSE ? null : ctl.duplicate();
            description = "seed " + seed + " (base " + BASE_SEED + "), " + (capacity == 0 ? "unbounded" : "capacity " + capacity)
                    + ", end " + end + ", " + senders + " senders x " + quota + (virtual ? ", virtual threads" : "");
        }

        boolean bounded() {
            return capacity != 0;
        }

        Executor executor(SplittableRandom r) {
            switch (r.nextInt(4)) {
                case 0:
                    return null;
                case 1:
                    return Runnable::run;
                case 2:
                    return pool;
                default: {
                    // decided now: the executor may run on any thread, and r belongs to this one
                    final boolean rejects = r.nextBoolean();
                    return task -> {
                        if (rejects) {
                            throw new RejectedExecutionException("test executor rejects");
                        }
                        pool.execute(task);
                    };
                }
            }
        }

        /** A short random timeout, sometimes zero. */
        Duration timeout(SplittableRandom r) {
            switch (r.nextInt(4)) {
                case 0:
                    return Duration.ZERO;
                case 1:
                    return Duration.ofNanos(1_000 + r.nextInt(100_000));
                case 2:
                    return Duration.ofNanos(100_000 + r.nextInt(2_000_000));
                default:
                    return Duration.ofMillis(2 + r.nextInt(5));
            }
        }

        /** A continuation's send of a fresh value: it must also end up in exactly one place. */
        void relay(Tx tx, SplittableRandom r) {
            final Msg m = ledger.newRelay();
            try {
                if (tx.send(m, Duration.ofNanos(r.nextInt(300_000)))) {
                    ledger.sent(m, "relay send");
                } else {
                    ledger.back(m, "relay send timed out");
                }
            } catch (ChannelClosedException e) {
                ledger.back(m, e, "relay send");
            } catch (InterruptedException e) {
                ledger.back(m, "relay send interrupted");
            } catch (RuntimeException e) {
                ledger.error("relay send of " + m + " threw " + e);
                ledger.back(m, "relay send threw");
            }
        }

        void sawClosed(String how) {
            closedSeen.incrementAndGet();
            if (end != End.RX_CLOSE) {
                ledger.error(how + " reported CLOSED, but the receiver of this round never closes");
            }
        }
    }

    /** A sender's body. */
    private void sender(Round round, int id, Tx tx, SplittableRandom r) {
        final Ledger ledger = round.ledger;
        final ArrayDeque<PendingSend> pending = new ArrayDeque<>();
        final int maxPending = 1 + r.nextInt(4);
        boolean closed = false;
        try {
            for (int seq = 0; seq < round.quota && !closed; ) {
                final int op = r.nextInt(round.bounded() ? 10 : 5);
                if (op >= 6) { // permits (bounded only); may use several values
                    final int before = seq;
                    seq = permits(round, id, seq, (BoundedTx) tx, r);
                    closed = seq < 0;
                    if (closed) {
                        break;
                    }
                    if (seq == before) {
                        seq++; // nothing used: keep going
                    }
                    continue;
                }
                final Msg m = ledger.newMsg(id, seq++);
                switch (op) {
                    case 0: { // trySend
                        final TrySendResult res = tx.trySend(m);
                        if (res == TrySendResult.SENT) {
                            ledger.sent(m, "trySend");
                        } else {
                            ledger.back(m, "trySend " + res);
                            if (res == TrySendResult.CLOSED) {
                                round.sawClosed("trySend");
                                closed = true;
                            } else if (!round.bounded()) {
                                ledger.error("trySend on an unbounded channel reported " + res);
                            }
                        }
                        break;
                    }
                    case 1: // blocking send
                    case 2: { // timed send
                        final Duration timeout = op == 1 ? null : round.timeout(r);
                        try {
                            if (tx.send(m, timeout)) {
                                ledger.sent(m, op == 1 ? "send" : "timed send");
                            } else {
                                ledger.back(m, "timed send timed out");
                            }
                        } catch (ChannelClosedException e) {
                            ledger.back(m, e, op == 1 ? "send" : "timed send");
                            round.sawClosed("send");
                            closed = true;
                        } catch (InterruptedException e) {
                            ledger.back(m, "send interrupted");
                        }
                        break;
                    }
                    default: { // async send (bounded), or send again (unbounded)
                        if (!round.bounded()) {
                            try {
                                tx.send(m, null);
                                ledger.sent(m, "unbounded send");
                            } catch (ChannelClosedException e) {
                                ledger.back(m, e, "unbounded send");
                                round.sawClosed("unbounded send");
                                closed = true;
                            } catch (InterruptedException e) {
                                ledger.error("an unbounded send threw " + e);
                                ledger.back(m, "unbounded send interrupted");
                            }
                            break;
                        }
                        final CompletableFuture<Void> f = ((BoundedTx) tx).tx.sendAsync(m, round.executor(r)).toCompletableFuture();
                        final PendingSend p = new PendingSend(m, f);
                        if (r.nextInt(5) == 0) {
                            p.relay = f.thenRun(() -> round.relay(tx, new SplittableRandom(m.seq)));
                        }
                        switch (r.nextInt(6)) {
                            case 0:
                                p.withdrawn = f.cancel(r.nextBoolean());
                                break;
                            case 1:
                                spin(r.nextInt(2_000));
                                p.withdrawn = f.cancel(false);
                                break;
                            case 2:
                                p.withdrawn = f.complete(null);
                                break;
                            case 3:
                                f.orTimeout(r.nextInt(200_000), TimeUnit.NANOSECONDS);
                                break;
                            default:
                                break;
                        }
                        if (p.withdrawn) {
                            ledger.back(m, "sendAsync withdrawn");
                        }
                        pending.add(p);
                        if (pending.size() > maxPending) {
                            closed |= resolve(round, pending.poll());
                        }
                    }
                }
                // resolve what is done already, in order
                for (Iterator<PendingSend> it = pending.iterator(); it.hasNext(); ) {
                    final PendingSend p = it.next();
                    if (!p.f.isDone() || (p.relay != null && !p.relay.isDone())) {
                        break;
                    }
                    it.remove();
                    closed |= resolve(round, p);
                }
            }
            for (PendingSend p; (p = pending.poll()) != null; ) {
                resolve(round, p);
            }
            if (round.end == End.TX_CLOSE) {
                closeSenderMaybeWithPermit(round, id, Integer.MAX_VALUE, tx, r); // its value comes after all others
            }
        } catch (Throwable t) {
            ledger.error("sender s" + id + " failed: " + t);
            t.printStackTrace();
        } finally {
            Thread.interrupted();
        }
    }

    /** Waits for a pending send and accounts for it; returns whether it found the channel closed. */
    private boolean resolve(Round round, PendingSend p) {
        final Ledger ledger = round.ledger;
        if (!awaitDone(p.f, GUARD_NANOS)) {
            ledger.error("hang guard: sendAsync of " + p.m + " never completed");
            return false;
        }
        if (p.relay != null && !awaitDone(p.relay, GUARD_NANOS)) {
            ledger.error("hang guard: the relay continuation of " + p.m + " never ended");
        }
        if (p.withdrawn) {
            if (!p.f.isCancelled() && !p.f.isDone()) {
                ledger.error("withdrawn sendAsync of " + p.m + " is not done");
            }
            return false;
        }
        final Throwable failure = failureOf(p.f);
        if (failure == null) {
            ledger.sent(p.m, "sendAsync");
            return false;
        }
        if (failure instanceof ChannelClosedException) {
            ledger.back(p.m, (ChannelClosedException) failure, "sendAsync");
            round.sawClosed("sendAsync");
            return true;
        }
        if (failure instanceof TimeoutException) {
            // orTimeout completed it from outside, which withdraws the send: not sent
            ledger.back(p.m, "sendAsync withdrawn by orTimeout");
            return false;
        }
        ledger.error("sendAsync of " + p.m + " failed with " + failure);
        ledger.back(p.m, "sendAsync failed oddly");
        return false;
    }

    /**
     * One permit operation: reserve one or several slots, send through some of them, close the
     * rest. Returns the next sequence number, or -1 if the channel was found closed.
     */
    private int permits(Round round, int id, int seq, BoundedTx tx, SplittableRandom r) {
        final Ledger ledger = round.ledger;
        final int kind = r.nextInt(5);
        if (kind < 3) { // one permit: blocking, timed, try
            final Msg m = ledger.newMsg(id, seq++);
            final Mpsc.Permit<Msg> permit;
            try {
                permit = kind == 0 ? tx.tx.reserve() : kind == 1 ? tx.tx.reserve(round.timeout(r)) : tx.tx.tryReserve();
            } catch (ChannelClosedException e) {
                ledger.back(m, "reserve: closed");
                round.sawClosed("reserve");
                return -1;
            } catch (InterruptedException e) {
                ledger.back(m, "reserve interrupted");
                return seq;
            }
            if (permit == null) {
                ledger.back(m, "reserve: none");
                return seq;
            }
            if (r.nextInt(5) == 0) {
                permit.close();
                ledger.back(m, "permit closed unused");
            } else {
                permit.send(m);
                ledger.sent(m, "permit send");
                permit.close(); // no-op after use
            }
            return seq;
        }
        final int n = r.nextInt(Math.min(round.capacity, 3) + 1);
        final Mpsc.Permits<Msg> batch;
        try {
            batch = kind == 3 ? tx.tx.reserveMany(n) : tx.tx.tryReserveMany(n);
        } catch (ChannelClosedException e) {
            round.sawClosed("reserveMany");
            return -1;
        } catch (InterruptedException e) {
            return seq;
        }
        if (batch == null) {
            return seq;
        }
        final int use = r.nextInt(n + 1);
        for (int i = 0; i < use; i++) {
            final Msg m = ledger.newMsg(id, seq++);
            if (r.nextBoolean()) {
                batch.send(m);
            } else {
                batch.next().send(m);
            }
            ledger.sent(m, "batch send");
        }
        batch.close();
        return seq;
    }

    /** TX_CLOSE rounds: close the handle, sometimes while holding a permit that is used afterwards. */
    private void closeSenderMaybeWithPermit(Round round, int id, int seq, Tx tx, SplittableRandom r) {
        if (round.bounded() && r.nextBoolean()) {
            final Mpsc.Permit<Msg> permit;
            try {
                permit = ((BoundedTx) tx).tx.reserve(Duration.ofMillis(5));
            } catch (InterruptedException e) {
                tx.close();
                return;
            }
            tx.close();
            if (permit != null) {
                final Msg m = round.ledger.newMsg(id, seq);
                permit.send(m); // an outstanding permit keeps the channel open for the receiver
                round.ledger.sent(m, "permit send after the handle closed");
            }
            return;
        }
        tx.close();
    }

    /** The receiver's body. Returns normally at the sentinel (OPEN) or at end of stream. */
    private void receiver(Round round, SplittableRandom r, int closeAfter) {
        final Ledger ledger = round.ledger;
        final OrderCheck order = new OrderCheck(round.senders);
        final Mpsc.Receiver<Msg> rx = round.rx;
        try {
            for (;;) {
                if (closeAfter >= 0 && round.received.get() >= closeAfter && !round.receiverClosed) {
                    round.receiverClosed = true;
                    rx.close();
                }
                final List<Msg> got = new ArrayList<>(4);
                boolean eos = false;
                switch (r.nextInt(5)) {
                    case 0:
                        try {
                            final Msg m = rx.recv();
                            if (m == null) {
                                eos = true;
                            } else {
                                got.add(m);
                            }
                        } catch (InterruptedException e) {
                            // nothing taken
                        }
                        break;
                    case 1:
                        try {
                            final Msg m = rx.recv(round.timeout(r));
                            if (m == null) {
                                eos = true;
                            } else {
                                got.add(m);
                            }
                        } catch (InterruptedException | TimeoutException e) {
                            // nothing taken
                        }
                        break;
                    case 2:
                        try {
                            final Msg m = rx.tryRecv();
                            if (m == null) {
                                spin(r.nextInt(500));
                            } else {
                                got.add(m);
                            }
                        } catch (ChannelClosedException e) {
                            eos = true;
                        }
                        break;
                    case 3:
                        eos = recvAsync(round, r, got);
                        break;
                    default:
                        try {
                            final int n = rx.recvMany(got, 1 + r.nextInt(5));
                            eos = n == 0;
                            if (n != got.size()) {
                                ledger.error("recvMany returned " + n + " but added " + got.size());
                            }
                        } catch (InterruptedException e) {
                            if (!got.isEmpty()) {
                                ledger.error("recvMany was interrupted but added " + got);
                            }
                        }
                        break;
                }
                boolean sentinel = false;
                for (Msg m : got) {
                    if (m.sender == MpscRaceAccounting.SENTINEL) {
                        if (round.end != End.OPEN) {
                            ledger.error("sentinel in a " + round.end + " round");
                        }
                        sentinel = true;
                        continue;
                    }
                    if (sentinel && m.sender != MpscRaceAccounting.RELAY) {
                        ledger.error("a sender's value " + m + " arrived after the sentinel");
                    }
                    ledger.received(m); // (recvMany may return relays that came after the sentinel)
                    order.check(m, ledger);
                    round.received.incrementAndGet();
                }
                if (sentinel) {
                    return;
                }
                if (eos) {
                    if (round.end == End.OPEN) {
                        ledger.error("end of stream on a channel that nobody closed");
                        return;
                    }
                    checkEndOfStream(round);
                    return;
                }
            }
        } catch (Throwable t) {
            ledger.error("receiver failed: " + t);
            t.printStackTrace();
        } finally {
            Thread.interrupted();
        }
    }

    /** After end of stream: it stays the end, and the channel reports closed. */
    private static void checkEndOfStream(Round round) {
        final Ledger ledger = round.ledger;
        final Mpsc.Receiver<Msg> rx = round.rx;
        Thread.interrupted();
        try {
            final Msg late = rx.tryRecv();
            ledger.error("tryRecv after end of stream returned " + late);
        } catch (ChannelClosedException expected) {
            // end of stream stays
        }
        try {
            final Msg late = rx.recv();
            if (late != null) {
                ledger.error("recv after end of stream returned " + late);
            }
        } catch (InterruptedException e) {
            ledger.error("recv after end of stream was interrupted");
        }
        if (!rx.isClosed()) {
            ledger.error("receiver not closed at end of stream");
        }
    }

    /** One asynchronous receive with a random cancel policy; returns whether it saw end of stream. */
    private boolean recvAsync(Round round, SplittableRandom r, List<Msg> got) {
        final Ledger ledger = round.ledger;
        final CompletableFuture<Msg> f = round.rx.recvAsync(round.executor(r)).toCompletableFuture();
        CompletableFuture<?> relay = null;
        if (round.relayTx != null && r.nextInt(4) == 0) {
            final long s = r.nextLong();
            relay = f.thenAccept(m -> {
                if (m != null) {
                    round.relay(round.relayTx, new SplittableRandom(s));
                }
            });
            round.receiverRelays.add(relay);
        }
        boolean withdrawn = false;
        switch (r.nextInt(6)) {
            case 0:
                withdrawn = f.cancel(false);
                break;
            case 1:
                spin(r.nextInt(3_000));
                withdrawn = f.cancel(true);
                break;
            case 2: { // cancelled from another thread
                final CompletableFuture<Boolean> c = CompletableFuture.supplyAsync(() -> f.cancel(false), pool);
                if (!awaitDone(c, GUARD_NANOS)) {
                    ledger.error("hang guard: cancel task never ran");
                    return true;
                }
                withdrawn = c.join();
                break;
            }
            case 3:
                withdrawn = f.complete(null);
                break;
            case 4:
                f.orTimeout(r.nextInt(300_000), TimeUnit.NANOSECONDS);
                break;
            default:
                break;
        }
        if (!awaitDone(f, GUARD_NANOS)) {
            ledger.error("hang guard: recvAsync never completed (withdrawn " + withdrawn + ", len " + round.rx.len() + ")");
            return true;
        }
        if (withdrawn) {
            return false; // nothing taken: the accounting shows it if something was
        }
        final Throwable failure = failureOf(f);
        if (failure != null) {
            if (!(failure instanceof TimeoutException)) {
                ledger.error("recvAsync failed with " + failure);
            }
            return false; // withdrawn by orTimeout: nothing taken
        }
        final Msg m = f.join();
        if (m == null) {
            return true;
        }
        got.add(m);
        return false;
    }

    /** The interrupter's body: random interrupts of the senders and the receiver. */
    private static void interrupter(Round round, List<Thread> targets, SplittableRandom r) {
        while (!round.interrupterStop.get()) {
            LockSupport.parkNanos(20_000L + r.nextInt(400_000));
            final Thread t = targets.get(r.nextInt(targets.size()));
            if (!round.interrupterStop.get()) {
                t.interrupt();
            }
        }
    }

    /** One round of the storm. */
    private void round(long seed, int capacity, End end, java.util.Map<String, Integer> stats) throws Exception {
        final Round round = new Round(seed, capacity, end);
        final SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        final List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < round.senders; i++) {
            final int id = i;
            final Tx tx = round.ctl.duplicate();
            final SplittableRandom sr = r.split();
            senders.add(MpscRaceAccounting.newThread("s" + id, round.virtual, () -> sender(round, id, tx, sr)));
        }
        if (end == End.TX_CLOSE) {
            round.ctl.close();
        }
        // who closes the receiver in RX_CLOSE rounds: the receiver itself, another thread, or the coordinator
        final int closer = end == End.RX_CLOSE ? r.nextInt(3) : -1;
        final int closeAfter = closer == 0 ? r.nextInt(round.senders * round.quota / 2 + 1) : -1;
        final SplittableRandom rr = r.split();
        final Thread receiver = MpscRaceAccounting.newThread("rx", round.virtual, () -> receiver(round, rr, closeAfter));
        final List<Thread> targets = new ArrayList<>(senders);
        targets.add(receiver);
        final SplittableRandom ir = r.split();
        final Thread interrupter = MpscRaceAccounting.newThread("interrupter", false, () -> interrupter(round, targets, ir));
        Thread closerThread = null;
        if (closer == 1) {
            final long delay = r.nextInt(3_000_000);
            closerThread = MpscRaceAccounting.newThread("closer", false, () -> {
                LockSupport.parkNanos(delay);
                round.receiverClosed = true;
                round.rx.close();
            });
        }
        final List<Thread> all = new ArrayList<>(targets);
        all.add(interrupter);
        receiver.start();
        senders.forEach(Thread::start);
        interrupter.start();
        if (closerThread != null) {
            all.add(closerThread);
            closerThread.start();
        }

        if (!MpscRaceAccounting.joinAll(senders, GUARD_NANOS)) {
            hang(round, all, "senders did not finish");
        }
        round.interrupterStop.set(true);
        interrupter.join();
        if (closerThread != null) {
            closerThread.join();
        }
        if (end == End.RX_CLOSE) {
            round.receiverClosed = true;
            round.rx.close(); // idempotent; ends the round if nobody closed yet
        }
        if (end == End.OPEN) {
            final Msg sentinel = new Msg(MpscRaceAccounting.SENTINEL, 0);
            Thread.interrupted();
            round.ctl.send(sentinel, null);
        }
        if (!MpscRaceAccounting.joinAll(List.of(receiver), GUARD_NANOS)) {
            hang(round, all, "receiver did not finish");
        }
        for (CompletableFuture<?> relay : round.receiverRelays) {
            if (!awaitDone(relay, GUARD_NANOS)) {
                hang(round, all, "a receive continuation did not end");
            }
        }
        if (end == End.OPEN) {
            // relays from receive continuations may have landed after the sentinel
            for (Msg m; (m = round.rx.tryRecv()) != null; ) {
                if (m.sender != MpscRaceAccounting.RELAY) {
                    round.ledger.error("a sender's value " + m + " arrived after the sentinel");
                }
                round.ledger.received(m);
            }
        }
        final List<String> problems = round.ledger.verify(20);
        if (!problems.isEmpty()) {
            fail("round " + round.description + ": " + problems.size() + " problem(s), values " + round.ledger.size()
                    + ", received " + round.received.get() + ":\n  " + String.join("\n  ", problems));
        }
        if (end == End.RX_CLOSE && !round.receiverClosed) {
            fail("round " + round.description + ": the receiver was not closed");
        }
        checkCapacityAndReuse(round);
        round.ledger.tally(stats);
        stats.merge("rounds " + end, 1, Integer::sum);
        if (round.relayTx != null) {
            round.relayTx.close();
        }
        round.ctl.close();
    }

    /** No capacity leak: with everything received and every permit closed, all slots are free again. */
    private static void checkCapacityAndReuse(Round round) throws Exception {
        final Mpsc.Receiver<Msg> rx = round.rx;
        final String where = "round " + round.description + ": ";
        assertEquals(0, rx.len(), where + "messages left in the channel");
        if (round.bounded()) {
            final Mpsc.Sender<Msg> ctl = round.boundedCtl;
            assertEquals(ctl.maxCapacity(), ctl.capacity(), where + "capacity leak: free slots after the storm");
            if (round.end == End.OPEN) {
                // the channel still works: exactly `capacity` slots, FIFO, then full
                final List<Msg> probes = new ArrayList<>();
                for (int i = 0; i < round.capacity; i++) {
                    final Msg m = new Msg(MpscRaceAccounting.SENTINEL, 1 + i);
                    probes.add(m);
                    assertEquals(TrySendResult.SENT, ctl.trySend(m), where + "reuse: probe " + i + " not sent");
                }
                assertEquals(TrySendResult.FULL, ctl.trySend(new Msg(MpscRaceAccounting.SENTINEL, -1)), where + "reuse: more than capacity");
                for (Msg m : probes) {
                    assertSame(m, rx.tryRecv(), where + "reuse: probes out of order");
                }
                assertNull(rx.tryRecv(), where + "reuse: extra message");
                assertEquals(ctl.maxCapacity(), ctl.capacity(), where + "reuse: capacity after the probes");
            }
        } else if (round.end == End.OPEN) {
            final Msg a = new Msg(MpscRaceAccounting.SENTINEL, 1);
            final Msg b = new Msg(MpscRaceAccounting.SENTINEL, 2);
            round.unboundedCtl.send(a);
            round.unboundedCtl.send(b);
            assertSame(a, rx.tryRecv(), where + "reuse");
            assertSame(b, rx.tryRecv(), where + "reuse");
            assertNull(rx.tryRecv(), where + "reuse");
        }
        if (round.end != End.OPEN) {
            assertTrue(rx.isClosed(), where + "receiver not closed at the end");
            assertThrows(ChannelClosedException.class, rx::tryRecv, where + "no end of stream at the end");
        }
    }

    private static void hang(Round round, List<Thread> threads, String what) {
        round.interrupterStop.set(true);
        fail("hang guard, round " + round.description + ": " + what + "; len " + round.rx.len()
                + (round.bounded() ? ", capacity " + round.boundedCtl.capacity() : "")
                + ", problems so far " + round.ledger.verify(10) + MpscRaceAccounting.stacks(threads));
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    private void storm(int capacity, int rounds, long salt) throws Exception {
        final SplittableRandom r = new SplittableRandom(BASE_SEED ^ salt);
        final End[] ends = End.values();
        final java.util.Map<String, Integer> stats = new java.util.TreeMap<>();
        final long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            round(r.nextLong(), capacity, ends[r.nextInt(ends.length)], stats);
        }
        System.out.println("MpscRaceTest storm " + (capacity == 0 ? "unbounded" : "capacity " + capacity) + ": "
                + rounds + " rounds in " + (System.nanoTime() - t0) / 1_000_000 + " ms; " + stats);
    }

    /**
     * Many senders using every sending form, with random cancels, timeouts and interrupts, into a
     * small bounded channel; a receiver using every receiving form; a random close. Every value is
     * received exactly once or handed back exactly once, per-sender order holds, and no capacity leaks.
     */
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 16})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void boundedStorm(int capacity) throws Exception {
        storm(capacity, 200, capacity * 0x9E3779B97F4A7C15L);
    }

    /** The same storm into an unbounded channel (senders never wait; the receiver still does). */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void unboundedStorm() throws Exception {
        storm(0, 200, 0xC2B2AE3D27D4EB4FL);
    }

    // ================================================================== focused races

    /**
     * A receiver that cancels every asynchronous receive at once, racing a sender: a receive whose
     * cancel returned true took nothing, so every value is still received (later, in order).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void cancelledRecvAsyncTakesNothing() throws Exception {
        int cancelledTotal = 0;
        for (int round = 0; round < 12; round++) {
            final Mpsc.Channel<Integer> ch = Mpsc.bounded(1 + round % 3);
            final Mpsc.Sender<Integer> tx = ch.sender();
            final Mpsc.Receiver<Integer> rx = ch.receiver();
            final int n = 1_000;
            final Thread producer = MpscRaceAccounting.newThread("producer", false, () -> {
                try {
                    for (int i = 0; i < n; i++) {
                        tx.send(i);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            producer.start();
            int next = 0;
            int cancelled = 0;
            while (next < n) {
                final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
                if ((next & 1) == 0 && f.cancel(false)) {
                    cancelled++;
                    assertTrue(f.isCancelled());
                    continue;
                }
                assertTrue(awaitDone(f, GUARD_NANOS), "hang guard: recvAsync never completed at " + next);
                assertEquals(next, f.join(), "a value was skipped or taken by a cancelled receive");
                next++;
            }
            assertTrue(MpscRaceAccounting.joinAll(List.of(producer), GUARD_NANOS));
            assertNull(rx.tryRecv());
            assertEquals(tx.maxCapacity(), tx.capacity());
            cancelledTotal += cancelled;
        }
        System.out.println("MpscRaceTest cancelledRecvAsyncTakesNothing: " + cancelledTotal + " receives cancelled");
    }

    /**
     * A sender's asynchronous sends race their own cancels and a receiver close: each is either
     * received (cancel returned false) or not (cancel returned true, or failed with its value).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void cancelledSendAsyncRacesCloseWithoutLoss() throws Exception {
        final SplittableRandom r = new SplittableRandom(BASE_SEED ^ 0x7F4A7C15L);
        for (int round = 0; round < 200; round++) {
            final Mpsc.Channel<Msg> ch = Mpsc.bounded(1 + r.nextInt(2));
            final Mpsc.Sender<Msg> tx = ch.sender();
            final Mpsc.Receiver<Msg> rx = ch.receiver();
            final Ledger ledger = new Ledger();
            final List<Msg> msgs = new ArrayList<>();
            final List<CompletableFuture<Void>> fs = new ArrayList<>();
            final List<Boolean> withdrawn = new ArrayList<>();
            final int n = 64;
            for (int i = 0; i < n; i++) {
                final Msg m = ledger.newMsg(0, i);
                msgs.add(m);
                fs.add(tx.sendAsync(m).toCompletableFuture());
                withdrawn.add(false);
            }
            final int closeAt = r.nextInt(n);
            final CountDownLatch go = new CountDownLatch(1);
            final Thread canceller = MpscRaceAccounting.newThread("canceller", false, () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = n - 1; i >= 0; i--) {
                    if (fs.get(i).cancel(false)) {
                        synchronized (withdrawn) {
                            withdrawn.set(i, true);
                        }
                    }
                }
                rx.close(); // if the receiver has not closed yet: ends the round (and races its receives)
            });
            canceller.start();
            go.countDown();
            final OrderCheck order = new OrderCheck(1);
            int got = 0;
            for (;;) {
                if (got == closeAt) {
                    rx.close();
                }
                final Msg m = rx.recv();
                if (m == null) {
                    break;
                }
                ledger.received(m);
                order.check(m, ledger);
                got++;
            }
            assertTrue(MpscRaceAccounting.joinAll(List.of(canceller), GUARD_NANOS));
            for (int i = 0; i < n; i++) {
                final CompletableFuture<Void> f = fs.get(i);
                final boolean w;
                synchronized (withdrawn) {
                    w = withdrawn.get(i);
                }
                assertTrue(awaitDone(f, GUARD_NANOS), "hang guard: sendAsync " + i);
                if (w) {
                    ledger.back(msgs.get(i), "cancel returned true");
                } else if (failureOf(f) instanceof ChannelClosedException) {
                    ledger.back(msgs.get(i), (ChannelClosedException) failureOf(f), "sendAsync");
                } else if (failureOf(f) == null) {
                    ledger.sent(msgs.get(i), "sendAsync");
                } else {
                    ledger.error("sendAsync " + i + " failed with " + failureOf(f));
                }
            }
            final List<String> problems = ledger.verify(20);
            assertTrue(problems.isEmpty(), "round " + round + " (base seed " + BASE_SEED + "): " + problems);
            assertEquals(tx.maxCapacity(), tx.capacity(), "capacity leak after close");
        }
    }

    // ================================================================== bugs found in review
    // Each of these failed on the library as first reviewed; some of them force an interleaving
    // through the channel's internals (white box), as their comments say.

    /** The queue lock of a bounded channel (white box: to hold a sender just before it queues). */
    private static ReentrantLock queueLock(Mpsc.Sender<?> tx) throws ReflectiveOperationException {
        final Field ring = Mpsc.Sender.class.getDeclaredField("ring");
        ring.setAccessible(true);
        final Object core = ring.get(tx);
        final Field lock = core.getClass().getDeclaredField("lock");
        lock.setAccessible(true);
        return (ReentrantLock) lock.get(core);
    }

    /**
     * A blocking send that is granted inside its own queueing step wakes the receiver on its own
     * thread; the receive's continuation runs there and does a blocking send of its own (into
     * another, full channel). That nested send must not disturb the outer one, which already took
     * effect: the outer send returns normally, and its value is received exactly once.
     *
     * <p>The interleaving is forced by holding the channel's queue lock (white box) while the
     * sender is about to queue, so that the receiver frees the slot and registers in between.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void continuationSendingWhileItsThreadQueuesDoesNotCorruptThatSend() throws Exception {
        final Mpsc.Channel<String> a = Mpsc.bounded(1);
        final Mpsc.Channel<String> b = Mpsc.bounded(1);
        final Mpsc.Sender<String> txB = b.sender();
        assertEquals(TrySendResult.SENT, txB.trySend("b0")); // b stays full: a send into it waits
        assertEquals(TrySendResult.SENT, a.sender().trySend("a0"));
        final ReentrantLock lock = queueLock(a.sender());
        final AtomicReference<Object> outer = new AtomicReference<>();
        final Thread p;
        lock.lock();
        try {
            p = MpscRaceAccounting.newThread("outer sender", false, () -> {
                try {
                    a.sender().send("v");
                    outer.set("SENT");
                } catch (Throwable t) {
                    outer.set(t);
                }
            });
            p.start();
            final long deadline = System.nanoTime() + GUARD_NANOS;
            while (!lock.hasQueuedThread(p)) { // the sender found the channel full and is about to queue
                assertTrue(System.nanoTime() - deadline < 0, "hang guard: the sender never reached the queue");
                LockSupport.parkNanos(10_000L);
            }
            assertEquals("a0", a.receiver().tryRecv()); // frees the slot; no sender is queued yet
        } catch (Throwable t) {
            lock.unlock();
            throw t;
        }
        final AtomicReference<Object> nested = new AtomicReference<>();
        final CompletableFuture<String> received = a.receiver().recvAsync().toCompletableFuture().thenApply(v -> {
            try {
                nested.set(txB.send("nested", Duration.ofMillis(50)));
            } catch (Throwable t) {
                nested.set(t);
            }
            return v;
        });
        lock.unlock();
        assertTrue(MpscRaceAccounting.joinAll(List.of(p), GUARD_NANOS), "hang guard: the outer send never returned");
        assertEquals("v", MpscRaceAccounting.get(received, 20), "the receive got the outer value");
        assertEquals("SENT", outer.get() instanceof Throwable ? outer.get().toString() : outer.get(),
                "the outer send took effect (its value was received) but reported: " + outer.get()
                        + " (nested send on the same thread returned " + nested.get() + ")");
        assertFalse(a.receiver().len() > 0, "nothing else in the channel");
        assertEquals(a.sender().maxCapacity(), a.sender().capacity());
    }

    /**
     * Two waiting senders are granted in one step: a parked blocking send and an asynchronous send
     * whose continuation waits for the blocking send to return. The granted blocking sender must
     * be released before user continuations run, or they can wait on each other for ever (and a
     * timed send overstays its timeout).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aGrantedParkedSenderIsReleasedBeforeContinuationsRun() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(2);
        final Mpsc.Sender<String> tx = ch.sender();
        final Mpsc.Permits<String> batch = tx.reserveMany(2); // full
        final CountDownLatch parkedSendReturned = new CountDownLatch(1);
        final Thread p = MpscRaceAccounting.newThread("parked sender", false, () -> {
            try {
                tx.send("p");
            } catch (InterruptedException e) {
                return;
            }
            parkedSendReturned.countDown();
        });
        p.start();
        final long deadline = System.nanoTime() + GUARD_NANOS;
        while (!(LockSupport.getBlocker(p) instanceof dev.channels.internal.ParkingWaiter)) {
            assertTrue(System.nanoTime() - deadline < 0, "hang guard: the sender never parked");
            LockSupport.parkNanos(10_000L);
        }
        final AtomicBoolean sawReturn = new AtomicBoolean();
        final CompletableFuture<Void> x = tx.sendAsync("x").toCompletableFuture().thenRun(() -> {
            try {
                // a hang guard, not a timing verdict: the parked sender was granted before this ran
                sawReturn.set(parkedSendReturned.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        batch.close(); // frees both slots: the blocking send and the async send are granted together
        assertTrue(awaitDone(x, GUARD_NANOS));
        assertTrue(MpscRaceAccounting.joinAll(List.of(p), GUARD_NANOS));
        assertEquals("p", ch.receiver().tryRecv());
        assertEquals("x", ch.receiver().tryRecv());
        assertTrue(sawReturn.get(), "the continuation of a granted async send ran while the granted, parked sender "
                + "was still held (claimed, not completed)");
    }

    /**
     * The same with the receiver's continuation: a freed slot is granted to a parked sender, whose
     * value wakes a pending asynchronous receive. The receive's continuation (run by the thread
     * that freed the slot) waits for that sender's send to return; the sender must be released
     * before the continuation runs.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aGrantedParkedSenderIsReleasedBeforeAReceiveContinuationRuns() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        final Mpsc.Sender<String> tx = ch.sender();
        final Mpsc.Permit<String> permit = tx.reserve(); // full, and nothing to receive
        final CountDownLatch parkedSendReturned = new CountDownLatch(1);
        final Thread p = MpscRaceAccounting.newThread("parked sender", false, () -> {
            try {
                tx.send("p");
            } catch (InterruptedException e) {
                return;
            }
            parkedSendReturned.countDown();
        });
        p.start();
        final long deadline = System.nanoTime() + GUARD_NANOS;
        while (!(LockSupport.getBlocker(p) instanceof dev.channels.internal.ParkingWaiter)) {
            assertTrue(System.nanoTime() - deadline < 0, "hang guard: the sender never parked");
            LockSupport.parkNanos(10_000L);
        }
        final AtomicBoolean sawReturn = new AtomicBoolean();
        final CompletableFuture<String> received = ch.receiver().recvAsync().toCompletableFuture().thenApply(v -> {
            try {
                // a hang guard, not a timing verdict: the parked sender was granted before this ran
                sawReturn.set(parkedSendReturned.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v;
        });
        permit.close(); // the slot goes to the parked sender, whose value wakes the receive
        assertEquals("p", MpscRaceAccounting.get(received, 20));
        assertTrue(MpscRaceAccounting.joinAll(List.of(p), GUARD_NANOS));
        assertTrue(sawReturn.get(), "the receive's continuation ran while the granted, parked sender "
                + "was still held (claimed, not completed)");
        assertEquals(tx.maxCapacity(), tx.capacity(), "the slot is free again once its value was received");
    }

    /**
     * Completing a pending receive's future from outside counts as cancelling it, including
     * through {@code completeAsync} (which completes the future without going through
     * {@code complete}): the receive is withdrawn and takes nothing, so the next value is still
     * there for the next receive.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void completeAsyncFromOutsideWithdrawsAPendingReceive() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(4);
        final CompletableFuture<String> f = ch.receiver().recvAsync().toCompletableFuture();
        f.completeAsync(() -> "from outside", Runnable::run);
        assertEquals("from outside", f.join());
        assertEquals(TrySendResult.SENT, ch.sender().trySend("v"));
        assertEquals("v", ch.receiver().tryRecv(), "the value was taken by a receive whose future had been completed from outside");
    }

    /**
     * The same for a pending send: once its future was completed from outside with
     * {@code completeAsync}, the value must not be sent later (the caller believes it was not).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void completeAsyncFromOutsideWithdrawsAPendingSend() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        assertEquals(TrySendResult.SENT, ch.sender().trySend("a"));
        final CompletableFuture<Void> f = ch.sender().sendAsync("b").toCompletableFuture();
        f.completeAsync(() -> null, Runnable::run);
        assertTrue(f.isDone());
        assertEquals("a", ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv(), "a send whose future had been completed from outside still took effect");
        assertEquals(ch.sender().maxCapacity(), ch.sender().capacity());
    }

    /**
     * A try-send is FULL only when the channel has no free slot (or a waiting sender owns it).
     * Here no sender ever waits and a semaphore keeps the messages in flight below the capacity,
     * so every trySend must succeed. (Whether the race shows in a given run depends on scheduling;
     * the verdict does not.)
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void trySendIsNeverFullWhileTheChannelHasRoom() throws Exception {
        final int capacity = 3;
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Semaphore inFlight = new Semaphore(capacity - 1);
        final AtomicLong full = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            final Mpsc.Sender<Integer> tx = ch.sender().duplicate();
            producers.add(MpscRaceAccounting.newThread("p" + p, false, () -> {
                while (!stop.get()) {
                    try {
                        if (!inFlight.tryAcquire(1, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (tx.trySend(1) == TrySendResult.SENT) {
                        sent.incrementAndGet();
                    } else {
                        full.incrementAndGet();
                        inFlight.release();
                    }
                }
            }));
        }
        producers.forEach(Thread::start);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // run length, not a verdict
        while (System.nanoTime() - end < 0 && full.get() == 0) {
            if (rx.tryRecv() != null) {
                inFlight.release();
            }
        }
        stop.set(true);
        assertTrue(MpscRaceAccounting.joinAll(producers, GUARD_NANOS));
        assertEquals(0, full.get(), "trySend reported FULL " + full.get() + " time(s) while at most " + (capacity - 1)
                + " of " + capacity + " slots were ever in use (" + sent.get() + " sent)");
    }
}
