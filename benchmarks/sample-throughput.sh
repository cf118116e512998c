#!/usr/bin/env bash
# Throughput and latency of the sample rewrite service's healthy traffic with no agent, with stallwatch, and with the
# OpenTelemetry Java agent, in the same run on the same machine, modes interleaved round by round.
#
#   benchmarks/sample-throughput.sh [--otlp] [rounds] [java]      (defaults: 3 rounds, the java on PATH)
#   Environment: WARMUP (15s), MEASURE (20s), CLIENTS (4), MODES (none stallwatch otel, or
#   also both: the OpenTelemetry agent with stallwatch joining it, and before: stallwatch from BEFORE_JAR, an older
#   build to compare with; the modes to run, in order).
#
# The service's simulated latencies (provider, disk and billing writes) are set to zero so that the run measures
# CPU, where an agent's cost shows, rather than sleeps, which would hide it. By default every agent exports nowhere
# (exporters `none`: no collector, no network time-outs), which also means that no metric is recorded at all (the
# SDK hands out a no-op meter when no reader is registered). With --otlp every agent exports traces, metrics and logs
# over OTLP (http/protobuf) to the project's collector (otel-collector/build-collector.sh) on loopback, configured
# by benchmarks/collector-throughput.yaml (debug exporter, basic verbosity), with metrics exported every 10 s so
# that exports fall inside the measured window: what a user who sends telemetry somewhere runs.
# stallwatch also traces BlockRewriter#rewriteBlock as the demo does.
# Needs agent/target/stallwatch-agent.jar and sample-app/target/*.jar (./mvnw -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
otlp=false
if [ "${1:-}" = "--otlp" ]; then
  otlp=true
  shift
fi
rounds=${1:-3}
java=${2:-java}
clients=${CLIENTS:-4}
warmup=${WARMUP:-15s}
measure=${MEASURE:-20s}
modes=${MODES:-none stallwatch otel}
otel_version=2.33.1
work=$(mktemp -d)
pid=
collector_pid=
trap 'kill "$pid" "$collector_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

stallwatch=agent/target/stallwatch-agent.jar
service=sample-app/target/rewrite-service-exec.jar
driver=sample-app/target/rewrite-service.jar
for f in "$stallwatch" "$service" "$driver"; do
  [ -f "$f" ] || { echo "build first: ./mvnw -q package -DskipTests ($f is missing)" >&2; exit 1; }
done
otel="$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$otel_version/opentelemetry-javaagent-$otel_version.jar"
if [ ! -f "$otel" ]; then
  ./mvnw -q -ntp dependency:get -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" >&2
fi

quiet="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
if $otlp; then
  collector=$(otel-collector/build-collector.sh)
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  otlp_port=$(free_port)
  health_port=$(free_port)
  OTLP_HTTP_PORT=$otlp_port HEALTH_PORT=$health_port "$collector" --config benchmarks/collector-throughput.yaml \
    >"$work/collector.log" 2>&1 &
  collector_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$health_port/" >/dev/null 2>&1 && break
    kill -0 "$collector_pid" 2>/dev/null || { cat "$work/collector.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$health_port/" >/dev/null || { echo "the collector did not start" >&2; exit 1; }
  # Replaces the exporters `none` (run() puts these after the mode's options, so they win there too).
  quiet="-Dotel.exporter.otlp.endpoint=http://127.0.0.1:$otlp_port -Dotel.exporter.otlp.protocol=http/protobuf
    -Dotel.traces.exporter=otlp -Dotel.metrics.exporter=otlp -Dotel.logs.exporter=otlp
    -Dotel.metric.export.interval=10000"
  echo "exporting over OTLP to $collector on 127.0.0.1:$otlp_port" >&2
fi
no_sleeps="--rewrite.provider.latency=0ms --rewrite.provider.slow-every=0 --rewrite.storage.transcript-write=0ms
  --rewrite.storage.archive-write=0ms --rewrite.storage.billing-write=0ms"

run() { # label, then agent options; prints "label docs_per_s p50_ms p99_ms failed"
  local label=$1; shift
  "$java" "$@" $quiet -jar "$service" --server.port=0 $no_sleeps --logging.level.root=WARN \
    --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$work/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$work/service.log" && break; sleep 0.2; done
  local url
  url=$(grep -o 'ws://[0-9.]*:[0-9]*/rewrite' "$work/service.log" | head -n 1)
  "$java" -cp "$driver" dev.stallwatch.sample.load.LoadDriver --url "$url" --clients $clients --max-documents 1000000000 \
    --warmup $warmup --duration $measure >"$work/load.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  python3 - "$label" "$work/load.txt" <<'PY'
import json, sys
line = next(l for l in open(sys.argv[2]) if l.startswith("load-result "))
r = json.loads(line[len("load-result "):])
print(sys.argv[1], r["documentsPerSecond"], r["p50Millis"], r["p99Millis"], r["failed"])
PY
}

echo "round mode documents/s p50_ms p99_ms failed"
for round in $(seq "$rounds"); do
  for mode in $modes; do
    case $mode in
      none) echo "$round $(run none)" ;;
      stallwatch) echo "$round $(run stallwatch -javaagent:$stallwatch -Dstallwatch.blocks=BlockRewriter#rewriteBlock)" ;;
      before) echo "$round $(run before -javaagent:${BEFORE_JAR:?before needs BEFORE_JAR} -Dstallwatch.blocks=BlockRewriter#rewriteBlock)" ;;
      otel) echo "$round $(run otel-javaagent-$otel_version -javaagent:$otel)" ;;
      # Both agents, stallwatch joining the OpenTelemetry agent (its spans and metrics go through that agent's SDK).
      both) echo "$round $(run both -javaagent:$otel -javaagent:$stallwatch -Dstallwatch.blocks=BlockRewriter#rewriteBlock)" ;;
      *) echo "unknown mode $mode (none, before, stallwatch, otel, both)" >&2; exit 2 ;;
    esac
  done
done | tee "$work/all.txt"
if $otlp; then
  kill -0 "$collector_pid" 2>/dev/null || { echo "the collector died during the run:" >&2; tail "$work/collector.log" >&2; exit 1; }
  echo "collector: $(grep -c 'Traces\|Metrics\|Logs' "$work/collector.log") batches logged by the debug exporter" >&2
fi

echo
python3 - "$work/all.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
modes = []
for r in rows:
    if r[1] not in modes: modes.append(r[1])
base = statistics.median(float(r[2]) for r in rows if r[1] == "none")
print("| mode | documents/s (median) | vs no agent | p50 ms | p99 ms | failed |")
print("|---|---:|---:|---:|---:|---:|")
for m in modes:
    mine = [r for r in rows if r[1] == m]
    tput = statistics.median(float(r[2]) for r in mine)
    print(f"| {m} | {tput:.1f} | {100*tput/base:.1f}% | {statistics.median(float(r[3]) for r in mine):.2f} | "
          f"{statistics.median(float(r[4]) for r in mine):.2f} | {sum(int(r[5]) for r in mine)} |")
PY
