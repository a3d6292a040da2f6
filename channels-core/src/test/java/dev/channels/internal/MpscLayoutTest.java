package dev.channels.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The false-sharing layout of the mpsc cores (see {@code MpscFields.java}): the producers' word
 * ({@code state}), the consumer's index ({@code consumerIndex}) and the cold fields each sit at
 * least 128 bytes (two cache lines, against adjacent-line prefetch) from each other and from the
 * object header.
 *
 * <p>Offsets come from JOL; if JOL cannot run on this JVM, from {@code Unsafe.objectFieldOffset}
 * (by reflection), with the header taken to end at the lowest field offset.
 */
class MpscLayoutTest {
    private static final int SEPARATION = 128;

    /** A field's place in the object and which writer group it belongs to. */
    private static final class Slot {
        final String name;
        final long offset;
        final long size;
        final String group;

        Slot(String name, long offset, long size, String declaringClass) {
            this.name = name;
            this.offset = offset;
            this.size = size;
            this.group = groupOf(declaringClass);
        }

        @Override
        public String toString() {
            return name + "@" + offset + "+" + size + " (" + group + ")";
        }
    }

    private static final class Layout {
        final long headerSize;
        final Map<String, Slot> fields;
        final String source;

        Layout(long headerSize, Map<String, Slot> fields, String source) {
            this.headerSize = headerSize;
            this.fields = fields;
            this.source = source;
        }

        Slot field(String name) {
            final Slot s = fields.get(name);
            assertNotNull(s, "field " + name + " in " + fields.keySet());
            return s;
        }
    }

    private static String shortName(String className) {
        final int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(dot + 1);
    }

    /** Padding, the producers' group, the consumer's group, or cold (everything else). */
    private static String groupOf(String declaringClass) {
        final String name = shortName(declaringClass);
        if (name.startsWith("MpscPad")) {
            return "padding";
        }
        if (name.equals("MpscStateField")) {
            return "producers";
        }
        if (name.equals("MpscConsumerField")) {
            return "consumer";
        }
        return "cold";
    }

    private static Layout jolLayout(Class<?> type) {
        final ClassLayout layout = ClassLayout.parseClass(type);
        final Map<String, Slot> fields = new LinkedHashMap<>();
        for (FieldLayout f : layout.fields()) {
            fields.put(f.name(), new Slot(f.name(), f.offset(), f.size(), f.hostClass()));
        }
        return new Layout(layout.headerSize(), fields, "JOL");
    }

    private static long sizeOf(Class<?> type, Object unsafe, Method arrayIndexScale) throws ReflectiveOperationException {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        if (type == byte.class || type == boolean.class) {
            return 1;
        }
        return (Integer) arrayIndexScale.invoke(unsafe, Object[].class); // a reference
    }

