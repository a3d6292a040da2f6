#!/usr/bin/env bash
# The full stress suite: jcstress, the Lincheck model checks and the soak test, on one or more JDKs,
# then channels-stress/REPORT.md from what the runs printed.
#
#   channels-stress/stress-suite.sh [options]
#
#   --jdk HOME             a JDK to run on (repeatable). Default: the default `java`, plus the first
#                          JDK 21+ found under /usr/lib/jvm.
#   --jcstress-mode MODE   jcstress preset: sanity, quick, default (the default), tough.
#   --jcstress-args ARGS   extra jcstress arguments, e.g. "-t dev.channels.stress.Mpsc".
#   --lincheck MODE        fast or full (the default).
#   --soak DURATION        soak duration, e.g. 60s, 10m (default 10m).
#   --out FILE             the report to write (default channels-stress/REPORT.md).
#   --skip-build           use the jars already built.
#
# Everything the runs print is kept under channels-stress/results/<timestamp>/ (not committed).
# Exit code: 0 when every part passed on every JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

jdks=()
jcstress_mode=default
jcstress_args=""
lincheck_mode=full
soak=10m
out="$root/channels-stress/REPORT.md"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --jdk) jdks+=("${2%/}"); shift 2 ;;
        --jcstress-mode) jcstress_mode=$2; shift 2 ;;
        --jcstress-args) jcstress_args=$2; shift 2 ;;
        --lincheck) lincheck_mode=$2; shift 2 ;;
        --soak) soak=$2; shift 2 ;;
        --out) out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
        --skip-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

feature_of() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

if [ ${#jdks[@]} -eq 0 ]; then
    default_home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
    jdks+=("$default_home")
    default_feature=$(feature_of "$default_home")
    for home in /usr/lib/jvm/*/; do
        home=${home%/}
        [ -x "$home/bin/java" ] || continue
        feature=$(feature_of "$home")
        case "$feature" in ''|1.*) continue ;; esac
        if [ "$feature" -ge 21 ] && [ "$feature" != "$default_feature" ]; then
            jdks+=("$home")
            break
        fi
    done
fi

stamp=$(date -u +%Y%m%d-%H%M%S)
run="$root/channels-stress/results/$stamp"
mkdir -p "$run"
echo "stress suite: results in $run"

if [ "$build" = 1 ]; then
    ./mvnw -B -ntp -q -pl channels-stress -am package -DskipTests
fi
jar="$root/channels-stress/target/jcstress.jar"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M')"
    echo "commit=$commit"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "cores=$(nproc)"
    echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "os=$(uname -sr)"
} > "$run/machine.properties"

# Runs a part, recording its exit code and duration in meta.properties; never stops the suite.
part() {
    local name=$1 meta=$2; shift 2
    local start end rc=0
    start=$(date +%s)
    "$@" || rc=$?
    end=$(date +%s)
    echo "$name.exit=$rc" >> "$meta"
    echo "$name.seconds=$((end - start))" >> "$meta"
    echo "--- $name: exit $rc after $((end - start)) s"
}

for home in "${jdks[@]}"; do
    feature=$(feature_of "$home")
    dir="$run/jdk$feature"
    mkdir -p "$dir"
    meta="$dir/meta.properties"
    {
        echo "java.version=$feature"
        echo "java.full=$("$home/bin/java" -version 2>&1 | sed -n '2p')"
        echo "java.home=$home"
        echo "jcstress.mode=$jcstress_mode"
        echo "lincheck.mode=$lincheck_mode"
        echo "soak.duration=$soak"
    } > "$meta"
    echo
    echo "=== JDK $feature ($home)"

    echo "--- jcstress -m $jcstress_mode $jcstress_args"
    # shellcheck disable=SC2086 # jcstress_args is a list of words on purpose
    part jcstress "$meta" bash -c 'cd "$1" && shift && "$@" > jcstress.txt 2>&1' _ "$dir" \
        "$home/bin/java" -jar "$jar" -m "$jcstress_mode" -v -r "$dir/jcstress-html" $jcstress_args
    grep -E "Results: [0-9]+ planned" "$dir/jcstress.txt" | tail -1 || true

    echo "--- Lincheck ($lincheck_mode)"
    rm -rf channels-stress/target/surefire-reports
    part lincheck "$meta" bash -c 'JAVA_HOME="$1" ./mvnw -B -ntp -q -pl channels-stress -am test \
        -Dlincheck.mode="$2" -Dtest="dev/channels/stress/lincheck/**/*Test" -Dsurefire.failIfNoSpecifiedTests=false \
        > "$3/lincheck.txt" 2>&1' _ "$home" "$lincheck_mode" "$dir"
    mkdir -p "$dir/lincheck"
    cp channels-stress/target/surefire-reports/TEST-*.xml "$dir/lincheck/" 2>/dev/null || true

    echo "--- soak ($soak)"
    part soak "$meta" bash -c '"$1/bin/java" -cp "$2" dev.channels.stress.soak.Soak --duration "$3" --report "$4/soak.md" \
        > "$4/soak.txt" 2>&1' _ "$home" "$jar" "$soak" "$dir"
    tail -3 "$dir/soak.txt" || true
done

echo
java -cp "$jar" dev.channels.stress.report.StressReport "$run" "$out"
