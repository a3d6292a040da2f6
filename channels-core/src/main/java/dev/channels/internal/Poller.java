package dev.channels.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread on which bounded channels re-run their dispatch while a queued sender
 * cannot yet rely on the consumer's fence (see {@link BoundedMpscCore}). Created on first use; a
 * task is a lock and a dispatch; it unparks the senders it grants, and hands the completions of
 * asynchronous operations (which run user continuations) to the common pool.
 */
final class Poller {
    private Poller() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            final ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                final Thread t = new Thread(r, "channels-poller");
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true);
            return e;
        }
    }

    static void schedule(Runnable task, long delayNanos) {
        Holder.EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
