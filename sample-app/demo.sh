#!/usr/bin/env bash
# The demo: builds the agent and the sample service, then runs the service under the agent once per scenario (healthy,
# then each fault switched on), drives it with real WebSocket clients, and says what stallwatch detected and where.
# Needs only a JDK (17+). Exports to an OpenTelemetry Collector on 127.0.0.1:4318 if one is running.
# Run a subset by naming scenarios: sample-app/demo.sh healthy permit-leak
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp package -DskipTests -pl agent,sample-app -am
exec java -cp sample-app/target/rewrite-service.jar dev.stallwatch.sample.demo.Demo \
  agent/target/stallwatch-agent.jar sample-app/target/rewrite-service-exec.jar sample-app/target/demo "$@"
