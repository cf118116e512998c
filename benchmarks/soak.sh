#!/usr/bin/env bash
# Soak: the sample service under steady load for DURATION seconds with stallwatch exporting every signal over OTLP
# to the project's collector on loopback, sampled every INTERVAL seconds, to see whether anything the agent keeps
# grows: heap after a full GC, the agent's own tracking sizes, and what the SDK's export pipeline drops.
#
#   benchmarks/soak.sh [java]            (default: the java on PATH)
#   Environment: DURATION (600 s), INTERVAL (10 s), CLIENTS (4), AGENT_JAR (agent/target/stallwatch-agent.jar; not
#   STALLWATCH_*, which the agent would read as its own settings)
#
# Per sample: heap in use after `jcmd GC.run` (a System.gc) as `jcmd GC.heap_info` reports it, the service's RSS and
# thread count, and from the collector's Prometheus endpoint (benchmarks/collector-soak.yaml; the agent exports its
# metrics every 10 s): in-flight traced operations (stallwatch.operations.active), open WebSocket sessions
# (websocket.sessions.active), permits held as the agent's permit book sees them (stallwatch.semaphore.permits.in_use,
# all sites), the agent's health counters summed (stallwatch.agent.*: dropped lock waits, untracked permits, dropped
# foreign releases, swallowed errors, late watchdog scans), and the SDK's own: the span batch processor's queue, the
# spans and log records its batch processors dropped, failed exports, and spans exported (which must keep growing). The service runs with its default (healthy) simulated latencies,
# so the load is steady and not CPU-bound: 4 load clients in a closed loop, as the demo's healthy traffic.
# Prints one line per sample, then a Markdown table (first, last, min, max; the heap's trend over the second half).
# Needs agent/target/stallwatch-agent.jar and sample-app/target/*.jar (./mvnw -q package -DskipTests), and the
# collector binary (otel-collector/build-collector.sh builds it once; needs Go).
set -euo pipefail
cd "$(dirname "$0")/.."
java=${1:-java}
duration=${DURATION:-600}
interval=${INTERVAL:-10}
clients=${CLIENTS:-4}
jcmd=$(dirname "$(readlink -f "$(command -v "$java")")")/jcmd
work=$(mktemp -d)
pid=
driver_pid=
collector_pid=
trap 'kill $pid $driver_pid $collector_pid 2>/dev/null || true; rm -rf "$work"' EXIT

stallwatch=${AGENT_JAR:-agent/target/stallwatch-agent.jar}
service=sample-app/target/rewrite-service-exec.jar
driver=sample-app/target/rewrite-service.jar
for f in "$stallwatch" "$service" "$driver"; do
  [ -f "$f" ] || { echo "build first: ./mvnw -q package -DskipTests ($f is missing)" >&2; exit 1; }
done

collector=$(otel-collector/build-collector.sh)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
otlp_port=$(free_port); health_port=$(free_port); prometheus_port=$(free_port)
OTLP_HTTP_PORT=$otlp_port HEALTH_PORT=$health_port PROMETHEUS_PORT=$prometheus_port "$collector" \
  --config benchmarks/collector-soak.yaml >"$work/collector.log" 2>&1 &
