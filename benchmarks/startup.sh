#!/usr/bin/env bash
# Startup cost of attaching an agent to a hello-world program: wall time and peak RSS, medians of N runs, for
# no agent, stallwatch, the OpenTelemetry Java agent, and both (two -javaagent flags, and stallwatch as that agent's
# extension), in the same run on the same machine.
#
#   benchmarks/startup.sh [runs] [java]        (defaults: 11 runs, the java on PATH)
#
# Needs agent/target/stallwatch-agent.jar (./mvnw -q package -DskipTests). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
java=${2:-java}
otel_version=2.33.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stallwatch=agent/target/stallwatch-agent.jar
[ -f "$stallwatch" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
otel="$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$otel_version/opentelemetry-javaagent-$otel_version.jar"
if [ ! -f "$otel" ]; then
  ./mvnw -q -ntp dependency:get -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" >&2
fi

mkdir -p "$work/classes"
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello world"); } }
JAVA
javac -d "$work/classes" "$work/Hello.java"

# Every agent exports nowhere, so that what is measured is starting up, not a network timeout.
quiet="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"

measure() { # label, then JVM options; prints "label median_seconds median_rss_mib"
  local label=$1; shift
  local times=() rss=()
  "$java" "$@" $quiet -cp "$work/classes" Hello >/dev/null 2>&1   # warm the file cache and the agents' unpack dirs
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$java" "$@" $quiet -cp "$work/classes" Hello >/dev/null 2>"$work/err"
    read -r t m < "$work/t"
    times+=("$t"); rss+=("$m")
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  echo "$label $mt $mr"
}

base=$(measure "no-agent")
sw=$(measure "stallwatch" "-javaagent:$stallwatch")
ot=$(measure "opentelemetry-javaagent-$otel_version" "-javaagent:$otel")
both=$(measure "opentelemetry-javaagent+stallwatch" "-javaagent:$otel" "-javaagent:$stallwatch")
ext=$(measure "opentelemetry-javaagent+stallwatch-extension" "-javaagent:$otel" "-Dotel.javaagent.extensions=$stallwatch")

read -r _ bt br <<<"$base"
echo "$("$java" -version 2>&1 | head -n 1), $runs runs each, medians, $(date -u +%Y-%m-%d)"
echo
echo "| agent | wall time (s) | added (s) | peak RSS (MiB) | added (MiB) |"
echo "|---|---:|---:|---:|---:|"
for row in "$base" "$sw" "$ot" "$both" "$ext"; do
  read -r l t r <<<"$row"
  printf '| %s | %.2f | %+.2f | %d | %+d |\n' "$l" "$t" "$(echo "$t - $bt" | bc -l)" "$r" "$((r - br))"
done
