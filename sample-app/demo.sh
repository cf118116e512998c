#!/usr/bin/env bash
# The demo: builds the agent and the sample app, runs the sample's bugs under the agent, and summarises what
# stallwatch found. Needs only a JDK (17+). Exports to an OpenTelemetry Collector on localhost:4318 if one runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp package -DskipTests -pl agent,sample-app -am
out=sample-app/target/demo
mkdir -p "$out"
rm -f "$out/detections.jsonl"
if (exec 3<>/dev/tcp/127.0.0.1/4318) 2>/dev/null; then exporters=otlp; else exporters=none; fi
echo "== running the sample's bugs under stallwatch (telemetry export: $exporters)"
java -javaagent:agent/target/stallwatch-agent.jar \
  -Dstallwatch.detections.file="$out/detections.jsonl" \
  -Dstallwatch.permit.leak.threshold=2s \
  -Dstallwatch.lock.wait.threshold=1s \
  -Dstallwatch.blocks='RewriteServiceBugs#rewriteDocumentBlock=1s' \
  -Dotel.service.name=rewrite-service-demo \
  -Dotel.traces.exporter=$exporters -Dotel.metrics.exporter=$exporters -Dotel.logs.exporter=$exporters \
  -cp sample-app/target/classes dev.stallwatch.sample.RewriteServiceBugs 2>"$out/stderr.txt"
echo
echo "== what stallwatch detected (all of it is also in $out/detections.jsonl, one JSON object per line)"
for kind in permit_leak deadlock lock_wait runaway; do
  grep -F "[stallwatch] $kind:" "$out/stderr.txt" | sed 's/^\[stallwatch\] /  /' || true
done
echo
echo "== counts: $(grep -o '"kind":"[a-z_]*"' "$out/detections.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
