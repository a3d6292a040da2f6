package dev.channels.stress.soak;

import dev.channels.ChannelClosedException;
import dev.channels.ChannelInterruptedException;
import dev.channels.Mpsc;
import dev.channels.TrySendResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The producers and the consumer of an mpsc flow, with every form of send and receive, booking
 * each message in a {@link FlowLedger}. Used by the mpsc scenarios and by the select scenario.
 *
 * <h2>Failure contracts relied on (from the javadoc of {@code Mpsc}, checked against the code)</h2>
 * <ul>
 *   <li>Blocking {@code send}: returns normally = sent (also when an interrupt came as the slot was
 *       granted: the interrupt status is then set again and the value is in the channel);
 *       {@code InterruptedException} = not sent; {@code ChannelClosedException} = not sent and
 *       {@code value()} is the very object offered.</li>
 *   <li>Timed {@code send}: true = sent; false = the timeout passed and the value was <em>not</em>
 *       sent (a grant that races the timeout wins and makes it true); interrupt and close as above.</li>
 *   <li>{@code trySend}: only SENT sends; FULL and CLOSED leave the value with the caller.</li>
 *   <li>{@code sendAsync}: a future completed normally = sent; completed with a
 *       {@code ChannelClosedException} = not sent, value handed back; {@code cancel} returning true =
 *       not sent; {@code cancel} returning false = the send was claimed, and the future will complete
 *       normally (sent) or with the closed exception (handed back), never as cancelled.</li>
 *   <li>Reservations: a permit's {@code send} never fails and is received even after the receiver
 *       closed; a permit closed unused gives its slot back; an interrupted or timed-out reservation
 *       reserved nothing.</li>
 *   <li>Receives: an interrupted or timed-out receive took nothing; a {@code recvAsync} whose cancel
 *       returned true took nothing, one whose cancel returned false completes with the message (or
 *       null at end of stream); {@code recvMany} takes what it returns; end of stream comes only when
 *       every sender (and permit) is gone or the receiver closed, and after every buffered message.</li>
 * </ul>
 * So a value whose send failed in any of these ways is booked "returned" and must never be
 * received; a message whose send succeeded in any way is booked "accepted" and must be received
 * exactly once, in its sender's order.
 */
final class MpscWorkers {
    private MpscWorkers() {
    }

    /**
     * The buffer of {@code recvMany}; it may refuse its {@code failAt}-th add, after which (javadoc)
     * "that message is still the next to be received".
     */
    private static final class FailingBuffer extends ArrayList<Msg> {
        private static final long serialVersionUID = 1L;
        int failAt = -1;

        static final class AddFailed extends RuntimeException {
            private static final long serialVersionUID = 1L;

            AddFailed() {
                super("the buffer refuses this message", null, false, false);
            }
        }

        @Override
        public boolean add(Msg m) {
            if (size() == failAt) {
                failAt = -1;
                throw new AddFailed();
            }
            return super.add(m);
        }
    }

    private static final class Pending {
        final CompletableFuture<Void> future;
        final Msg msg;

        Pending(CompletableFuture<Void> future, Msg msg) {
            this.future = future;
            this.msg = msg;
        }
    }

    /** After how many operations a sender closes early: in one of six rounds, else never. */
    static long earlyClose(SplittableRandom rnd) {
        return rnd.nextInt(6) == 0 ? rnd.nextInt(1, 50_000) : -1;
    }

    /** After a failed attempt: keep the value for another try, or give it up (booked returned). */
    private static Msg retryOrReturn(FlowLedger.Book book, Msg cur, SplittableRandom rnd) {
        if (rnd.nextInt(10) < 6) {
            return cur;
        }
        book.returned(cur);
        return null;
    }

    /**
     * Books the outcome of a send future that has taken effect or will (not cancelled by us):
     * returns false if it reports the receiver closed.
     */
    private static boolean resolve(Round r, FlowLedger.Book book, CompletableFuture<Void> f, Msg m, String how) {
        final Util.Outcome<Void> o = Util.join(f);
        if (o.ok()) {
            book.accepted(m);
            return true;
        }
        book.returned(m);
        if (o.cancelled) {
            r.violation("sendAsync of " + m + " (" + how + ") ended cancelled although no cancel of it returned true");
            return true;
        }
        if (o.failure instanceof ChannelClosedException) {
            final Object back = ((ChannelClosedException) o.failure).value();
            if (back != m) {
                r.violation("sendAsync of " + m + " failed closed handing back " + back + " instead");
            }
            return false;
        }
        r.violation("sendAsync of " + m + " failed: " + Round.stackTrace(o.failure));
        return true;
    }

