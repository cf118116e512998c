#!/usr/bin/env bash
# Start-up of a real server: Tomcat's binary distribution (from Maven Central) with its example web applications,
# from the JVM's launch to Tomcat's "Server startup in" line, with no agent, with stallwatch and with the
# OpenTelemetry Java agent, N runs each, modes interleaved run by run, medians.
#
#   benchmarks/tomcat-startup.sh [runs] [java]          (defaults: 5 runs, the java on PATH)
#   Environment: TOMCAT_VERSION (11.0.24), MODES (none stallwatch otel), EXPORT (otlp or none, default otlp),
#                AGENT_JAR (agent/target/stallwatch-agent.jar), KEEP=1 to leave the unpacked Tomcat behind;
#                mode "before" runs another stallwatch jar, BEFORE_JAR, to compare two builds in one run;
#                SERVER=sample measures the Spring Boot sample service instead (sample-app/target/
#                rewrite-service-exec.jar, to its "listening on" line; it has no figure of its own on that line).
#
# Per run it records: the wall time from launching `catalina.sh run` to the line, Tomcat's own figure on that line
# (which starts when Tomcat's Bootstrap starts, so it leaves out the JVM's and the agents' premain), the process's
# CPU seconds (user + system, all threads) and its peak RSS (VmHWM) when the line appears. The server listens on
# 127.0.0.1, HTTP port 0, shutdown port -1, so runs cannot collide with anything.
# EXPORT=otlp (the default) builds every agent's OTLP exporters, as a user who exports runs it, pointed at a loopback
# port where nothing listens (an export that happens during start-up fails at once; none of the agents blocks on
# it); EXPORT=none sets every exporter to none. Needs agent/target/stallwatch-agent.jar
# (./mvnw -q -pl agent package -DskipTests). Prints one line per run, then a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
java=${2:-java}
version=${TOMCAT_VERSION:-11.0.24}
server=${SERVER:-tomcat}
modes=${MODES:-none stallwatch otel}
export_mode=${EXPORT:-otlp}
otel_version=2.33.1
repo=$PWD
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

stallwatch=$(realpath "${AGENT_JAR:-agent/target/stallwatch-agent.jar}")
[ -f "$stallwatch" ] || { echo "build first: ./mvnw -q -pl agent package -DskipTests" >&2; exit 1; }
otel="$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$otel_version/opentelemetry-javaagent-$otel_version.jar"
if [ ! -f "$otel" ]; then
  ./mvnw -q -ntp dependency:get -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" >&2
fi
case $server in
  tomcat) ready_line="Server startup in" ;;
  sample)
    ready_line="listening on"
    service=$repo/sample-app/target/rewrite-service-exec.jar
    [ -f "$service" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; } ;;
  *) echo "unknown SERVER $server (tomcat, sample)" >&2; exit 2 ;;
esac
tomcat="$work/apache-tomcat-$version"
if [ "$server" = tomcat ]; then
./mvnw -q -ntp dependency:copy -Dartifact="org.apache.tomcat:tomcat:$version:tar.gz" -DoutputDirectory="$work" >&2
tar -xzf "$work/tomcat-$version.tar.gz" -C "$work"
# HTTP on 127.0.0.1, port 0; no shutdown port (the run is ended with a signal).
python3 - "$tomcat/conf/server.xml" <<'PY'
import re, sys
path = sys.argv[1]
xml = open(path).read()
xml = re.sub(r'<Server port="8005"', '<Server port="-1"', xml, count=1)
xml = re.sub(r'<Connector port="8080"', '<Connector port="0" address="127.0.0.1"', xml, count=1)
assert 'port="-1"' in xml and 'port="0" address="127.0.0.1"' in xml, "server.xml not as expected"
open(path, "w").write(xml)
PY
fi

if [ "$export_mode" = none ]; then
  exporters="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
else
  dead_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  exporters="-Dotel.exporter.otlp.endpoint=http://127.0.0.1:$dead_port -Dotel.exporter.otlp.protocol=http/protobuf"
fi
ticks=$(getconf CLK_TCK)
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")