    private static Layout unsafeLayout(Class<?> type) throws ReflectiveOperationException {
        final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        final Object unsafe = theUnsafe.get(null);
        final Method objectFieldOffset = unsafeClass.getMethod("objectFieldOffset", Field.class);
        final Method arrayIndexScale = unsafeClass.getMethod("arrayIndexScale", Class.class);
        final Map<String, Slot> fields = new LinkedHashMap<>();
        long lowest = Long.MAX_VALUE;
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                final long offset = (Long) objectFieldOffset.invoke(unsafe, f);
                lowest = Math.min(lowest, offset);
                fields.put(f.getName(), new Slot(f.getName(), offset, sizeOf(f.getType(), unsafe, arrayIndexScale),
                        c.getName()));
            }
        }
        return new Layout(lowest, fields, "Unsafe");
    }

    private static Layout layoutOf(Class<?> type) throws ReflectiveOperationException {
        try {
            return jolLayout(type);
        } catch (RuntimeException | LinkageError jolCannotRun) {
            return unsafeLayout(type);
        }
    }

    /** Bytes strictly between two fields (negative if they overlap). */
    private static long gap(Slot a, Slot b) {
        return a.offset <= b.offset ? b.offset - (a.offset + a.size) : a.offset - (b.offset + b.size);
    }

    private static Class<?> core(String name) throws ClassNotFoundException {
        return Class.forName(MpscCore.class.getPackageName() + "." + name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BoundedMpscCore", "UnboundedMpscCore"})
    void stateAndConsumerIndexAreOnSeparateCacheLinePairs(String coreName) throws Exception {
        final Layout layout = layoutOf(core(coreName));
        final Slot state = layout.field("state");
        final Slot consumerIndex = layout.field("consumerIndex");
        final String where = " (" + layout.source + ": " + layout.fields.values() + ")";
        assertTrue(gap(state, consumerIndex) >= SEPARATION,
                "state and consumerIndex are " + gap(state, consumerIndex) + " bytes apart" + where);
        assertTrue(state.offset - layout.headerSize >= SEPARATION,
                "state is " + (state.offset - layout.headerSize) + " bytes after the header" + where);
        assertTrue(consumerIndex.offset - layout.headerSize >= SEPARATION,
                "consumerIndex is " + (consumerIndex.offset - layout.headerSize) + " bytes after the header" + where);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BoundedMpscCore", "UnboundedMpscCore"})
    void everyHotFieldIsFarFromEveryFieldOfAnotherGroup(String coreName) throws Exception {
        final Layout layout = layoutOf(core(coreName));
        final List<String> violations = new ArrayList<>();
        int hot = 0;
        int cold = 0;
        for (Slot a : layout.fields.values()) {
            if (a.group.equals("cold")) {
                cold++;
            }
            if (!a.group.equals("producers") && !a.group.equals("consumer")) {
                continue;
            }
            hot++;
            if (a.offset - layout.headerSize < SEPARATION) {
                violations.add(a + " is within " + SEPARATION + " bytes of the header");
            }
            for (Slot b : layout.fields.values()) {
                if (b.group.equals("padding") || b.group.equals(a.group)) {
                    continue;
                }
                if (gap(a, b) < SEPARATION) {
                    violations.add(a + " is " + gap(a, b) + " bytes from " + b);
                }
            }
        }
        assertTrue(hot >= 3, "found the hot fields: " + layout.fields.values());
        assertTrue(cold >= 3, "found the cold fields: " + layout.fields.values());
        assertTrue(violations.isEmpty(), layout.source + ": " + violations);
    }

    @Test
    void theColdFieldsOfTheBoundedCoreFollowTheConsumerIndexAtADistance() throws Exception {
        final Layout layout = layoutOf(BoundedMpscCore.class);
        final Slot state = layout.field("state");
        final Slot consumerIndex = layout.field("consumerIndex");
        for (String coldName : new String[] {"sendersWaiting", "buffer", "senderCount", "rxWaiter"}) {
            final Slot cold = layout.field(coldName);
            assertEquals("cold", cold.group, coldName);
            assertTrue(cold.offset > consumerIndex.offset, coldName + " follows the hot fields: " + cold);
            assertTrue(gap(state, cold) >= SEPARATION, "state and " + cold);
            assertTrue(gap(consumerIndex, cold) >= SEPARATION, "consumerIndex and " + cold);
        }
    }

    @Test
    void eachPaddingClassHoldsAtLeast128Bytes() {
        // The padding classes are auxiliary classes of MpscFields.java: found through the hierarchy.
        final List<Class<?>> pads = new ArrayList<>();
        for (Class<?> c = BoundedMpscCore.class; c != Object.class; c = c.getSuperclass()) {
            if (c.getSimpleName().startsWith("MpscPad")) {
                pads.add(c);
            }
        }
        assertEquals(3, pads.size(), "padding before state, between state and consumerIndex, and after it");
        for (Class<?> pad : pads) {
            long bytes = 0;
            for (Field f : pad.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    assertEquals(byte.class, f.getType(), f.toString());
                    bytes++;
                }
            }
            assertTrue(bytes >= SEPARATION, pad.getSimpleName() + " has " + bytes + " bytes of padding");
        }
    }

    @Test
    void jolAndUnsafeAgreeOnTheOffsets() throws Exception {
        final Layout jol;
        try {
            jol = jolLayout(BoundedMpscCore.class);
        } catch (RuntimeException | LinkageError e) {
            abort("JOL cannot read the layout on this JVM (" + e + "); the other tests used the Unsafe fallback");
            return;
        }
        final Layout unsafe = unsafeLayout(BoundedMpscCore.class);
        for (String name : new String[] {"state", "consumerIndexCache", "consumerIndex", "sendersWaiting", "buffer"}) {
            assertEquals(jol.field(name).offset, unsafe.field(name).offset, name);
        }
        assertTrue(unsafe.headerSize >= jol.headerSize, "fields start after the header");
    }
}
