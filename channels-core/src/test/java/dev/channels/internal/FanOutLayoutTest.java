package dev.channels.internal;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The false-sharing layout of the broadcast ring's tail word and of the wait list's head: each sits
 * at least 128 bytes from the object header, from every other non-padding field, and from the end
 * of the object (where the next object may begin). Offsets from JOL.
 */
class FanOutLayoutTest {
    private static final int SEPARATION = 128;

    private static void assertIsolated(Class<?> type, String hotField, String padPrefix) {
        final ClassLayout layout = ClassLayout.parseClass(type);
        FieldLayout hot = null;
        for (FieldLayout f : layout.fields()) {
            if (f.name().equals(hotField)) {
                hot = f;
            }
        }
        assertNotNull(hot, hotField + " in " + layout.toPrintable());
        final String where = "\n" + layout.toPrintable();
        assertTrue(hot.offset() - layout.headerSize() >= SEPARATION, hotField + " is too close to the header" + where);
        assertTrue(layout.instanceSize() - (hot.offset() + hot.size()) >= SEPARATION,
                hotField + " is too close to the end of the object" + where);
        for (FieldLayout f : layout.fields()) {
            if (f == hot || f.hostClass().contains(padPrefix)) {
                continue;
            }
            final long gap = f.offset() < hot.offset() ? hot.offset() - (f.offset() + f.size())
                    : f.offset() - (hot.offset() + hot.size());
            assertTrue(gap >= SEPARATION, hotField + " is " + gap + " bytes from " + f.name() + where);
        }
    }

    @Test
    void theBroadcastTailHasItsOwnCacheLines() {
        assertIsolated(BroadcastCore.class, "tail", "BroadcastPad");
    }

    @Test
    void theWaitListHeadHasItsOwnCacheLines() {
        // garbage shares the head's line on purpose: it is written only by withdrawing waiters
        final ClassLayout layout = ClassLayout.parseClass(WaitList.class);
        long head = -1;
        for (FieldLayout f : layout.fields()) {
            if (f.name().equals("head")) {
                head = f.offset();
            }
        }
        assertTrue(head - layout.headerSize() >= SEPARATION, "head is too close to the header\n" + layout.toPrintable());
        assertTrue(layout.instanceSize() - head >= SEPARATION, "head is too close to the end\n" + layout.toPrintable());
    }
}
