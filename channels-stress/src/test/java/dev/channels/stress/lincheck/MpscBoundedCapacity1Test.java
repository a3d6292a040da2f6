package dev.channels.stress.lincheck;

/**
 * {@link MpscBoundedLincheck} with capacity 1: the ring has one slot, which every message reuses.
 */
public class MpscBoundedCapacity1Test extends MpscBoundedLincheck {
    public MpscBoundedCapacity1Test() {
        super(1);
    }

    @Override
    protected Class<? extends MpscBoundedLincheck.Model> model() {
        return Model1.class;
    }

    /** The specification with capacity 1. */
    public static final class Model1 extends MpscBoundedLincheck.Model {
        public Model1() {
            super(1);
        }
    }
}
