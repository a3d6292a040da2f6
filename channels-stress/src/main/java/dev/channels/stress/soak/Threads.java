package dev.channels.stress.soak;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Method;
import java.util.Collection;

/**
 * Threads for the workers: platform threads, or virtual threads when the JDK has them (JDK 21+,
 * reached by reflection since the module is compiled for 17); and thread dumps for the watchdog.
 */
final class Threads {
    private static final Method OF_VIRTUAL;
    private static final Method BUILDER_NAME;
    private static final Method BUILDER_UNSTARTED;
    private static final Method IS_VIRTUAL;
    static final boolean VIRTUAL_AVAILABLE;

    static {
        Method ofVirtual = null;
        Method name = null;
        Method unstarted = null;
        Method isVirtual = null;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
            final Class<?> builder = Class.forName("java.lang.Thread$Builder");
            name = builder.getMethod("name", String.class);
            unstarted = builder.getMethod("unstarted", Runnable.class);
            isVirtual = Thread.class.getMethod("isVirtual");
        } catch (ReflectiveOperationException notOnThisJdk) {
            ofVirtual = null;
        }
        OF_VIRTUAL = ofVirtual;
        BUILDER_NAME = name;
        BUILDER_UNSTARTED = unstarted;
        IS_VIRTUAL = isVirtual;
        VIRTUAL_AVAILABLE = ofVirtual != null;
    }

    private Threads() {
    }

    /** An unstarted thread: virtual if asked and available, else a daemon platform thread. */
    static Thread create(String name, Runnable task, boolean virtual) {
        if (virtual && VIRTUAL_AVAILABLE) {
            try {
                final Object builder = BUILDER_NAME.invoke(OF_VIRTUAL.invoke(null), name);
                return (Thread) BUILDER_UNSTARTED.invoke(builder, task);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create a virtual thread", e);
            }
        }
        final Thread t = new Thread(task, name);
        t.setDaemon(true); // a hung worker must not keep the JVM alive after the watchdog reported it
        return t;
    }

    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (Boolean) IS_VIRTUAL.invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** All platform threads with full stacks and locks, then the virtual workers (not in the MXBean's dump). */
    static String dump(Collection<Thread> workers) {
        final StringBuilder sb = new StringBuilder(64 * 1024);
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append('"').append(ti.getThreadName()).append("\" #").append(ti.getThreadId()).append(' ')
                    .append(ti.getThreadState());
            if (ti.getLockInfo() != null) {
                sb.append(" on ").append(ti.getLockInfo());
            }
            if (ti.getLockOwnerName() != null) {
                sb.append(" owned by \"").append(ti.getLockOwnerName()).append('"');
            }
            sb.append('\n');
            final MonitorInfo[] monitors = ti.getLockedMonitors();
            final StackTraceElement[] stack = ti.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                sb.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo m : monitors) {
                    if (m.getLockedStackDepth() == i) {
                        sb.append("\t- locked ").append(m).append('\n');
                    }
                }
            }
            for (LockInfo l : ti.getLockedSynchronizers()) {
                sb.append("\t- holds ").append(l).append('\n');
            }
            sb.append('\n');
        }
        for (Thread t : workers) {
            if (isVirtual(t) && t.isAlive()) {
                sb.append('"').append(t.getName()).append("\" virtual ").append(t.getState()).append('\n');
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\tat ").append(e).append('\n');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
