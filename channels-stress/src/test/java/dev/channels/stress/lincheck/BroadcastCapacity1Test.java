package dev.channels.stress.lincheck;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;

/**
 * {@link BroadcastLincheck} with capacity 1: the second send overwrites the first value, so a receiver
 * that has not read it lags.
 */
public class BroadcastCapacity1Test extends BroadcastLincheck {
    public BroadcastCapacity1Test() {
        super(1);
    }

    /**
     * A send from any thread: with one slot, a send waits for the previous one to publish before
     * it overwrites it, so concurrent sends complete in the order of their positions.
     */
    @Operation
    public String send(@Param(gen = IntGen.class, conf = "1:3") int value,
            @Param(gen = ThreadIdGen.class) int threadId) {
        return doSend(value, threadId);
    }

    @Override
    protected Class<? extends BroadcastLincheck.Model> model() {
        return Model1.class;
    }

    /** The specification with capacity 1. */
    public static final class Model1 extends BroadcastLincheck.Model {
        public Model1() {
            super(1);
        }
    }
}
