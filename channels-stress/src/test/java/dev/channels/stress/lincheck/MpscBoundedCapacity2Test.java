package dev.channels.stress.lincheck;

/**
 * {@link MpscBoundedLincheck} with capacity 2: the ring has two slots, so the third message wraps around.
 */
public class MpscBoundedCapacity2Test extends MpscBoundedLincheck {
    public MpscBoundedCapacity2Test() {
        super(2);
    }

    @Override
    protected Class<? extends MpscBoundedLincheck.Model> model() {
        return Model2.class;
    }

    /** The specification with capacity 2. */
    public static final class Model2 extends MpscBoundedLincheck.Model {
        public Model2() {
            super(2);
        }
    }
}
