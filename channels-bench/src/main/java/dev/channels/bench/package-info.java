/**
 * JMH benchmarks of the channels against their peers; the shaded {@code target/benchmarks.jar}
 * runs them.
 *
 * <h2>Bounded mpsc</h2>
 * <table>
 *   <caption>The mpsc benchmark classes</caption>
 *   <tr><th>Class</th><th>Forms</th><th>Implementations</th></tr>
 *   <tr><td>{@link dev.channels.bench.MpscTryBenchmark}</td>
 *       <td>{@code trySend}/{@code tryRecv}, {@code offer}/{@code poll}</td>
 *       <td>ours, JCTools {@code MpscArrayQueue}, Agrona {@code ManyToOneConcurrentArrayQueue},
 *       JDK {@code ArrayBlockingQueue}</td></tr>
 *   <tr><td>{@link dev.channels.bench.MpscBlockingBenchmark}</td>
 *       <td>timed: {@code send(v, timeout)}/{@code recv(timeout)},
 *       {@code offer(e, t, unit)}/{@code poll(t, unit)}</td>
 *       <td>ours, JDK {@code ArrayBlockingQueue}, {@code LinkedBlockingQueue}</td></tr>
 *   <tr><td>{@code MpscBlockingUntimedBenchmark} (source in {@code src/main/java21}, built on
 *       JDK 21+ only)</td>
 *       <td>untimed: {@code send}/{@code recv}, {@code put}/{@code take},
 *       {@code send}/{@code receive}</td>
 *       <td>ours, jox 1.0.1 buffered {@code Channel}, JDK {@code ArrayBlockingQueue},
 *       {@code LinkedBlockingQueue}</td></tr>
 * </table>
 * Each has two groups, {@code p1c1} (one producer, one consumer) and {@code p3c1} (three
 * producers, one consumer), and the parameters {@code impl} and {@code capacity} (16, 1024). The
 * transfer rate is the secondary result {@code received} (equal to {@code sent} up to what is
 * left in the channel); the primary score adds up the invocations of all threads, failed attempts
 * included. {@code p3c1} runs four busy threads: measure it on at least four idle cores.
 *
 * <p>Full measurement (3 forks, 5 warmup and 5 measurement iterations per the annotations, about
 * 40 minutes), run from a scratch directory:
 * <pre>
 export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 cd /work/main &amp;&amp; ./mvnw -q -pl channels-bench -am package -DskipTests
 mkdir -p /tmp/bench &amp;&amp; cd /tmp/bench
 $JAVA_HOME/bin/java -jar /work/main/channels-bench/target/benchmarks.jar 'dev.channels.bench.Mpsc.*' \
     -f 3 -wi 5 -w 1s -i 5 -r 2s -prof gc -rf json -rff mpsc.json
 * </pre>
 * Smoke run (about two minutes): {@code -f 1 -wi 1 -w 1s -i 1 -r 1s}. Hang check of the escape
 * hatches, 200 iteration boundaries per configuration: {@code 'dev.channels.bench.MpscBlocking.*'
 * -p capacity=16 -f 1 -wi 0 -i 200 -r 10ms}.
 *
 * <h2>oneshot, broadcast, watch</h2>
 * <table>
 *   <caption>The other benchmark classes</caption>
 *   <tr><th>Class</th><th>Scenarios</th><th>Implementations</th></tr>
 *   <tr><td>{@link dev.channels.bench.OneshotBenchmark}</td>
 *       <td>request/reply across two threads; create + send + receive on one thread</td>
 *       <td>ours, JDK {@code CompletableFuture}</td></tr>
 *   <tr><td>{@link dev.channels.bench.BroadcastBenchmark}</td>
 *       <td>one sender to 1, 2, 4 blocking receivers, capacity 1024</td>
 *       <td>ours (paced to be lossless, and unpaced), JDK {@code SubmissionPublisher}, LMAX
 *       Disruptor 4.0.0 with blocking and yielding wait strategies</td></tr>
 *   <tr><td>{@link dev.channels.bench.WatchBenchmark}</td>
 *       <td>one writer with 1 or 4 readers (polling, or blocking in {@code changed()}); borrow</td>
 *       <td>ours, an {@code AtomicReference} of a (value, version) record</td></tr>
 * </table>
 * Each class's javadoc says how to read its results and how peers without a feature are made
 * comparable. Full measurement: the same options with {@code 'dev.channels.bench.(Oneshot|Broadcast|Watch).*'}.
 *
 * <h2>select</h2>
 * {@code SelectBenchmark} (source in {@code src/main/java21}, built on JDK 21+ only): select over 2
 * and 4 bounded channels of capacity 16, ours against jox 1.0.1's {@code Select.select} (clauses
 * made per call, and reused): {@code oneReady} (one clause ready, ns/op, with {@code sendRecv} as
 * the cost of a plain send and receive) and the group {@code noneReady} (the consumer's select
 * starts with nothing ready and a producer's send arrives; {@code pauseMicros} 200 makes every
 * select park). Full measurement: {@code 'dev.channels.bench.Select.*' -f 3 -wi 5 -w 1s -i 5 -r 1s -prof gc}.
 */
package dev.channels.bench;