    private static void checkHandedBack(Round r, ChannelClosedException e, Msg cur, String op) {
        if (e.hasValue() && e.value() != cur) {
            r.violation(op + " of " + cur + " failed closed handing back " + e.value() + " instead");
        }
    }

    /** A producer of a bounded channel: every form of send and reservation, and early closes. */
    static void boundedProducer(Round r, Mpsc.Sender<Msg> tx, FlowLedger.Book book, SplittableRandom rnd) {
        boundedProducer(r, tx, book, rnd, Long.MAX_VALUE);
    }

    /** As above, closing the handle after at most {@code maxOps} operations. */
    static void boundedProducer(Round r, Mpsc.Sender<Msg> tx, FlowLedger.Book book, SplittableRandom rnd, long maxOps) {
        final Stats st = r.stats;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        final int cap = tx.maxCapacity();
        Msg cur = null;
        boolean closed = false;
        final long closeAfter = earlyClose(rnd);
        try {
            for (long ops = 0; !closed && r.producing() && ops < maxOps; ops++) {
                if (ops == closeAfter) {
                    st.closes.increment(); // this sender closes early (Tokio's drop of a sender)
                    break;
                }
                Util.pace(rnd, 64);
                if (cur == null) {
                    cur = book.next();
                }
                final int op = rnd.nextInt(100);
                try {
                    if (op < 22) {
                        tx.send(cur);
                        book.accepted(cur);
                        cur = null;
                    } else if (op < 36) {
                        if (tx.send(cur, Util.shortTimeout(rnd))) {
                            book.accepted(cur);
                            cur = null;
                        } else {
                            st.timeouts.increment();
                            cur = retryOrReturn(book, cur, rnd);
                        }
                    } else if (op < 50) {
                        final TrySendResult res = tx.trySend(cur);
                        if (res == TrySendResult.SENT) {
                            book.accepted(cur);
                            cur = null;
                        } else if (res == TrySendResult.FULL) {
                            cur = retryOrReturn(book, cur, rnd);
                        } else {
                            book.returned(cur);
                            cur = null;
                            closed = true;
                        }
                    } else if (op < 66) {
                        final Msg m = cur;
                        cur = null;
                        final boolean viaExecutor = rnd.nextInt(4) == 0;
                        final CompletableFuture<Void> f =
                                (viaExecutor ? tx.sendAsync(m, r.executor) : tx.sendAsync(m)).toCompletableFuture();
                        final int mode = rnd.nextInt(3);
                        if (mode == 0 && !f.isDone()) {
                            Util.spin(rnd);
                            st.cancels.increment();
                            if (Util.withdraw(f, rnd)) {
                                st.cancelsWon.increment();
                                if (!f.isDone()) {
                                    r.violation("sendAsync: a withdrawal returned true but the future is not done");
                                }
                                book.returned(m);
                            } else {
                                closed |= !resolve(r, book, f, m, "cancel returned false");
                            }
                        } else if (mode == 1 || f.isDone()) {
                            closed |= !resolve(r, book, f, m, "joined");
                        } else {
                            // Left pending while this sender goes on: its later messages queue
                            // behind it (FIFO), so per-sender order must still hold.
                            pending.add(new Pending(f, m));
                            if (pending.size() > 3) {
                                final Pending p = pending.poll();
                                closed |= !resolve(r, book, p.future, p.msg, "pending");
                            }
                        }
                    } else if (op < 78) {
                        final int how = rnd.nextInt(3);
                        final Mpsc.Permit<Msg> p = how == 0 ? tx.reserve()
                                : how == 1 ? tx.reserve(Util.shortTimeout(rnd)) : tx.tryReserve();
                        if (p == null) {
                            if (how == 1) {
                                st.timeouts.increment();
                            }
                        } else if (rnd.nextInt(8) == 0) {
                            p.close(); // unused: its slot goes back
                        } else {
                            Util.pace(rnd, 32);
                            p.send(cur);
                            book.accepted(cur);
                            cur = null;
                        }
                    } else if (op < 86) {
                        final int k = 1 + rnd.nextInt(Math.min(cap, 4));
                        final Mpsc.Permits<Msg> ps = rnd.nextBoolean() ? tx.reserveMany(k) : tx.tryReserveMany(k);
                        if (ps != null) {
                            try {
                                for (int i = rnd.nextInt(k + 1); i > 0; i--) {
                                    if (cur == null) {
                                        cur = book.next();
                                    }
                                    if (rnd.nextBoolean()) {
                                        ps.send(cur);
                                    } else {
                                        ps.next().send(cur);
                                    }
                                    book.accepted(cur);
                                    cur = null;
                                }
                            } finally {
                                ps.close(); // the rest goes back
                            }
                        }
                    } else if (op < 94) {
                        try (Mpsc.Sender<Msg> other = tx.duplicate()) { // Tokio's clone, dropped at once
                            other.send(cur);
                            book.accepted(cur);
                            cur = null;
                        }
                    } else {
                        final Mpsc.WeakSender<Msg> weak = tx.downgrade();
                        try (Mpsc.Sender<Msg> up = weak.upgrade()) {
                            if (up == null) {
                                r.violation("a weak sender could not be upgraded while its strong sender is open");
                            } else if (up.trySend(cur) == TrySendResult.SENT) {
                                book.accepted(cur);
                                cur = null;
                            }
                        } finally {
                            weak.release();
                        }
                    }
                } catch (InterruptedException e) {
                    st.interruptsSeen.increment();
                    if (cur != null) {
                        cur = retryOrReturn(book, cur, rnd);
                    }
                } catch (ChannelClosedException e) {
                    closed = true;
                    if (cur != null) {
                        checkHandedBack(r, e, cur, "send");
                        book.returned(cur);
                        cur = null;
                    }
                }
                if (closed && !tx.isClosed()) {
                    r.violation("a send failed closed but the sender does not report the channel closed");
                }
            }
        } finally {
            for (Pending p : pending) {
                resolve(r, book, p.future, p.msg, "pending at the end");
            }
            if (cur != null) {
                book.returned(cur);
            }
            tx.close();
        }
    }