options() { # mode -> JVM options
  case $1 in
    none) echo "" ;;
    stallwatch) echo "-javaagent:$stallwatch $exporters" ;;
    otel) echo "-javaagent:$otel $exporters" ;;
    before) echo "-javaagent:${BEFORE_JAR:?set BEFORE_JAR to the jar to compare with} $exporters" ;;
    *) echo "unknown mode $1 (none, stallwatch, otel, before)" >&2; exit 2 ;;
  esac
}

launch() { # mode, log: starts the server in the background; its JVM's pid in $pid
  if [ "$server" = tomcat ]; then
    rm -rf "$tomcat/logs"/* "$tomcat/work"/*
    JAVA_HOME=$java_home JRE_HOME= CATALINA_OPTS="$(options "$1")" "$tomcat/bin/catalina.sh" run >"$2" 2>&1 &
  else
    # shellcheck disable=SC2046 # the options are words
    "$java" $(options "$1") -jar "$service" --server.port=0 --logging.level.root=WARN \
      --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$2" 2>&1 &
  fi
  pid=$!
}

run() { # mode; prints "mode wall_s own_figure_ms cpu_s rss_mib"
  local mode=$1 log="$work/server.out" line=
  : >"$log"   # emptied before the launch, so the poll below can never see the previous run's line
  local start
  start=$(date +%s%N)
  launch "$mode" "$log"
  local stat=""
  for _ in $(seq 1 12000); do   # 20 ms steps: at most 240 s
    if grep -q "$ready_line" "$log"; then
      # catalina.sh run execs java, so $pid is the JVM.
      stat=$(cat "/proc/$pid/stat"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  local end
  end=$(date +%s%N)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
  [ -n "$stat" ] || { echo "no '$ready_line' line for $mode:" >&2; tail -n 20 "$log" >&2; exit 1; }
  local ms=0
  if [ "$server" = tomcat ]; then
    line=$(grep -o "Server startup in \[\?[0-9,.]*\]\? *milliseconds" "$log" | head -n 1)
    ms=$(echo "$line" | tr -dc '0-9')
  fi
  # /proc/<pid>/stat: fields 14 and 15 are user and system time in clock ticks (the command name has no spaces).
  read -r ut st < <(echo "$stat" | awk '{print $14, $15}')
  awk -v m="$mode" -v w="$(( end - start ))" -v t="$ms" -v c="$(( ut + st ))" -v k="$ticks" -v r="$hwm" \
    'BEGIN { printf "%s %.2f %d %.2f %.0f\n", m, w / 1e9, t, c / k, r / 1024 }'
}

what="Tomcat $version with its examples"
[ "$server" = tomcat ] || what="the sample service (Spring Boot)"
echo "$("$java" -version 2>&1 | head -n 1); $what; exporters: $export_mode; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for mode in $modes; do run "$mode" >/dev/null; done   # warm-up: the file cache, the agents' unpack directories
echo "run mode wall_s own_figure_ms cpu_s peak_rss_mib"
for r in $(seq "$runs"); do
  for mode in $modes; do echo "$r $(run "$mode")"; done
done | tee "$work/all.txt"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo
python3 - "$work/all.txt" "$ready_line" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
modes = []
for r in rows:
    if r[1] not in modes: modes.append(r[1])
med = lambda m, i: statistics.median(float(r[i]) for r in rows if r[1] == m)
b = {i: med("none", i) for i in (2, 3, 4, 5)} if "none" in modes else None
own = any(float(r[3]) > 0 for r in rows)  # only Tomcat prints a figure of its own on the line
print(f"| mode | wall to \"{sys.argv[2]}\" (s) | added |" + (" Tomcat's own figure (ms) | added |" if own else "")
      + " CPU-s by then | added | peak RSS (MiB) | added |")
print("|---|---:|---:|" + ("---:|---:|" if own else "") + "---:|---:|---:|---:|")
for m in modes:
    v = {i: med(m, i) for i in (2, 3, 4, 5)}
    d = (lambda i: v[i] - b[i]) if b else (lambda i: float("nan"))
    figure = f" {v[3]:.0f} | {d(3):+.0f} |" if own else ""
    print(f"| {m} | {v[2]:.2f} | {d(2):+.2f} |{figure} {v[4]:.2f} | {d(4):+.2f} | {v[5]:.0f} | {d(5):+.0f} |")
PY
