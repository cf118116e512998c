#!/usr/bin/env bash
# Profiles the sample rewrite service under the load driver with async-profiler, attached after the warm-up, so that
# a profile shows where a mode's CPU or allocation goes in steady state (start-up and JIT warm-up left out). The
# service and driver are started exactly as benchmarks/sample-throughput.sh starts them (simulated waits zero, 4
# clients, every exporter `none` unless the JVM options say otherwise).
#
#   benchmarks/profile-sample.sh <label> <event> [JVM options for the service...]
#     label:  names the outputs, /tmp/ap/<event>-<label>.{html,txt} (collapsed stacks, per thread) and .load
#     event:  cpu | alloc | wall | lock (async-profiler events)
#   e.g.  benchmarks/profile-sample.sh sw cpu -javaagent:agent/target/stallwatch-agent.jar \
#           -Dstallwatch.blocks=BlockRewriter#rewriteBlock
#
# Environment: AP (libasyncProfiler.so, default /tmp/ap/linux-x64/libasyncProfiler.so: unzip the jar of
# tools.profiler:async-profiler:4.2), WARMUP (15), MEASURE (20), CLIENTS (4), JAVA (java), INTERVAL (cpu: 2ms).
# (jcmd splits its arguments at commas unless they are quoted, hence the inner quotes.)
# Prints the load driver's result line. Needs the jars of ./mvnw -q package -DskipTests.
set -euo pipefail
cd "$(dirname "$0")/.."
label=$1; event=$2; shift 2
ap=${AP:-/tmp/ap/linux-x64/libasyncProfiler.so}
java=${JAVA:-java}
jcmd=${JCMD:-$(dirname "$(readlink -f "$(command -v "$java")")")/jcmd}
warmup=${WARMUP:-15}
measure=${MEASURE:-20}
clients=${CLIENTS:-4}
out=/tmp/ap
mkdir -p "$out"
service=sample-app/target/rewrite-service-exec.jar
driver=sample-app/target/rewrite-service.jar
work=$(mktemp -d "$out/run.XXXXXX")
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

quiet="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
no_sleeps="--rewrite.provider.latency=0ms --rewrite.provider.slow-every=0 --rewrite.storage.transcript-write=0ms
  --rewrite.storage.archive-write=0ms --rewrite.storage.billing-write=0ms"

# The JVM options come after the quiet defaults, so that a caller's -Dotel.*.exporter=otlp wins.
"$java" $quiet "$@" -jar "$service" --server.port=0 $no_sleeps --logging.level.root=WARN \
  --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "listening on" "$work/service.log" && break; sleep 0.2; done
url=$(grep -o 'ws://[0-9.]*:[0-9]*/rewrite' "$work/service.log" | head -n 1)
"$java" -cp "$driver" dev.stallwatch.sample.load.LoadDriver --url "$url" --clients "$clients" --max-documents 1000000000 \
  --warmup "${warmup}s" --duration "${measure}s" >"$work/load.txt" &
driver_pid=$!
sleep "$warmup"
case $event in
  cpu) opts="event=cpu,interval=${INTERVAL:-2ms}" ;;
  alloc) opts="event=alloc,total" ;;
  wall) opts="event=wall,interval=${INTERVAL:-5ms}" ;;
  lock) opts="event=lock,total" ;;
  *) opts="event=$event" ;;
esac
"$jcmd" "$pid" JVMTI.agent_load "$ap" "\"start,$opts,threads\"" >/dev/null
sleep "$measure"
"$jcmd" "$pid" JVMTI.agent_load "$ap" "\"dump,file=$out/$event-$label.txt,collapsed\"" >/dev/null
"$jcmd" "$pid" JVMTI.agent_load "$ap" "\"stop,file=$out/$event-$label.html\"" >/dev/null
wait "$driver_pid"
grep '^load-result' "$work/load.txt" | tee "$out/$event-$label.load"
cp "$work/service.log" "$out/$event-$label.service.log"
