package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every public method and constructor of every public type of {@code dev.channels} has a
 * bad-input test: it is named by a {@link Covers} annotation on a test of one of the
 * {@link #BAD_INPUT_TESTS}, or excluded below with a reason. A public method added without a
 * bad-input case fails {@link #everyPublicMethodHasABadInputCase()}.
 *
 * <p>The types are found by listing the package's class files (the tests run on the class path),
 * so a new public type is picked up too. Methods are taken with {@link Class#getMethods()}: the
 * ones a type declares, inherits from a package-private base ({@code Mpsc.SenderHandle}) or from
 * an interface ({@link Iterable#forEach}), each counted once per public type that offers it.
 */
class PublicApiCoverageTest {

    /** The test classes whose {@link Covers} annotations count. */
    static final List<Class<?>> BAD_INPUT_TESTS = List.of(
            MpscBadInputTest.class,
            OneshotBadInputTest.class,
            BroadcastBadInputTest.class,
            WatchBadInputTest.class,
            SelectMisuseTest.class);

    /**
     * Methods not covered because the JDK type that declares them defines their contract,
     * including the checks of their arguments; the library adds nothing to them.
     */
    static final Map<Class<?>, String> EXCLUDED_DECLARING_TYPES = Map.of(
            Object.class, "java.lang.Object's contract (getClass, notify, wait, ...): no input the library checks",
            Throwable.class, "java.lang.Throwable's contract for the exception types (initCause, addSuppressed, "
                    + "setStackTrace check their own arguments as Throwable documents); the library adds nothing",
            Enum.class, "java.lang.Enum's contract for TrySendResult (compareTo, name, ordinal, ...)");

    /**
     * Overrides of {@code Object}'s public methods ({@code toString()}, {@code equals(Object)},
     * {@code hashCode()}, including those records generate), by name and parameters.
     */
    static final String OBJECT_OVERRIDES_REASON = "an override of a java.lang.Object method: toString and hashCode take "
            + "nothing and only read state; equals(null) is false by Object's contract";

    private static final String NO_INPUT_FACTORY = "a static factory without arguments: no input that could be bad, "
            + "and it makes a new channel or builder, so no handle can be closed or used up";

    /**
     * Single methods excluded with their reason, by signature. Keep it short: a method belongs here
     * only if it takes no input that could be bad and cannot be called on a handle in a bad state.
     */
    static final Map<String, String> EXCLUDED = Map.ofEntries(
            Map.entry("Mpsc#unbounded()", NO_INPUT_FACTORY),
            Map.entry("Oneshot#channel()", NO_INPUT_FACTORY),
            Map.entry("Select#builder()", NO_INPUT_FACTORY),
            Map.entry("TrySendResult#values()", "the enum's generated values(): no input, a new array each call"),
            Map.entry("TrySendResult#isSent()", "a constant's property: no input, no state"));

    private static final String PACKAGE = "dev.channels";

    // ------------------------------------------------------------------ the checks

    @Test
    void everyPublicMethodHasABadInputCase() throws Exception {
        final Map<String, List<String>> covered = coverageTable();
        final Set<String> missing = new TreeSet<>();
        for (String s : publicApi().keySet()) {
            if (!covered.containsKey(s) && !EXCLUDED.containsKey(s)) {
                missing.add(s);
            }
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " public methods have no bad-input case (add a test with @Covers naming them, "
                    + "or an exclusion with its reason):\n  " + String.join("\n  ", missing));
        }
    }

    @Test
    void everyCoveredOrExcludedSignatureExists() throws Exception {
        final Set<String> api = publicApi().keySet();
        final Set<String> unknown = new TreeSet<>();
        coverageTable().forEach((s, tests) -> {
            if (!api.contains(s)) {
                unknown.add(s + "  (in " + tests + ")");
            }
        });
        for (String s : EXCLUDED.keySet()) {
            if (!api.contains(s)) {
                unknown.add(s + "  (in EXCLUDED)");
            }
        }
        if (!unknown.isEmpty()) {
            fail("signatures named for coverage that are not public methods of " + PACKAGE + " (a typo, or a "
                    + "method that was removed or renamed):\n  " + String.join("\n  ", unknown));
        }
        for (String s : EXCLUDED.keySet()) {
            assertTrue(!coverageTable().containsKey(s), s + " is both excluded and covered");
        }
    }

    @Test
    void coverageIsClaimedOnlyByTests() {
        for (Class<?> c : BAD_INPUT_TESTS) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Covers.class)) {
                    assertTrue(Arrays.stream(m.getAnnotations()).anyMatch(a -> isTestAnnotation(a.annotationType())),
                            c.getSimpleName() + "." + m.getName() + " has @Covers but is not a test");
                }
            }
        }
    }

    /** {@code @Test}, {@code @ParameterizedTest}, or a composed annotation of one ({@code @CapacityTest}). */
    private static boolean isTestAnnotation(Class<? extends java.lang.annotation.Annotation> t) {
        return t == Test.class || t == ParameterizedTest.class
                || t.isAnnotationPresent(Test.class) || t.isAnnotationPresent(ParameterizedTest.class);
    }

    /**
     * The public types may extend internal classes (a receiver is its cursor), but no public method
     * of an internal class may show through them: it would be API nobody documented or promised.
     */
    @Test
    void noInternalMethodLeaksIntoThePublicApi() throws Exception {
        final Set<String> leaked = new TreeSet<>();
        for (Class<?> type : publicTypes()) {
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass().getPackageName().startsWith(PACKAGE + ".internal")) {
                    leaked.add(signature(type, m) + "  (declared in " + m.getDeclaringClass().getName() + ")");
                }
            }
        }
        assertTrue(leaked.isEmpty(), "public methods of internal classes leak into the API:\n  "
                + String.join("\n  ", leaked));
    }

    @Test
    void theRulesExcludeOnlyJdkContractsAndObjectOverrides() throws Exception {
        final Set<String> objectOverrides = Set.of("toString()", "equals(Object)", "hashCode()");
        for (Class<?> type : publicTypes()) {
            for (Method m : type.getMethods()) {
                if (m.isBridge() || m.isSynthetic() || !excludedByRule(m)) {
                    continue;
                }
                final String s = signature(type, m);
                final boolean jdk = EXCLUDED_DECLARING_TYPES.containsKey(m.getDeclaringClass());
                final boolean override = objectOverrides.contains(s.substring(s.indexOf('#') + 1));
                assertTrue(jdk || override, s + " is excluded by a rule but is neither a JDK type's method nor "
                        + "an override of Object's (" + OBJECT_OVERRIDES_REASON + ")");
            }
        }
    }

    @Test
    void theScanFindsTheKnownPublicTypes() throws Exception {
        final Set<String> types = publicTypes().stream().map(PublicApiCoverageTest::typeName)
                .collect(Collectors.toCollection(TreeSet::new));
        for (String known : List.of("Mpsc", "Mpsc.Sender", "Mpsc.UnboundedSender", "Mpsc.Receiver", "Mpsc.Permit",
                "Mpsc.Permits", "Mpsc.WeakSender", "Mpsc.WeakUnboundedSender", "Mpsc.Channel", "Mpsc.UnboundedChannel",
                "Oneshot", "Oneshot.Sender", "Oneshot.Receiver", "Oneshot.Channel",
                "Broadcast", "Broadcast.Sender", "Broadcast.WeakSender", "Broadcast.Receiver", "Broadcast.Channel",
                "Broadcast.LaggedException", "Watch", "Watch.Sender", "Watch.Receiver", "Watch.Channel",
                "Select", "Select.Builder", "ChannelClosedException", "ChannelInterruptedException", "TrySendResult")) {
            assertTrue(types.contains(known), "the scan finds " + known + "; found " + types);
        }
        for (String hidden : List.of("Signals", "Timeouts", "Mpsc.SenderHandle", "Mpsc.WeakHandle")) {
            assertTrue(!types.contains(hidden), hidden + " is not public API");
        }
        // A sample of the signature form, so that @Covers strings are written as the scan spells them.
        final Set<String> api = publicApi().keySet();
        for (String s : List.of("Mpsc#bounded(int)", "Mpsc.Sender#send(Object,Duration)", "Mpsc.Sender#awaitClosed(Duration)",
                "Mpsc.Channel#new(Mpsc.Sender,Mpsc.Receiver)", "Oneshot.Receiver#thenApply(Function)",
                "Select.Builder#recv(Broadcast.Receiver,Function,LongFunction)", "Mpsc.Receiver#forEach(Consumer)")) {
            assertTrue(api.contains(s), "the API contains " + s);
        }
    }

    // ------------------------------------------------------------------ the table

    /** Signature to the tests that cover it. */
    static Map<String, List<String>> coverageTable() {
        final Map<String, List<String>> table = new TreeMap<>();
        for (Class<?> c : BAD_INPUT_TESTS) {
            for (Method m : c.getDeclaredMethods()) {
                final Covers covers = m.getAnnotation(Covers.class);
                if (covers != null) {
                    for (String s : covers.value()) {
                        table.computeIfAbsent(s, k -> new ArrayList<>()).add(c.getSimpleName() + "." + m.getName());
                    }
                }
            }
        }
        return table;
    }

    /** Every public method and constructor of the public types, by signature, without the excluded ones by rule. */
    static Map<String, Executable> publicApi() throws Exception {
        final Map<String, Executable> api = new TreeMap<>();
        for (Class<?> type : publicTypes()) {
            for (Constructor<?> k : type.getConstructors()) {
                api.put(signature(type, k), k);
            }
            for (Method m : type.getMethods()) {
                if (m.isBridge() || m.isSynthetic() || excludedByRule(m)) {
                    continue;
                }
                api.put(signature(type, m), m);
            }
        }
        return api;
    }

    private static boolean excludedByRule(Method m) {
        if (EXCLUDED_DECLARING_TYPES.containsKey(m.getDeclaringClass())) {
            return true;
        }
        return isObjectMethod(m); // OBJECT_OVERRIDES_REASON
    }

    private static boolean isObjectMethod(Method m) {
        try {
            return Modifier.isPublic(Object.class.getMethod(m.getName(), m.getParameterTypes()).getModifiers());
        } catch (NoSuchMethodException notOne) {
            return false;
        }
    }

    /** {@code Type#name(ParameterType,...)}; constructors are named {@code new}. */
    static String signature(Class<?> type, Executable e) {
        final String params = Arrays.stream(e.getParameterTypes()).map(PublicApiCoverageTest::typeName)
                .collect(Collectors.joining(","));
        return typeName(type) + "#" + (e instanceof Constructor ? "new" : e.getName()) + "(" + params + ")";
    }

    /** {@code Mpsc.Sender} for a type of the package, the simple name for others. */
    static String typeName(Class<?> c) {
        if (c.isArray()) {
            return typeName(c.getComponentType()) + "[]";
        }
        if (c.getPackageName().equals(PACKAGE)) {
            return c.getName().substring(PACKAGE.length() + 1).replace('$', '.');
        }
        return c.getSimpleName();
    }

    /** The public types of the package (top level, and nested in public types), from its class files. */
    static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        final List<String> names = new ArrayList<>();
        final URI location = Mpsc.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        final Path root = Path.of(location);
        if (Files.isDirectory(root)) {
            listClasses(root.resolve(PACKAGE.replace('.', '/')), names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root, (ClassLoader) null)) {
                listClasses(jar.getPath(PACKAGE.replace('.', '/')), names);
            }
        }
        final List<Class<?>> types = new ArrayList<>();
        for (String n : names) {
            final Class<?> c = Class.forName(PACKAGE + "." + n, false, Mpsc.class.getClassLoader());
            if (isPublicApi(c)) {
                types.add(c);
            }
        }
        assertTrue(types.size() > 20, "the scan of " + root + " found " + types);
        return types;
    }

    private static void listClasses(Path dir, List<String> names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.equals("package-info.class") && !f.equals("module-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()))
                    .sorted()
                    .forEach(names::add);
        }
    }

    private static boolean isPublicApi(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic() || !Modifier.isPublic(c.getModifiers())) {
            return false;
        }
        return c.getEnclosingClass() == null || isPublicApi(c.getEnclosingClass());
    }
}
