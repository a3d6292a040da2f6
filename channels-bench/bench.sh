#!/usr/bin/env bash
# Runs the benchmarks and writes the report.
#
#   channels-bench/bench.sh quick [JMH regexp...]   under 5 minutes on 2 cores: every benchmark, 1 fork,
#                                                    1 short warm-up and 2 short iterations, -prof gc;
#                                                    prints the headline table (not for publishing)
#   channels-bench/bench.sh full  [JMH regexp...]   the published report: 3 forks x 5 warm-up x 5
#                                                    measured iterations, -prof gc, on JDK 21+ (JDK 25
#                                                    for the committed report); writes
#                                                    docs/benchmarks/README.md, its charts, the raw JSON
#                                                    in docs/benchmarks/results/, and the README headline
#
# The JDK: $JAVA_HOME if set, else the newest JDK 21+ under /usr/lib/jvm, else `java` (JDK 17 builds
# run without the jox, ping-pong, many-producer and select benchmarks, which need Java 21).
# Run it on an otherwise idle machine: the report is only as good as the quiet it was run in.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
    quick|full) shift ;;
    *) echo "usage: $0 quick|full [JMH benchmark regexp...]" >&2; exit 2 ;;
esac

if [ -z "${JAVA_HOME:-}" ]; then
    for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        feature=$("${home}bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = //p') || continue
        case "$feature" in ''|1.*) continue ;; esac
        if [ "$feature" -ge 21 ] 2>/dev/null; then export JAVA_HOME="${home%/}"; break; fi
    done
fi
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
echo "JDK: $("$java_bin" -version 2>&1 | head -1)"

./mvnw -B -ntp -q -pl channels-bench -am package -DskipTests
jar=channels-bench/target/benchmarks.jar

if [ "$mode" = quick ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    # One fork and a few hundred milliseconds per benchmark: enough to see the shape, far too little to
    # publish (single-fork results of spinning code swing up to 3x between JVMs on this kind of machine).
    "$java_bin" -jar "$jar" -f 1 -wi 1 -w 200ms -i 2 -r 200ms -prof gc -foe true \
        -rf json -rff "$out/quick.json" "$@" > "$out/jmh.txt" 2>&1 || { tail -50 "$out/jmh.txt"; exit 1; }
    "$java_bin" -cp "$jar" dev.channels.bench.report.BenchReport --mode quick \
        --notes docs/benchmarks/notes.md --out "$out/report/README.md" "$out/quick.json"
else
    feature=$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    json=docs/benchmarks/results/full-jdk$feature.json
    # 3 forks x 5 warm-up iterations as the project's measuring rules ask; iterations of 500 ms keep a
    # run of every benchmark near an hour on 2 cores.
    log=channels-bench/target/full-jdk$feature.log
    echo "JMH's output: $log (about an hour for every benchmark)"
    if ! "$java_bin" -jar "$jar" -f 3 -wi 5 -w 500ms -i 5 -r 500ms -prof gc -foe true \
            -rf json -rff "$json" "$@" > "$log" 2>&1; then
        tail -50 "$log"
        echo "JMH failed: see $log"
        exit 1
    fi
    "$java_bin" -cp "$jar" dev.channels.bench.report.BenchReport --mode full \
        --notes docs/benchmarks/notes.md --out docs/benchmarks/README.md --readme README.md "$json"
fi
