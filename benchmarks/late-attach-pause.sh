#!/usr/bin/env bash
# How long a late attach pauses a server under load: an embedded Tomcat under steady WebSocket echo traffic
# (testapps/websocket/LateAttachPause: CLIENTS clients, one message in flight each, and a ticker thread that sleeps
# 1 ms and records how late it wakes), with stallwatch loaded into it by `jcmd <pid> JVMTI.agent_load` after
# ATTACH_AT seconds. Prints, per second, the messages echoed, the slowest round trip and the ticker's worst lateness,
# then every safepoint of the attach window from -Xlog:safepoint (the JVM's own account of its pauses).
#
#   benchmarks/late-attach-pause.sh [java]      (default: the java on PATH)
#   Environment: DURATION (30 s in all), ATTACH_AT (12 s), CLIENTS (2)
# jcmd splits its arguments at '=' unless quoted, hence the double quotes inside the shell's.
# Needs agent/target/stallwatch-agent.jar and agent/target/test-classes (./mvnw -pl agent package -DskipTests, or
# any agent verify), and Tomcat in ~/.m2 (the agent's test dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
java=${1:-java}
duration=${DURATION:-30}
attach_at=${ATTACH_AT:-12}
clients=${CLIENTS:-2}
jcmd="$(dirname "$(command -v "$java")")/jcmd"
tomcat_version=$(sed -n 's:.*<tomcat.version>\(.*\)</tomcat.version>.*:\1:p' pom.xml)
repo="$HOME/.m2/repository/org/apache/tomcat/embed"
cp="agent/target/test-classes"
for a in tomcat-embed-core tomcat-embed-websocket tomcat-embed-el; do
  cp="$cp:$repo/$a/$tomcat_version/$a-$tomcat_version.jar"
done
cp="$cp:$HOME/.m2/repository/org/apache/tomcat/tomcat-annotations-api/$tomcat_version/tomcat-annotations-api-$tomcat_version.jar"
work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$java" -Xlog:safepoint=info:file="$work/safepoint.log":uptime -cp "$cp" \
  dev.stallwatch.testapps.websocket.LateAttachPause "$duration" "$clients" >"$work/out.log" 2>"$work/err.log" &
pid=$!
for _ in $(seq 1 300); do grep -q "load running" "$work/out.log" && break; sleep 0.1; done
sleep "$attach_at"
before=$(date +%s.%N)
"$jcmd" "$pid" JVMTI.agent_load "$PWD/agent/target/stallwatch-agent.jar" \
  "\"stallwatch.detections.file=$work/detections.jsonl,otel.traces.exporter=none,otel.metrics.exporter=none,otel.logs.exporter=none\"" \
  >"$work/jcmd.log"
after=$(date +%s.%N)
wait "$pid" || true
pid=
echo "jcmd took $(echo "$after - $before" | bc) s: $(tr '\n' ' ' <"$work/jcmd.log")"
grep '^\[stallwatch\]' "$work/err.log" || true
cat "$work/out.log"
echo "--- safepoints over 1 ms, and those named for class redefinition"
awk '/Safepoint "/ {
  total = $0; sub(/.*Total: /, "", total); sub(/ ns.*/, "", total);
  if (total + 0 > 1000000 || $0 ~ /Redefine/) print }' "$work/safepoint.log"
echo "--- safepoints: count, sum and max of Total by operation"
awk '/Safepoint "/ {
  op = $0; sub(/.*Safepoint "/, "", op); sub(/".*/, "", op);
  total = $0; sub(/.*Total: /, "", total); sub(/ ns.*/, "", total);
  n[op]++; sum[op] += total; if (total + 0 > max[op]) max[op] = total + 0 }
  END { for (op in n) printf "%-28s %5d  sum %8.2f ms  max %7.2f ms\n", op, n[op], sum[op] / 1e6, max[op] / 1e6 }' \
  "$work/safepoint.log" | sort
