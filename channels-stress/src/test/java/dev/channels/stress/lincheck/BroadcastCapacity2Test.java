package dev.channels.stress.lincheck;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;

/**
 * {@link BroadcastLincheck} with capacity 2: the third send overwrites the first value, so a receiver
 * that has not read it lags.
 */
public class BroadcastCapacity2Test extends BroadcastLincheck {
    public BroadcastCapacity2Test() {
        super(2);
    }

    /** A send from any thread: concurrent sends may complete out of the order of their positions. */
    @Operation
    public String send(@Param(gen = IntGen.class, conf = "1:3") int value,
            @Param(gen = ThreadIdGen.class) int threadId) {
        return doSend(value, threadId);
    }

    @Override
    protected Class<? extends BroadcastLincheck.Model> model() {
        return Model2.class;
    }

    /** The specification with capacity 2. */
    public static final class Model2 extends BroadcastLincheck.Model {
        public Model2() {
            super(2);
        }
    }
}
