package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.forkVoid;
import static dev.channels.WatchTestSupport.assertNothingUnseen;
import static dev.channels.WatchTestSupport.version;
import static dev.channels.WatchTestSupport.waitListHead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writes: {@code send} (fails without receivers, storing nothing), {@code sendReplace},
 * {@code sendModify} and {@code sendIfModified} (always store), and who they notify.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchWritesTest {

    // ------------------------------------------------------------------ send without receivers

    @Test
    void sendOnASenderMadeWithoutReceiversFailsAndStoresNothing() {
        final Watch.Sender<String> tx = Watch.sender("init");
        assertEquals(0, tx.receiverCount());
        assertTrue(tx.isClosed());
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send("lost"));
        assertTrue(e.hasValue());
        assertEquals("lost", e.<String>value(), "the value is handed back");
        assertEquals("init", tx.borrow(), "the value was not stored");
        assertEquals(0L, version(tx), "no new version");
        final Watch.Receiver<String> rx = tx.subscribe();
        assertEquals("init", rx.borrow(), "a later subscriber does not see the failed value");
        assertFalse(rx.hasChanged());
        tx.send("kept");
        assertTrue(rx.hasChanged());
        assertEquals("kept", rx.borrowAndUpdate());
    }

    @Test
    void sendAfterEveryReceiverClosedFailsAndStoresNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> dup = rx.duplicate();
        tx.send(1);
        rx.close();
        tx.send(2); // one receiver is left
        dup.close();
        assertTrue(tx.isClosed());
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(3));
        assertEquals(3, e.<Integer>value());
        assertEquals(2, tx.borrow());
        assertEquals(2L, version(tx));
        // reopened: the new receiver has seen 2 and the failed 3 never appears
        final Watch.Receiver<Integer> again = tx.subscribe();
        assertFalse(tx.isClosed());
        assertEquals(2, again.borrow());
        assertFalse(again.hasChanged());
        tx.send(4);
        assertTrue(again.changed());
        assertEquals(4, again.borrowAndUpdate());
    }

    @Test
    void sendWithReceiversStoresAndReturnsNormally() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        ch.sender().send(1);
        assertEquals(1, ch.sender().borrow());
        assertEquals(1L, version(ch.sender()));
    }

    // ------------------------------------------------------------------ sendReplace

    @Test
    void sendReplaceReturnsThePreviousValueAndNotifies() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("a");
        final Watch.Sender<String> tx = ch.sender();
        final Watch.Receiver<String> rx = ch.receiver();
        final Forked<String> reader = fork("reader", () -> {
            assertTrue(rx.changed());
            return rx.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        assertEquals("a", tx.sendReplace("b"));
        assertEquals("b", reader.join());
        assertEquals("b", tx.sendReplace("c"));
        assertEquals(2L, version(rx));
        assertTrue(rx.hasChanged());
    }

    @Test
    void sendReplaceStoresWithoutReceivers() {
        final Watch.Sender<String> tx = Watch.sender("a");
        assertEquals("a", tx.sendReplace("b"));
        assertEquals("b", tx.borrow());
        assertEquals(1L, version(tx));
        assertEquals("b", tx.sendReplace("c"));
        final Watch.Receiver<String> rx = tx.subscribe();
        assertEquals("c", rx.borrow(), "a later subscriber sees the replaced value");
        assertFalse(rx.hasChanged(), "as seen");
    }

    @Test
    void sendReplaceStoresAfterEveryReceiverClosed() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        ch.receiver().close();
        assertEquals(0, ch.sender().sendReplace(1));
        assertEquals(1, ch.sender().borrow());
    }

    // ------------------------------------------------------------------ sendModify

    @Test
    void sendModifyComputesFromTheCurrentValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(10);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertEquals(11, tx.sendModify(x -> x + 1));
        assertEquals(22, tx.sendModify(x -> x * 2));
        assertEquals(21, tx.sendModify(x -> x - 1));
        assertEquals(21, tx.borrow());
        assertEquals(3L, version(rx), "one version per modification");
        assertTrue(rx.changed());
        assertEquals(21, rx.borrowAndUpdate());
    }

    @Test
    void sendModifyWakesAWaitingReceiver() throws Exception {
        final Watch.Channel<List<String>> ch = Watch.channel(List.of());
        final Watch.Receiver<List<String>> rx = ch.receiver();
        final Forked<List<String>> reader = fork("reader", () -> {
            assertTrue(rx.changed());
            return rx.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        ch.sender().sendModify(l -> {
            final List<String> copy = new ArrayList<>(l);
            copy.add("x");
            return List.copyOf(copy);
        });
        assertEquals(List.of("x"), reader.join());
    }

    @Test
    void sendModifyStoresWithoutReceivers() {
        final Watch.Sender<Integer> tx = Watch.sender(1);
        assertEquals(2, tx.sendModify(x -> x + 1));
        assertEquals(4, tx.sendModify(x -> x * 2));
        assertEquals(4, tx.borrow());
        assertEquals(2L, version(tx));
        final Watch.Receiver<Integer> rx = tx.subscribe();
        assertEquals(4, rx.borrow());
        assertFalse(rx.hasChanged());
    }

    @Test
    void sendModifyReturningTheSameReferenceStillMakesAVersion() throws Exception {
        final String same = "same";
        final Watch.Channel<String> ch = Watch.channel(same);
        final Watch.Receiver<String> rx = ch.receiver();
        assertSame(same, ch.sender().sendModify(s -> s));
        assertEquals(1L, version(rx));
        assertTrue(rx.changed(), "sendModify always notifies");
    }

    @Test
    void aThrowingSendModifyChangesNothingAndNotifiesNobody() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertEquals(1, rx.borrowAndUpdate());
        final Watch.Receiver<Integer> blocked = rx.duplicate();
        final Watch.Receiver<Integer> async = rx.duplicate();
        final Forked<Integer> reader = fork("reader", () -> {
            assertTrue(blocked.changed());
            return blocked.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        final CompletableFuture<Boolean> pending = async.changedAsync();
        final Object head = waitListHead(rx);
        final IllegalArgumentException boom = new IllegalArgumentException("boom");
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> tx.sendModify(x -> {
                    throw boom;
                }));
        assertSame(boom, thrown, "the function's exception propagates as it is");
        assertEquals(1, tx.borrow(), "nothing was stored");
        assertEquals(1L, version(rx), "no new version");
        assertFalse(rx.hasChanged());
        assertSame(head, waitListHead(rx), "the waiters were not woken");
        assertFalse(pending.isDone());
        assertFalse(reader.isDone(), "the blocked changed() keeps waiting");
        awaitParkedInChannel(reader.thread);
        // the channel still works, and the waiters see the next real write
        tx.send(2);
        assertEquals(2, reader.join());
        assertTrue(await(pending));
        assertEquals(2, async.borrow());
    }

    @Test
    void aThrowingSendModifyWithoutReceiversChangesNothing() {
        final Watch.Sender<Integer> tx = Watch.sender(5);
        assertThrows(IllegalStateException.class, () -> tx.sendModify(x -> {
            throw new IllegalStateException("no");
        }));
        assertEquals(5, tx.borrow());
        assertEquals(0L, version(tx));
    }

    @Test
    void aThrownErrorFromSendModifyAlsoChangesNothing() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final AssertionError error = new AssertionError("an error, not an exception");
        assertSame(error, assertThrows(AssertionError.class, () -> ch.sender().sendModify(x -> {
            throw error;
        })));
        assertEquals(0, ch.sender().borrow());
        assertEquals(0L, version(ch.receiver()));
    }

    @Test
    void sendModifyRetriesWhenAnotherWriteComesFirst() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> other = tx.duplicate();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Integer> seenByFunction = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final int stored = tx.sendModify(x -> {
            seenByFunction.add(x);
            if (calls.getAndIncrement() == 0) {
                // a write from another thread lands between this read and the modify's store
                try {
                    forkVoid("racing writer", () -> other.send(100)).join();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            return x + 1;
        });
        assertEquals(List.of(0, 100), seenByFunction, "the function ran again on the value that won");
        assertEquals(101, stored, "the modification is applied to the racing write, not lost over it");
        assertEquals(101, tx.borrow());
        assertEquals(2L, version(rx), "one version for the racing send, one for the modify");
    }

    // ------------------------------------------------------------------ sendIfModified

    @Test
    void sendIfModifiedWithANewValueStoresAndNotifies() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(1);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> reader = fork("reader", () -> {
            assertTrue(rx.changed());
            return rx.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        assertTrue(ch.sender().sendIfModified(x -> x + 1));
        assertEquals(2, reader.join());
        assertEquals(1L, version(rx));
    }

    @Test
    void sendIfModifiedReturningTheSameReferenceStoresNothingAndWakesNobody() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Integer current = 1000; // not from the Integer cache: a distinct object
        tx.send(current);
        assertTrue(rx.changed());
        final Watch.Receiver<Integer> blocked = rx.duplicate();
        final Forked<Integer> reader = fork("reader", () -> {
            assertTrue(blocked.changed());
            return blocked.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        final CompletableFuture<Boolean> pending = rx.changedAsync();
        final Object head = waitListHead(rx);
        final List<Integer> given = new ArrayList<>();
        assertFalse(tx.sendIfModified(x -> {
            given.add(x);
            return x;
        }));
        assertEquals(1, given.size());
        assertSame(current, given.get(0), "the function was given the current value");
        assertEquals(1L, version(rx), "no new version");
        assertFalse(rx.hasChanged());
        assertSame(current, tx.borrow());
        assertSame(head, waitListHead(rx), "nobody was woken");
        assertFalse(pending.isDone());
        assertFalse(reader.isDone());
        awaitParkedInChannel(reader.thread);
        tx.send(2);
        assertEquals(2, reader.join());
        assertTrue(await(pending));
    }

    @Test
    void sendIfModifiedComparesReferencesNotEquality() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("v");
        final Watch.Receiver<String> rx = ch.receiver();
        final String equalCopy = new String("v");
        assertTrue(ch.sender().sendIfModified(s -> equalCopy), "an equal but distinct value is a modification");
        assertSame(equalCopy, rx.borrow());
        assertEquals(1L, version(rx));
        assertTrue(rx.changed());
    }

    @Test
    void sendIfModifiedWorksWithoutReceivers() {
        final Watch.Sender<Integer> tx = Watch.sender(1);
        assertTrue(tx.sendIfModified(x -> x + 1));
        assertEquals(2, tx.borrow());
        assertFalse(tx.sendIfModified(x -> x));
        assertEquals(1L, version(tx));
    }

    @Test
    void aThrowingSendIfModifiedChangesNothing() {
        final Watch.Channel<Integer> ch = Watch.channel(3);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final RuntimeException boom = new RuntimeException("boom");
        assertSame(boom, assertThrows(RuntimeException.class, () -> ch.sender().sendIfModified(x -> {
            throw boom;
        })));
        assertEquals(3, rx.borrow());
        assertEquals(0L, version(rx));
        assertFalse(rx.hasChanged());
    }

    @Test
    void sendIfModifiedDecidesOnTheValueThatWon() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> other = tx.duplicate();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Integer racing = 1000;
        final AtomicInteger calls = new AtomicInteger();
        // "increment unless at least 1000": the first attempt would store 1, but a racing write
        // stores 1000 first; the retry sees 1000 and leaves it.
        final boolean modified = tx.sendIfModified(x -> {
            if (calls.getAndIncrement() == 0) {
                try {
                    forkVoid("racing writer", () -> other.send(racing)).join();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            // not "x >= 1000 ? x : x + 1": that conditional is an int, and would re-box x
            if (x >= 1000) {
                return x;
            }
            return x + 1;
        });
        assertEquals(2, calls.get());
        assertFalse(modified);
        assertSame(racing, tx.borrow());
        assertEquals(1L, version(rx), "only the racing send made a version");
    }

    // ------------------------------------------------------------------ a null from the function

    @Test
    void aModifyFunctionReturningNullIsRejectedAndChangesNothing() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final NullPointerException e1 = assertThrows(NullPointerException.class, () -> tx.sendModify(x -> null));
        assertNotNull(e1.getMessage());
        final NullPointerException e2 = assertThrows(NullPointerException.class, () -> tx.sendIfModified(x -> null));
        assertNotNull(e2.getMessage());
        assertEquals(0, tx.borrow());
        assertEquals(0L, version(rx));
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
        tx.send(1);
        assertEquals(1, rx.borrowAndUpdate());
    }

    @Test
    void aFailedSendHandsBackTheValueInItsException() {
        final Watch.Sender<List<Integer>> tx = Watch.sender(List.of());
        final List<Integer> value = List.of(1, 2, 3);
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(value));
        assertInstanceOf(List.class, e.value());
        assertSame(value, e.value());
    }
}
