#!/usr/bin/env bash
# The steady-state cost of watching synchronized waits live: CPU of the agent's watchdog thread with the monitor
# watch on and off (stallwatch.monitors.enabled), in a program with many idle threads and a few BLOCKED ones.
# Usage: benchmarks/monitor-watch-cost.sh [rounds] [java]   (needs agent/target/stallwatch-agent.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
java="${2:-java}"
agent=agent/target/stallwatch-agent.jar
out=$(mktemp -d)
"$java" -version 2>&1 | head -n 1
for idle in 50 500; do
  for r in $(seq 1 "$rounds"); do
    for monitors in true false; do
      printf 'idle=%s monitors=%s round=%s ' "$idle" "$monitors" "$r"
      "$java" -javaagent:"$agent" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none \
        -Dstallwatch.monitors.enabled="$monitors" -Dstallwatch.lock.wait.threshold=1s \
        benchmarks/watchdog/WatchdogCpu.java "$idle" 4 20 2>"$out/stderr" | tail -n 1
    done
  done
done