collector_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$health_port/" >/dev/null 2>&1 && break
  kill -0 "$collector_pid" 2>/dev/null || { cat "$work/collector.log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$health_port/" >/dev/null || { echo "the collector did not start" >&2; exit 1; }

"$java" -javaagent:"$stallwatch" -Dstallwatch.blocks=BlockRewriter#rewriteBlock \
  -Dotel.exporter.otlp.endpoint="http://127.0.0.1:$otlp_port" -Dotel.exporter.otlp.protocol=http/protobuf \
  -Dotel.traces.exporter=otlp -Dotel.metrics.exporter=otlp -Dotel.logs.exporter=otlp \
  -Dotel.metric.export.interval=10000 \
  -jar "$service" --server.port=0 --logging.level.root=WARN \
  --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/service.log" && break; sleep 0.2; done
url=$(grep -o 'ws://[0-9.]*:[0-9]*/rewrite' "$work/service.log" | head -n 1)
[ -n "$url" ] || { echo "the service did not start:" >&2; tail -n 20 "$work/service.log" >&2; exit 1; }
echo "$("$java" -version 2>&1 | head -n 1); soak of ${duration} s, a sample every ${interval} s, $clients clients; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$java" -cp "$driver" dev.stallwatch.sample.load.LoadDriver --url "$url" --clients "$clients" --max-documents 1000000000 \
  --warmup 0s --duration "${duration}s" >"$work/load.txt" 2>&1 &
driver_pid=$!

sample() { # elapsed seconds -> one line of the table
  "$jcmd" "$pid" GC.run >/dev/null 2>&1 || true
  local heap
  heap=$("$jcmd" "$pid" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -n 1 | tr -dc '0-9')
  local rss threads
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
  curl -fs "http://127.0.0.1:$prometheus_port/metrics" >"$work/scrape" 2>/dev/null || : >"$work/scrape"
  python3 - "$1" "${heap:-0}" "$rss" "$threads" "$work/scrape" <<'PY'
import re, sys
t, heap, rss, threads, path = sys.argv[1:6]
def total(name_re, label_re=None):
    s = 0.0
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if m and re.fullmatch(name_re, m.group(1)) and (label_re is None or re.search(label_re, m.group(2) or "")):
            s += float(m.group(3))
    return s
ops = total(r"stallwatch_operations_active.*")
sessions = total(r"websocket_sessions_active.*")
permits = total(r"stallwatch_semaphore_permits_in_use.*")
health = total(r"stallwatch_agent_.*")
# The SDK's batch processors: legacy processedSpans/processedLogs{dropped="true"}, or the semantic-convention
# otel.sdk.processor.*.processed with an error.type; failed exports: otlp_exporter_exported{success="false"}, or
# otel.sdk.exporter.*.exported with an error.type.
dropped = total(r"(?i)processed(spans|logs)(_total)?", r'dropped="true"') \
    + total(r"otel_sdk_processor_.*_processed(_total)?", r"error_type=")
failed = total(r"(?i)otlp_exporter_exported(_total)?", r'success="false"') \
    + total(r"otel_sdk_exporter_.*_exported(_total)?", r"error_type=")
queue = total(r"(?i)queueSize(_ratio)?", r'processorType="BatchSpanProcessor"') \
    + total(r"otel_sdk_processor_span_queue_size.*")
exported = total(r"(?i)otlp_exporter_exported(_total)?", r'success="true",type="span"')
print(t, int(heap), int(rss) // 1024, threads, int(ops), int(sessions), int(permits), int(health), int(queue),
      int(dropped), int(failed), int(exported))
PY
}

echo "t_s heap_after_gc_kib rss_mib threads in_flight_ops open_sessions permits_held agent_health span_queue dropped_by_sdk failed_exports spans_exported"
start=$(date +%s)
next=$((start + interval))
while kill -0 "$driver_pid" 2>/dev/null; do
  now=$(date +%s)
  if [ "$now" -ge "$next" ]; then
    sample $((now - start))
    next=$((next + interval))
  fi
  sleep 1
done | tee "$work/samples.txt"
wait "$driver_pid" || true
driver_pid=
result=$(grep '^load-result ' "$work/load.txt" || true)
kill -0 "$pid" 2>/dev/null || { echo "the service died during the soak" >&2; tail -n 20 "$work/service.log" >&2; exit 1; }
cp "$work/scrape" "$work/last-scrape" 2>/dev/null || true
echo "load: ${result:-no result line}" >&2
echo "collector: $(grep -c 'Traces\|Logs' "$work/collector.log") trace and log batches logged by the debug exporter; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
grep -h '^\[stallwatch\]' "$work/service.log" | sort | uniq -c | head -n 20 >&2 || true
[ -n "${SCRAPE_OUT:-}" ] && cp "$work/scrape" "$SCRAPE_OUT"

echo
python3 - "$work/samples.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1].isdigit()]
cols = ["heap after GC (KiB)", "RSS (MiB)", "threads", "in-flight operations", "open sessions",
        "permits held (permit book)", "agent health counters", "span export queue (BatchSpanProcessor)",
        "spans/logs dropped by the SDK", "failed exports", "spans exported (cumulative)"]
print(f"{len(rows)} samples over {rows[-1][0] if rows else 0} s")
print()
print("| series | first | last | min | max |")
print("|---|---:|---:|---:|---:|")
for i, c in enumerate(cols, start=1):
    v = [int(r[i]) for r in rows]
    print(f"| {c} | {v[0]} | {v[-1]} | {min(v)} | {max(v)} |")
half = rows[len(rows) // 2:]
if len(half) > 2:
    xs = [int(r[0]) / 60 for r in half]; ys = [int(r[1]) for r in half]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print()
    print(f"heap after GC over the second half: least-squares trend {slope:+.1f} KiB/min (mean {my:.0f} KiB)")
PY
