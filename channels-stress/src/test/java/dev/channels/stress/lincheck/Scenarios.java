package dev.channels.stress.lincheck;

import kotlin.Unit;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hand-written Lincheck scenarios, built from Java: the races of Tokio's loom tests, the
 * interleavings that found a bug (both checked on every run besides the random scenarios, whose
 * generator rarely writes such a precise race in a small budget), and the documented races that
 * {@link KnownDeviationsLincheckTest} pins down. Operations are named by method name, which is
 * unique in each test class; arguments are passed as they are (a {@code ThreadIdGen} parameter
 * takes the thread id: 0 in the init part, 1, 2, ... in the parallel threads, then the post
 * part's; see {@link LincheckBudget#handleOf}).
 */
final class Scenarios {
    private Scenarios() {
    }

    /** One call of an operation of the test class. */
    static final class Call {
        final String operation;
        final Object[] args;

        private Call(String operation, Object[] args) {
            this.operation = operation;
            this.args = args;
        }
    }

    static Call call(String operation, Object... args) {
        return new Call(operation, args);
    }

    /** Starts a scenario of {@code test}'s operations. */
    static Builder of(Class<?> test) {
        return new Builder(test);
    }

    /** An init part, parallel threads (at least two) and a post part. */
    static final class Builder {
        private final Class<?> test;
        private final List<Call> init = new ArrayList<>();
        private final List<List<Call>> parallel = new ArrayList<>();
        private final List<Call> post = new ArrayList<>();

        private Builder(Class<?> test) {
            this.test = test;
        }

        Builder init(Call... calls) {
            init.addAll(Arrays.asList(calls));
            return this;
        }

        /** Adds a parallel thread; the first is thread 1 (its {@code ThreadIdGen} id). */
        Builder thread(Call... calls) {
            parallel.add(Arrays.asList(calls));
            return this;
        }

        Builder post(Call... calls) {
            post.addAll(Arrays.asList(calls));
            return this;
        }

        ExecutionScenario build() {
            if (parallel.size() < 2) {
                throw new IllegalStateException("a scenario needs two parallel threads or more");
            }
            return CustomScenarioDSLKt.scenario(b -> {
                if (!init.isEmpty()) {
                    b.initial(t -> add(t, init));
                }
                b.parallel(p -> {
                    for (List<Call> calls : parallel) {
                        p.thread(t -> add(t, calls));
                    }
                    return Unit.INSTANCE;
                });
                if (!post.isEmpty()) {
                    b.post(t -> add(t, post));
                }
                return Unit.INSTANCE;
            });
        }

        private Unit add(DSLThreadScenario thread, List<Call> calls) {
            for (Call c : calls) {
                thread.actor(operation(c.operation), c.args);
            }
            return Unit.INSTANCE;
        }

        private KFunction<?> operation(String name) {
            final Method[] matching = Arrays.stream(test.getMethods())
                    .filter(m -> m.getName().equals(name)).toArray(Method[]::new);
            if (matching.length != 1) {
                throw new IllegalArgumentException(test.getSimpleName() + " has " + matching.length
                        + " public methods named " + name);
            }
            final KFunction<?> f = ReflectJvmMapping.getKotlinFunction(matching[0]);
            if (f == null) {
                throw new IllegalArgumentException("no Kotlin view of " + matching[0]);
            }
            return f;
        }
    }
}
