package dev.channels;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The public methods and constructors whose bad input (null, out-of-range arguments, a closed
 * handle, a used permit, a received value, ...) the annotated test checks, each as
 * {@code Type#name(ParameterType,...)} in the form {@link PublicApiCoverageTest#signature} builds:
 * types of {@code dev.channels} by their nested name ({@code Mpsc.Sender}), other types by their
 * simple name, generic parameters erased ({@code Mpsc.Sender#send(Object,Duration)}), constructors
 * named {@code new} ({@code Mpsc.Channel#new(Mpsc.Sender,Mpsc.Receiver)}).
 *
 * <p>{@link PublicApiCoverageTest} fails when a public method of the package is named by no
 * {@code @Covers} of a bad-input test class and not excluded there with a reason, and when a
 * {@code @Covers} names a method that does not exist.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
    /** The signatures covered by the annotated test. */
    String[] value();
}
