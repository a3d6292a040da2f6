/**
 * Channel cores and their building blocks: ring buffers and the waiting layer. Not exported.
 *
 * <h2>Naming of memory accesses</h2>
 * Algorithm code reaches shared fields through small accessors whose prefix names the ordering
 * (the convention of JCTools):
 * <ul>
 *   <li>{@code lv}/{@code sv}: volatile load/store (sequentially consistent);</li>
 *   <li>{@code la}: acquire load; {@code so}: release ("ordered") store;</li>
 *   <li>{@code lp}/{@code sp}: plain load/store;</li>
 *   <li>{@code lo}: opaque load;</li>
 *   <li>{@code cas}: compare-and-set (volatile), {@code xchg}: get-and-set, {@code xadd}: get-and-add.</li>
 * </ul>
 * Every access weaker than volatile carries its reason where it is made.
 *
 * <h2>Layers</h2>
 * <ul>
 *   <li>{@link dev.channels.internal.Waiter} and its faces ({@link dev.channels.internal.ParkingWaiter}
 *       for a parked thread, {@link dev.channels.internal.FutureWaiter} for a pending
 *       {@code CompletableFuture}); a select case is a third face whose claim goes through its
 *       selector, so that one select can wait in several channels and exactly one of them wins.</li>
 *   <li>{@link dev.channels.internal.SpinPolicy}: the bounded, adaptive spin before parking.</li>
 *   <li>{@link dev.channels.internal.MpscCore} and its two rings: {@link dev.channels.internal.BoundedMpscCore}
 *       (exact capacity, FIFO capacity hand-off to waiting senders, permits) and
 *       {@link dev.channels.internal.UnboundedMpscCore} (linked chunks).</li>
 *   <li>{@link dev.channels.internal.WaitList}: a lock-free notify-all list of waiters (a Treiber
 *       stack of immutable nodes), where the receivers of broadcast and watch wait.</li>
 *   <li>{@link dev.channels.internal.FanOutCore}: what broadcast and watch share (sender, weak and
 *       receiver counts, the no-receivers notification, the blocking wait on the list), with
 *       {@link dev.channels.internal.BroadcastCore} (a ring of sequence-stamped slots read as a
 *       seqlock, one {@link dev.channels.internal.BroadcastCursor} per receiver) and
 *       {@link dev.channels.internal.WatchCore} (an immutable versioned snapshot swapped by CAS,
 *       one {@link dev.channels.internal.WatchCursor} per receiver).</li>
 *   <li>{@link dev.channels.internal.OneshotCore}: one reference field holding the whole state of
 *       a oneshot channel.</li>
 *   <li>{@link dev.channels.internal.SelectEngine}: the select combinator over
 *       {@link dev.channels.internal.SelectCase}s (one per channel operation), waking and retrying
 *       through one claimable selector per call.</li>
 * </ul>
 */
package dev.channels.internal;