    /** A producer of an unbounded channel: send and trySend, duplicated handles, early closes. */
    static void unboundedProducer(Round r, Mpsc.UnboundedSender<Msg> tx, Mpsc.Receiver<Msg> rx, FlowLedger.Book book,
            SplittableRandom rnd) {
        unboundedProducer(r, tx, rx, book, rnd, Long.MAX_VALUE);
    }

    /** As above, closing the handle after at most {@code maxOps} operations. */
    static void unboundedProducer(Round r, Mpsc.UnboundedSender<Msg> tx, Mpsc.Receiver<Msg> rx, FlowLedger.Book book,
            SplittableRandom rnd, long maxOps) {
        final Stats st = r.stats;
        boolean closed = false;
        final long closeAfter = earlyClose(rnd);
        try {
            for (long ops = 0; !closed && r.producing() && ops < maxOps; ops++) {
                if (ops == closeAfter) {
                    st.closes.increment();
                    break;
                }
                if (rx.len() > 4096) {
                    Util.park(20_000L); // keep the memory of an unbounded channel in check
                    continue;
                }
                Util.pace(rnd, 256);
                final Msg m = book.next();
                try {
                    final int op = rnd.nextInt(10);
                    if (op < 5) {
                        tx.send(m);
                        book.accepted(m);
                    } else if (op < 9) {
                        final TrySendResult res = tx.trySend(m);
                        if (res == TrySendResult.SENT) {
                            book.accepted(m);
                        } else {
                            book.returned(m);
                            closed = true;
                            if (res != TrySendResult.CLOSED) {
                                r.violation("an unbounded trySend reported " + res);
                            }
                        }
                    } else {
                        try (Mpsc.UnboundedSender<Msg> other = tx.duplicate()) {
                            other.send(m);
                            book.accepted(m);
                        }
                    }
                } catch (ChannelClosedException e) {
                    checkHandedBack(r, e, m, "unbounded send");
                    book.returned(m);
                    closed = true;
                }
                if (closed && !tx.isClosed()) {
                    r.violation("an unbounded send failed closed but the sender does not report the channel closed");
                }
            }
        } finally {
            tx.close();
        }
    }

