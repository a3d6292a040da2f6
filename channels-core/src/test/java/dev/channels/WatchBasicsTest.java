package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.WatchTestSupport.assertNothingUnseen;
import static dev.channels.WatchTestSupport.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values, versions and "seen": what a receiver reads, and what it has seen, on an open channel.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchBasicsTest {

    // ------------------------------------------------------------------ the initial value

    @Test
    void theFirstReceiverHasSeenTheInitialValue() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("init");
        final Watch.Receiver<String> rx = ch.receiver();
        assertEquals("init", rx.borrow());
        assertEquals("init", ch.sender().borrow());
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
        final CompletableFuture<Boolean> f = rx.changedAsync();
        assertFalse(f.isDone(), "changedAsync waits: the initial value is seen");
        assertTrue(f.cancel(false));
        assertEquals(0L, version(rx));
    }

    @Test
    void theFirstReceiverWaitsInChangedUntilTheFirstSend() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("init");
        final Watch.Receiver<String> rx = ch.receiver();
        final Forked<String> reader = fork("reader", () -> {
            assertTrue(rx.changed());
            return rx.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        assertFalse(reader.isDone());
        ch.sender().send("next");
        assertEquals("next", reader.join());
        assertFalse(rx.hasChanged());
    }

    @Test
    void aSubscribedReceiverHasSeenTheCurrentValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> first = ch.receiver();
        tx.send(1);
        tx.send(2);
        final Watch.Receiver<Integer> late = tx.subscribe();
        assertEquals(2, late.borrow());
        assertFalse(late.hasChanged(), "a new receiver starts having seen the current value");
        assertNothingUnseen(late);
        assertTrue(first.hasChanged(), "the older receiver has not seen 2");
        tx.send(3);
        assertTrue(late.hasChanged());
        assertTrue(late.changed());
        assertEquals(3, late.borrowAndUpdate());
    }

    @Test
    void aReceiverSubscribedBeforeAnySendHasSeenTheInitialValue() {
        final Watch.Channel<Integer> ch = Watch.channel(7);
        final Watch.Receiver<Integer> rx = ch.sender().subscribe();
        assertEquals(7, rx.borrow());
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
    }

    // ------------------------------------------------------------------ duplicate

    @Test
    void aDuplicateCopiesAnUnseenState() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        final Watch.Receiver<Integer> dup = rx.duplicate();
        assertTrue(rx.hasChanged());
        assertTrue(dup.hasChanged(), "the duplicate has not seen 1 either");
        assertTrue(rx.changed());
        assertFalse(rx.hasChanged());
        assertTrue(dup.hasChanged(), "the two receivers' seen versions are independent");
        assertTrue(dup.changed());
        assertEquals(1, dup.borrowAndUpdate());
        assertFalse(dup.hasChanged());
    }

    @Test
    void aDuplicateCopiesASeenState() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertEquals(1, rx.borrowAndUpdate());
        final Watch.Receiver<Integer> dup = rx.duplicate();
        assertFalse(dup.hasChanged());
        assertNothingUnseen(dup);
        rx.markChanged();
        assertFalse(dup.hasChanged(), "marking the original does not mark the duplicate");
    }

    @Test
    void aDuplicateCopiesAMarkedChangedState() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.markChanged();
        final Watch.Receiver<Integer> dup = rx.duplicate();
        assertTrue(dup.hasChanged());
        assertTrue(dup.changed());
        assertTrue(rx.hasChanged());
    }

    @Test
    void duplicatesAndSubscribersCountAsReceiversOfTheSameChannel() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertEquals(1, tx.receiverCount());
        final Watch.Receiver<Integer> dup = rx.duplicate();
        final Watch.Receiver<Integer> sub = tx.subscribe();
        assertEquals(3, tx.receiverCount());
        assertTrue(rx.sameChannel(dup));
        assertTrue(dup.sameChannel(sub));
        assertTrue(tx.sameChannel(sub));
        assertFalse(rx.sameChannel(Watch.channel(0).receiver()));
        assertFalse(tx.sameChannel(Watch.channel(0).receiver()));
        assertFalse(rx.sameChannel(null));
        assertFalse(tx.sameChannel((Watch.Receiver<?>) null));
        assertFalse(tx.sameChannel((Watch.Sender<?>) null));
    }

    // ------------------------------------------------------------------ send, borrow, seen

    @Test
    void borrowDoesNotMarkButBorrowAndUpdateDoes() {
        final Watch.Channel<String> ch = Watch.channel("a");
        final Watch.Receiver<String> rx = ch.receiver();
        ch.sender().send("b");
        assertTrue(rx.hasChanged());
        assertEquals("b", rx.borrow());
        assertEquals("b", rx.borrow());
        assertTrue(rx.hasChanged(), "borrow marks nothing");
        assertTrue(rx.hasChanged(), "hasChanged marks nothing");
        assertEquals("b", rx.borrowAndUpdate());
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
        assertEquals("b", rx.borrow());
    }

    @Test
    void borrowReturnsTheVeryObjectSent() {
        final Watch.Channel<StringBuilder> ch = Watch.channel(new StringBuilder("a"));
        final StringBuilder b = new StringBuilder("b");
        ch.sender().send(b);
        assertSame(b, ch.receiver().borrow());
        assertSame(b, ch.sender().borrow());
    }

    @Test
    void everySendMakesANewVersionEvenWithAnEqualValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(5);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(5);
        assertEquals(1L, version(rx));
        assertTrue(rx.hasChanged(), "watch does not compare values: an equal value is a new version");
        assertTrue(rx.changed());
        tx.send(5);
        assertEquals(2L, version(rx));
        assertTrue(rx.changed());
        assertFalse(rx.hasChanged());
    }

    @Test
    void changedSkipsIntermediateValuesAndMarksTheLatest() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        for (int i = 1; i <= 5; i++) {
            tx.send(i);
        }
        assertTrue(rx.changed(), "returns at once for an unseen value");
        assertFalse(rx.hasChanged(), "changed() marked the latest version seen");
        assertEquals(5, rx.borrow());
        assertNothingUnseen(rx);
    }

    @Test
    void changedReturnsAtOnceForAnUnseenValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        // on this thread: it would hang (until the class timeout) if it waited
        assertTrue(rx.changed());
        assertEquals(1, rx.borrowAndUpdate());
    }

    @Test
    void aReceiverSeesTheValuesOfEverySender() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> tx2 = tx.duplicate();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx2.send(1);
        assertTrue(rx.changed());
        assertEquals(1, rx.borrowAndUpdate());
        tx.send(2);
        assertEquals(2, tx2.borrow());
        assertTrue(rx.changed());
        assertEquals(2, rx.borrowAndUpdate());
    }

    // ------------------------------------------------------------------ markChanged, markUnchanged

    @Test
    void markChangedMakesTheCurrentValueUnseen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertFalse(rx.hasChanged());
        rx.markChanged();
        assertTrue(rx.hasChanged());
        assertTrue(rx.changed(), "returns at once");
        assertFalse(rx.hasChanged());
        assertEquals(0, rx.borrow());
        assertEquals(0L, version(rx), "marking is local to the receiver: no new version");
    }

    @Test
    void markChangedThenBorrowAndUpdateMarksSeenAgain() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.markChanged();
        assertEquals(0, rx.borrowAndUpdate());
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
    }

    @Test
    void markChangedIsVisibleToChangedAsync() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.markChanged();
        final CompletableFuture<Boolean> f = rx.changedAsync();
        assertTrue(f.isDone());
        assertTrue(await(f));
        assertFalse(rx.hasChanged());
    }

    @Test
    void markUnchangedMarksTheCurrentValueSeen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.send(2);
        assertTrue(rx.hasChanged());
        rx.markUnchanged();
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
        assertEquals(2, rx.borrow(), "the value is still readable");
        tx.send(3);
        assertTrue(rx.changed());
        assertEquals(3, rx.borrowAndUpdate());
    }

    @Test
    void markUnchangedUndoesMarkChanged() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.markChanged();
        rx.markUnchanged();
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
    }

    // ------------------------------------------------------------------ timed changed

    @Test
    void aTimedChangedThatTimesOutMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertNothingUnseen(rx);
        // a short, real wait: the outcome is checked, never how long it took
        assertThrows(TimeoutException.class,
                () -> rx.changed(Duration.ofMillis(20)));
        ch.sender().send(1);
        assertTrue(rx.hasChanged(), "the timed-out wait left the receiver as it was");
        assertTrue(rx.changed(Duration.ofMillis(20)), "an unseen value returns at once, before any timeout");
        assertFalse(rx.hasChanged());
    }

    @Test
    void aZeroOrNegativeTimeoutOnlyChecks() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class,
                () -> rx.changed(Duration.ofSeconds(-1)));
        ch.sender().send(1);
        assertTrue(rx.changed(Duration.ZERO));
        ch.sender().send(2);
        assertTrue(rx.changed(Duration.ofSeconds(-1)));
        assertEquals(2, rx.borrow());
        assertFalse(rx.hasChanged());
    }

    @Test
    void aTimedChangedReturnsWhenAValueArrives() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Boolean> reader = fork("reader", () -> rx.changed(Duration.ofMinutes(5)));
        awaitParkedInChannel(reader.thread);
        ch.sender().send(1);
        assertTrue(reader.join());
        assertFalse(rx.hasChanged());
        assertEquals(1, rx.borrow());
    }

    @Test
    void aHugeTimeoutIsAccepted() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Boolean> reader = fork("reader", () -> rx.changed(Duration.ofSeconds(Long.MAX_VALUE)));
        awaitParkedInChannel(reader.thread);
        ch.sender().send(1);
        assertTrue(reader.join());
    }

    // ------------------------------------------------------------------ toString

    @Test
    void toStringShowsTheVersions() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertTrue(ch.sender().toString().contains("version=1"), ch.sender().toString());
        assertTrue(rx.toString().contains("seen=0"), rx.toString());
        assertTrue(rx.toString().contains("version=1"), rx.toString());
    }
}
