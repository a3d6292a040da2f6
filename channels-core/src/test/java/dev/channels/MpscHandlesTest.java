package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sender handles: duplicate, close, weak senders, counts and sameChannel. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscHandlesTest {

    @Test
    void duplicateCountsAndKeepsTheChannelOpenUntilEveryHandleCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(8);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertEquals(1, tx.strongCount());
        assertEquals(1, rx.senderStrongCount());
        final Mpsc.Sender<Integer> tx2 = tx.duplicate();
        assertNotSame(tx, tx2);
        assertEquals(2, tx.strongCount());
        assertEquals(2, tx2.strongCount());
        assertEquals(2, rx.senderStrongCount());
        assertTrue(tx.sameChannel(tx2));
        assertTrue(tx2.sameChannel(tx));
        tx.send(1);
        tx2.send(2);
        tx.close();
        tx.close(); // idempotent: counts once
        assertEquals(1, tx2.strongCount());
        assertEquals(1, rx.senderStrongCount());
        assertFalse(rx.isClosed());
        tx2.send(3);
        tx2.close();
        assertEquals(0, rx.senderStrongCount());
        assertEquals(0, tx.strongCount(), "counts are readable from a closed handle");
        assertTrue(rx.isClosed());
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        assertEquals(3, rx.recv());
        assertNull(rx.recv());
    }

    @Test
    void sameChannelTellsChannelsApart() {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        assertTrue(a.sender().sameChannel(a.sender()));
        assertFalse(a.sender().sameChannel(b.sender()));
        assertFalse(a.sender().sameChannel(u.sender()));
        assertFalse(u.sender().sameChannel(a.sender()));
        assertFalse(a.sender().sameChannel(null));
        assertTrue(u.sender().sameChannel(u.sender().duplicate()));
    }

    @Test
    void weakSenderDoesNotKeepTheChannelOpen() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.WeakSender<Integer> weak = tx.downgrade();
        assertEquals(1, tx.weakCount());
        assertEquals(1, weak.weakCount());
        assertEquals(1, rx.senderWeakCount());
        assertEquals(1, weak.strongCount());
        assertEquals(1, tx.strongCount(), "a weak sender is not a strong one");
        tx.send(1);
        tx.close();
        assertTrue(rx.isClosed(), "only a weak sender is left");
        assertEquals(1, rx.recv());
        assertNull(rx.recv(), "end of stream although a weak sender exists");
        assertNull(weak.upgrade(), "no strong sender left to upgrade from");
        assertEquals(0, weak.strongCount());
        assertEquals(1, weak.weakCount());
    }

    @Test
    void upgradeGivesAWorkingSenderWhileAStrongOneIsOpen() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.WeakSender<Integer> weak = tx.downgrade();
        final Mpsc.Sender<Integer> upgraded = weak.upgrade();
        assertNotNull(upgraded);
        assertEquals(2, tx.strongCount());
        assertTrue(upgraded.sameChannel(tx));
        assertEquals(4, upgraded.maxCapacity());
        tx.close();
        assertFalse(rx.isClosed(), "the upgraded sender keeps it open");
        upgraded.send(9);
        assertEquals(9, rx.recv());
        final Mpsc.Sender<Integer> again = weak.upgrade();
        assertNotNull(again);
        again.close();
        upgraded.close();
        assertTrue(rx.isClosed());
        assertNull(weak.upgrade());
        assertNull(rx.recv());
    }

    @Test
    void releasingAWeakSenderCountsOnceAndForbidsUpgrade() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.WeakSender<Integer> w1 = tx.downgrade();
        final Mpsc.WeakSender<Integer> w2 = tx.downgrade();
        assertEquals(2, tx.weakCount());
        w1.release();
        w1.release();
        assertEquals(1, tx.weakCount());
        assertThrows(IllegalStateException.class, w1::upgrade);
        assertEquals(1, tx.strongCount(), "the failed upgrade added no sender");
        w2.release();
        assertEquals(0, ch.receiver().senderWeakCount());
        // The channel still works.
        tx.send(1);
        assertEquals(1, ch.receiver().recv());
    }

    @Test
    void unboundedHandlesBehaveTheSame() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.UnboundedSender<Integer> tx2 = tx.duplicate();
        assertEquals(2, rx.senderStrongCount());
        final Mpsc.WeakUnboundedSender<Integer> weak = tx2.downgrade();
        assertEquals(1, rx.senderWeakCount());
        assertEquals(2, weak.strongCount());
        final Mpsc.UnboundedSender<Integer> up = weak.upgrade();
        assertNotNull(up);
        assertTrue(up.sameChannel(tx));
        assertEquals(3, up.strongCount());
        up.send(1);
        tx.close();
        tx2.close();
        tx2.close();
        assertEquals(1, rx.senderStrongCount());
        assertFalse(rx.isClosed());
        up.close();
        assertTrue(rx.isClosed());
        assertNull(weak.upgrade());
        assertEquals(1, rx.recv());
        assertNull(rx.recv());
        weak.release();
        assertEquals(0, weak.weakCount());
        assertThrows(IllegalStateException.class, weak::upgrade);
    }

    @Test
    void aSenderDuplicatedAfterTheReceiverClosedIsClosedForSending() {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        ch.receiver().close();
        final Mpsc.Sender<Integer> tx2 = ch.sender().duplicate();
        assertTrue(tx2.isClosed());
        assertEquals(TrySendResult.CLOSED, tx2.trySend(1));
    }

    @Test
    void tryWithResourcesClosesTheSender() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        try (Mpsc.Sender<Integer> tx = ch.sender()) {
            tx.send(1);
        }
        assertEquals(0, ch.receiver().senderStrongCount());
        assertEquals(1, ch.receiver().recv(Duration.ofSeconds(10)));
        assertNull(ch.receiver().recv(Duration.ofSeconds(10)));
    }
}
