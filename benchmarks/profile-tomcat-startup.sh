#!/usr/bin/env bash
# Profiles a real server's start-up (Tomcat's binary distribution with its example web applications) with
# async-profiler from the JVM's first instruction to Tomcat's "Server startup in" line, with or without an agent.
#
#   benchmarks/profile-tomcat-startup.sh <tomcat dir> <label> <event> [JVM options...]
#   e.g. benchmarks/profile-tomcat-startup.sh /tmp/tc/apache-tomcat-11.0.24 sw cpu \
#          -javaagent:agent/target/stallwatch-agent.jar
#
# Get Tomcat with ./mvnw dependency:copy -Dartifact=org.apache.tomcat:tomcat:11.0.24:tar.gz -DoutputDirectory=/tmp/tc
# and set its ports in conf/server.xml to 0 (HTTP) and -1 (shutdown) so that runs cannot collide. Writes
# /tmp/ap/tomcat-<event>-<label>.txt (collapsed stacks, per thread) and prints the "Server startup in" line.
set -euo pipefail
cd "$(dirname "$0")/.."
tomcat=$1; label=$2; event=$3; shift 3
ap=${AP:-/tmp/ap/linux-x64/libasyncProfiler.so}
out=/tmp/ap
repo=$PWD
opts=()
for o in "$@"; do
  case $o in -javaagent:/*) opts+=("$o") ;; -javaagent:*) opts+=("-javaagent:$repo/${o#-javaagent:}") ;; *) opts+=("$o") ;; esac
done
export CATALINA_OPTS="-agentpath:$ap=start,event=$event,interval=${INTERVAL:-2ms},threads ${opts[*]}"
log=$(mktemp "$out/tomcat.XXXXXX")
start=$(date +%s.%N)
"$tomcat/bin/catalina.sh" run >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do grep -q "Server startup in" "$log" && break; sleep 0.1; done
end=$(date +%s.%N)
java_pid=$(pgrep -P "$pid" java || echo "$pid")
jcmd "$java_pid" JVMTI.agent_load "$ap" "\"stop,file=$out/tomcat-$event-$label.txt,collapsed\"" >/dev/null 2>&1 || true
grep -o "Server startup in.*" "$log" | head -n 1
echo "$label wall to startup line: $(echo "$end - $start" | bc) s; process CPU: $(ps -o times= -p "$java_pid") s"
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -f "$log"
