#!/usr/bin/env bash
# The demo: builds the agent and the sample service, then runs the service under the agent once per scenario (healthy,
# then each fault switched on), drives it with real WebSocket clients, and says what stallwatch detected and where.
# Needs only a JDK (17+). Exports to an OpenTelemetry Collector on 127.0.0.1:4318 if one is running.
# Run a subset by naming scenarios: sample-app/demo.sh healthy permit-leak
# Under both agents (the OpenTelemetry Java agent 2.33.1 first, fetched from Maven Central once, then stallwatch):
#   sample-app/demo.sh --with-otel-agent [scenario...]    (or STALLWATCH_DEMO_OTEL_AGENT=/path/to/opentelemetry-javaagent.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
otel_version=2.33.1
otel_agent="${STALLWATCH_DEMO_OTEL_AGENT:-}"
scenarios=()
fetch=false
for arg in "$@"; do
  if [ "$arg" = "--with-otel-agent" ]; then
    fetch=true
    otel_agent="$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$otel_version/opentelemetry-javaagent-$otel_version.jar"
  else
    scenarios+=("$arg")
  fi
done
./mvnw -q -B -ntp package -DskipTests -pl agent,sample-app -am
if $fetch && [ ! -f "$otel_agent" ]; then
  ./mvnw -q -B -ntp dependency:get -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" >&2
fi
exec java -Dstallwatch.demo.otelAgent="$otel_agent" -cp sample-app/target/rewrite-service.jar \
  dev.stallwatch.sample.demo.Demo \
  agent/target/stallwatch-agent.jar sample-app/target/rewrite-service-exec.jar sample-app/target/demo \
  ${scenarios[@]+"${scenarios[@]}"}
