/**
 * The soak test of the channels: {@link dev.channels.stress.soak.Soak} runs rounds of every kind of
 * channel (bounded and unbounded mpsc, oneshot, broadcast, watch, select) for a given duration with
 * random interrupts, timeouts, cancellations and closes, proves with an exact accounting per round
 * that no message was lost or duplicated and that each sender's order held, fails a round that
 * hangs (with a thread dump), and ends with a waiter-leak check.
 *
 * <pre>
 * ./mvnw -o -q -pl channels-stress -am package -DskipTests
 * java -cp channels-stress/target/jcstress.jar dev.channels.stress.soak.Soak --duration 60s [--seed N] [--report file]
 * </pre>
 * {@code --help} lists the options; {@code --inject loss|dup|returned|leak|hang} makes the run fail
 * on purpose, to show that each kind of check can fail.
 */
package dev.channels.stress.soak;
