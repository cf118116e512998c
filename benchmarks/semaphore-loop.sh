#!/usr/bin/env bash
# Issue 13's plain loop (benchmarks/plain/SemaphoreLoop.java): uncontended Semaphore acquire/release in ordinary
# code, no JMH. Each JVM prints the best of 9 rounds of 5M pairs; the modes (no agent, then each agent jar given)
# are interleaved run by run, so a busy machine's load falls on all of them alike. Prints every run, then per mode
# the best and the median of the runs' best-of-9, and the ratio to no agent.
# Usage: benchmarks/semaphore-loop.sh [runs=5] [variant=main|method|field|thread] [agent.jar ...]
#   (default agent: agent/target/stallwatch-agent.jar). CLOCK=wall for wall time (default: the thread's CPU time,
#   which a shared machine's preemption does not inflate). JAVA=... for another JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
variant=${2:-main}
shift $(( $# < 2 ? $# : 2 ))
jars=("$@")
[ ${#jars[@]} -eq 0 ] && jars=(agent/target/stallwatch-agent.jar)
java=${JAVA:-java}
clock=${CLOCK:-cpu}
out=$(mktemp -d)
"${java%java}javac" -d "$out/classes" benchmarks/plain/SemaphoreLoop.java 2>/dev/null \
  || javac -d "$out/classes" benchmarks/plain/SemaphoreLoop.java
modes=(none "${jars[@]}")
"$java" -version 2>&1 | head -1
echo "date $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), variant $variant, clock $clock, $runs runs"
for ((r = 1; r <= runs; r++)); do
  for m in "${!modes[@]}"; do
    mode=${modes[$m]}
    args=(-Dclock="$clock" -cp "$out/classes")
    if [ "$mode" != none ]; then
      args=(-javaagent:"$mode" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none "${args[@]}")
    fi
    ns=$("$java" "${args[@]}" SemaphoreLoop "$variant" 2>/dev/null | awk '/ns\/pair/ {print $2}')
    echo "run $r $mode $ns" | tee -a "$out/results"
  done
done
echo "mode best median ratio(best) ratio(median)"
awk '{v[$3] = v[$3] " " $4} END {for (m in v) print m, v[m]}' "$out/results" | while read -r mode values; do
  sorted=$(tr ' ' '\n' <<<"$values" | sort -g | grep .)
  n=$(wc -l <<<"$sorted")
  best=$(head -1 <<<"$sorted")
  median=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$sorted")
  echo "$mode $best $median"
done | sort | awk '$1 == "none" {b = $2; md = $3} {rows[NR] = $0} END {
  for (i = 1; i <= NR; i++) { split(rows[i], f, " "); printf "%s %s %s %.2fx %.2fx\n", f[1], f[2], f[3], f[2] / b, f[3] / md } }'
rm -rf "$out"
