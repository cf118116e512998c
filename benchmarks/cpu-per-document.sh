#!/usr/bin/env bash
# CPU per document of the sample rewrite service, by thread group, for several agent configurations run interleaved
# round by round. On a shared 2-core machine, documents/s swings with the neighbours' load; the service's own CPU
# time per document (utime+stime of its threads, from /proc, over the measured window only) is steadier, and the
# per-thread split shows what the agent's threads (stallwatch-*, the SDK's exporters, JFR) and the JIT take.
#
#   benchmarks/cpu-per-document.sh <rounds> <label>=<JVM options> ...
#   e.g. benchmarks/cpu-per-document.sh 2 none= \
#          "sw=-javaagent:agent/target/stallwatch-agent.jar -Dstallwatch.blocks=BlockRewriter#rewriteBlock"
#
# The service and driver start as in benchmarks/sample-throughput.sh (simulated waits zero, 4 clients, exporters
# `none` unless the options say otherwise). Environment: WARMUP (15), MEASURE (20), JAVA (java).
# Prints one line per run, then a table of medians; raw per-thread numbers go to /tmp/ap/cpu-per-doc-<label>-<round>.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1; shift
java=${JAVA:-java}
warmup=${WARMUP:-15}
measure=${MEASURE:-20}
service=sample-app/target/rewrite-service-exec.jar
driver=sample-app/target/rewrite-service.jar
work=$(mktemp -d)
mkdir -p /tmp/ap
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
quiet="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
no_sleeps="--rewrite.provider.latency=0ms --rewrite.provider.slow-every=0 --rewrite.storage.transcript-write=0ms
  --rewrite.storage.archive-write=0ms --rewrite.storage.billing-write=0ms"

snapshot() { # pid -> lines "tid comm ticks"
  for t in /proc/"$1"/task/*; do
    local comm stat
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    echo "${t##*/} ${comm// /_} $(( f[11] + f[12] ))"
  done
}

run() { # label round options...
  local label=$1 round=$2; shift 2
  # shellcheck disable=SC2086
  "$java" $quiet "$@" -jar "$service" --server.port=0 $no_sleeps --logging.level.root=WARN \
    --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$work/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q "listening on" "$work/service.log" && break; sleep 0.2; done
  local url
  url=$(grep -o 'ws://[0-9.]*:[0-9]*/rewrite' "$work/service.log" | head -n 1)
  "$java" -cp "$driver" dev.stallwatch.sample.load.LoadDriver --url "$url" --clients 4 --max-documents 1000000000 \
    --warmup "${warmup}s" --duration "${measure}s" >"$work/load.txt" &
  local driver_pid=$!
  sleep "$warmup"
  snapshot "$pid" >"$work/before"
  sleep "$measure"
  snapshot "$pid" >"$work/after"
  wait "$driver_pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  python3 - "$label" "$round" "$work/before" "$work/after" "$work/load.txt" "$(getconf CLK_TCK)" <<'PY'
import collections, json, re, sys
label, rnd, before, after, load, hz = sys.argv[1:7]
hz = int(hz)
b = {l.split()[0]: int(l.split()[2]) for l in open(before)}
groups = collections.Counter()
for l in open(after):
    tid, comm, ticks = l.split()
    name = re.sub(r"\d+", "N", comm)
    if name.startswith("http-nio"): name = "http-nio (exec, poller, acceptor)"
    groups[name] += int(ticks) - b.get(tid, 0)
r = json.loads(next(x for x in open(load) if x.startswith("load-result "))[len("load-result "):])
docs = r["documents"]
total = sum(groups.values())
with open(f"/tmp/ap/cpu-per-doc-{label}-{rnd}", "w") as out:
    for g, t in groups.most_common():
        out.write(f"{g} {t} {1000.0 * t / hz / max(docs, 1):.4f}\n")
agent = sum(t for g, t in groups.items() if g.startswith("stallwatch") or g.startswith("JFR") or "Batch" in g
            or "OkHttp" in g or "Periodic" in g and "VM" not in g)
jit = sum(t for g, t in groups.items() if "CompilerThre" in g)
gc = sum(t for g, t in groups.items() if g.startswith("GC_Thread") or g.startswith("GN_") or "G1" in g)
ms = lambda t: 1000.0 * t / hz / max(docs, 1)
print(f"{label} {rnd} docs/s={r['documentsPerSecond']} p99={r['p99Millis']} cpu_ms/doc={ms(total):.3f} "
      f"app_ms/doc={ms(total - jit - gc - agent):.3f} jit={ms(jit):.3f} gc={ms(gc):.3f} agent_threads={ms(agent):.4f}",
      flush=True)
PY
}

for round in $(seq "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}; opts=${spec#*=}
    # shellcheck disable=SC2086
    run "$label" "$round" $opts
  done
done | tee "$work/all.txt"
python3 - "$work/all.txt" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for l in open(sys.argv[1]):
    p = l.split()
    rows[p[0]].append({k: float(v) for k, v in (x.split("=") for x in p[2:])})
keys = ["docs/s", "cpu_ms/doc", "app_ms/doc", "jit", "gc", "agent_threads"]
print("| mode | " + " | ".join(keys) + " |")
print("|---|" + "---:|" * len(keys))
for m, rs in rows.items():
    print(f"| {m} | " + " | ".join(f"{statistics.median(r[k] for r in rs):.3f}" for k in keys) + " |")
PY
