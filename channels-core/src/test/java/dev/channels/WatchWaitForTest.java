package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.WatchTestSupport.assertNothingUnseen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocking {@code waitFor}, untimed and timed. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchWaitForTest {

    @Test
    void waitForTestsTheCurrentValueEvenIfSeen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(3);
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertFalse(rx.hasChanged());
        assertEquals(3, rx.waitFor(v -> v == 3), "returns at once with the seen current value");
        assertEquals(3, rx.waitFor(v -> v == 3, Duration.ZERO));
        assertFalse(rx.hasChanged());
    }

    @Test
    void waitForMarksTheAcceptedCurrentValueSeen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(7);
        assertTrue(rx.hasChanged());
        assertEquals(7, rx.waitFor(v -> v == 7));
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
    }

    @Test
    void waitForSkipsRejectedValuesAndMarksTheAcceptedOne() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Integer> tested = Collections.synchronizedList(new ArrayList<>());
        final Forked<Integer> waiter = fork("waitFor", () -> rx.waitFor(v -> {
            tested.add(v);
            return v >= 3;
        }));
        awaitParkedInChannel(waiter.thread);
        tx.send(1);
        tx.send(2);
        tx.send(3);
        assertEquals(3, waiter.join());
        assertFalse(rx.hasChanged(), "the accepted value was marked seen");
        assertEquals(0, tested.get(0), "the current value was tested first");
        assertEquals(3, tested.get(tested.size() - 1));
        for (int i = 1; i < tested.size(); i++) {
            assertTrue(tested.get(i - 1) < tested.get(i), "each value tested at most once, in order: " + tested);
        }
    }

    @Test
    void waitForReturnsTheValueItAccepted() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("a");
        final Watch.Receiver<String> rx = ch.receiver();
        final String target = new String("target");
        final Forked<String> waiter = fork("waitFor", () -> rx.waitFor(s -> s.startsWith("t")));
        awaitParkedInChannel(waiter.thread);
        ch.sender().send(target);
        assertSame(target, waiter.join());
    }

    @Test
    void waitForOnAClosedChannelAcceptsTheCurrentValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(5);
        ch.sender().close();
        assertEquals(5, rx.waitFor(v -> v == 5));
        assertFalse(rx.changed(), "the accepted value was marked seen");
        assertEquals(5, rx.waitFor(v -> v == 5), "a seen value is tested too");
    }

    @Test
    void waitForOnAClosedChannelWithTheValueRejectedThrows() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(5);
        ch.sender().close();
        final List<Integer> tested = new ArrayList<>();
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> rx.waitFor(v -> {
            tested.add(v);
            return v == 6;
        }));
        assertFalse(e.hasValue());
        assertEquals(List.of(5), tested, "the final value was tested, once");
        assertThrows(ChannelClosedException.class, () -> rx.waitFor(v -> v == 6, Duration.ofMinutes(5)));
    }

    @Test
    void waitForThrowsWhenClosedAfterTestingTheFinalValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Integer> tested = Collections.synchronizedList(new ArrayList<>());
        final Forked<Integer> waiter = fork("waitFor", () -> rx.waitFor(v -> {
            tested.add(v);
            return v > 100;
        }));
        awaitParkedInChannel(waiter.thread);
        tx.send(5);
        tx.close();
        assertInstanceOf(ChannelClosedException.class, waiter.joinFailure());
        assertEquals(5, tested.get(tested.size() - 1), "the predicate saw the final value before the end");
    }

    @Test
    void aValueSentJustBeforeTheCloseCanStillBeAccepted() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> waiter = fork("waitFor", () -> rx.waitFor(v -> v == 9));
        awaitParkedInChannel(waiter.thread);
        tx.send(9);
        tx.close();
        assertEquals(9, waiter.join());
    }

    @Test
    void aThrowingPredicatePropagatesAndTheTestedValueIsSeen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> rx.waitFor(v -> {
            throw boom;
        })));
        assertFalse(rx.hasChanged(), "the value tested was marked seen, as Tokio's wait_for does");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> rx.waitFor(v -> {
            throw boom;
        }, Duration.ofMinutes(5))));
        tx.send(2);
        assertTrue(rx.changed());
        assertEquals(2, rx.borrowAndUpdate());
    }

    @Test
    void aPredicateThrowingOnALaterValuePropagatesOnTheWaitingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> waiter = fork("waitFor", () -> rx.waitFor(v -> {
            if (v == 2) {
                throw new ArithmeticException("two");
            }
            return false;
        }));
        awaitParkedInChannel(waiter.thread);
        tx.send(2); // the predicate runs on the waiting thread, not here: this returns normally
        final Throwable t = waiter.joinFailure();
        assertInstanceOf(ArithmeticException.class, t);
        assertEquals(2, tx.borrow());
    }

    @Test
    void aTimedWaitForTimesOut() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.waitFor(v -> v == 1, Duration.ZERO));
        assertThrows(TimeoutException.class, () -> rx.waitFor(v -> v == 1, Duration.ofSeconds(-1)));
        assertThrows(TimeoutException.class, () -> rx.waitFor(v -> v == 1, Duration.ofMillis(20)));
        ch.sender().send(1);
        assertEquals(1, rx.waitFor(v -> v == 1, Duration.ZERO), "a zero timeout still tests the current value");
        assertFalse(rx.hasChanged());
    }

    @Test
    void aTimedWaitForReturnsWhenAnAcceptedValueArrives() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> waiter = fork("timed waitFor", () -> rx.waitFor(v -> v % 2 == 1, Duration.ofMinutes(5)));
        awaitParkedInChannel(waiter.thread);
        tx.send(2);
        tx.send(4);
        tx.send(5);
        assertEquals(5, waiter.join());
        assertFalse(rx.hasChanged());
    }

    @Test
    void aTimedWaitForThrowsClosedRatherThanTimingOut() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> waiter = fork("timed waitFor", () -> rx.waitFor(v -> v == 1, Duration.ofMinutes(5)));
        awaitParkedInChannel(waiter.thread);
        ch.sender().close();
        assertInstanceOf(ChannelClosedException.class, waiter.joinFailure());
    }

    @Test
    void waitForAfterMarkChangedStillTestsTheCurrentValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(4);
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.markChanged();
        assertEquals(4, rx.waitFor(v -> v == 4));
        assertFalse(rx.hasChanged());
    }
}