    /**
     * The consumer: every form of receive, until end of stream; half-closes the receiver after
     * {@code closeAfter} messages if that is not negative.
     */
    static void consumer(Round r, Mpsc.Receiver<Msg> rx, FlowLedger ledger, SplittableRandom rnd, long closeAfter) {
        final Stats st = r.stats;
        final FailingBuffer buf = new FailingBuffer();
        long got = 0;
        long closeAt = closeAfter;
        for (;;) {
            if (closeAt >= 0 && got >= closeAt) {
                rx.close(); // half-close mid-stream: what is buffered stays receivable
                st.closes.increment();
                closeAt = -1;
            }
            if (rnd.nextInt(32) == 0) {
                Thread.yield(); // let the channel fill now and then
            }
            final int op = rnd.nextInt(100);
            try {
                if (op < 28) {
                    final Msg m = rx.recv();
                    if (m == null) {
                        break;
                    }
                    ledger.received(m);
                    got++;
                } else if (op < 42) {
                    try {
                        final Msg m = rx.recv(Util.shortTimeout(rnd));
                        if (m == null) {
                            break;
                        }
                        ledger.received(m);
                        got++;
                    } catch (TimeoutException e) {
                        st.timeouts.increment();
                    }
                } else if (op < 56) {
                    try {
                        final Msg m = rx.tryRecv();
                        if (m != null) {
                            ledger.received(m);
                            got++;
                        } else {
                            Thread.onSpinWait();
                        }
                    } catch (ChannelClosedException e) {
                        break;
                    }
                } else if (op < 66) {
                    final CompletableFuture<Msg> f =
                            (rnd.nextInt(3) == 0 ? rx.recvAsync(r.executor) : rx.recvAsync()).toCompletableFuture();
                    final Util.Outcome<Msg> o = Util.join(f);
                    if (!o.ok()) {
                        r.violation("recvAsync failed: " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                        break;
                    }
                    if (o.value == null) {
                        break;
                    }
                    ledger.received(o.value);
                    got++;
                } else if (op < 72) {
                    // orTimeout completes the future from outside (on the JDK's delayer thread) when
                    // it fires: that counts as cancelling, so a TimeoutException means nothing was taken
                    final CompletableFuture<Msg> f =
                            rx.recvAsync().toCompletableFuture().orTimeout(1 + rnd.nextInt(200), TimeUnit.MICROSECONDS);
                    st.cancels.increment();
                    final Util.Outcome<Msg> o = Util.join(f);
                    if (o.failure instanceof TimeoutException) {
                        st.cancelsWon.increment();
                        continue;
                    }
                    if (!o.ok()) {
                        r.violation("recvAsync with orTimeout ended " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                        break;
                    }
                    if (o.value == null) {
                        break;
                    }
                    ledger.received(o.value);
                    got++;
                } else if (op < 78) {
                    final CompletableFuture<Msg> f = rx.recvAsync().toCompletableFuture();
                    if (!f.isDone()) {
                        Util.spin(rnd);
                    }
                    st.cancels.increment();
                    if (Util.withdraw(f, rnd)) {
                        st.cancelsWon.increment(); // took nothing: the message stays for the next receive
                        if (!f.isDone()) {
                            r.violation("recvAsync: a withdrawal returned true but the future is not done");
                        }
                    } else {
                        final Util.Outcome<Msg> o = Util.join(f);
                        if (!o.ok()) {
                            r.violation("recvAsync whose cancel returned false ended "
                                    + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                            break;
                        }
                        if (o.value == null) {
                            break;
                        }
                        ledger.received(o.value);
                        got++;
                    }
                } else if (op < 90) {
                    buf.clear();
                    buf.failAt = rnd.nextInt(8) == 0 ? rnd.nextInt(4) : -1;
                    final int n;
                    try {
                        n = rx.recvMany(buf, 1 + rnd.nextInt(16));
                    } catch (FailingBuffer.AddFailed e) {
                        // the messages added before stay taken; the refused one is still the next
                        for (Msg m : buf) {
                            ledger.received(m);
                            got++;
                        }
                        continue;
                    }
                    if (n == 0) {
                        break;
                    }
                    if (n != buf.size()) {
                        r.violation("recvMany returned " + n + " but added " + buf.size());
                    }
                    for (Msg m : buf) {
                        ledger.received(m);
                        got++;
                    }
                } else {
                    final Iterator<Msg> it = rx.iterator();
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        ledger.received(it.next());
                        got++;
                    } catch (ChannelInterruptedException e) {
                        if (!Thread.interrupted()) {
                            r.violation("ChannelInterruptedException without the interrupt status set again");
                        }
                        st.interruptsSeen.increment();
                    }
                }
            } catch (InterruptedException e) {
                st.interruptsSeen.increment();
            }
        }
        // End of stream: it must stay so, on every form.
        if (!rx.isClosed()) {
            r.violation(ledger.name + ": end of stream while the receiver does not report the channel closed");
        }
        try {
            final Msg late = rx.tryRecv();
            r.violation(ledger.name + ": tryRecv after end of stream returned " + late);
        } catch (ChannelClosedException expected) {
            // still ended
        }
        rx.close();
    }
}
