#!/usr/bin/env bash
# usage: fixedwork.sh label N [jvm opts]
set -euo pipefail
label=$1; n=$2; shift 2
cd /work/main
work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
no_sleeps="--rewrite.provider.latency=0ms --rewrite.provider.slow-every=0 --rewrite.storage.transcript-write=0ms --rewrite.storage.archive-write=0ms --rewrite.storage.billing-write=0ms"
java "$@" -jar sample-app/target/rewrite-service-exec.jar --server.port=0 $no_sleeps --logging.level.root=WARN --logging.level.dev.stallwatch.sample.rewrite.RewriteServiceApplication=INFO >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/service.log" && break; sleep 0.2; done
url=$(grep -o 'ws://[0-9.]*:[0-9]*/rewrite' "$work/service.log" | head -n 1)
start=$(date +%s.%N)
java -cp sample-app/target/rewrite-service.jar dev.stallwatch.sample.load.LoadDriver --url "$url" --clients 4 --warmup 0s --duration 600s --max-documents "$n" > "$work/load.txt"
end=$(date +%s.%N)
jitt=0; app=0
for t in /proc/$pid/task/*; do
  comm=$(cat $t/comm 2>/dev/null) || continue
  st=$(sed 's/.*) //' $t/stat 2>/dev/null) || continue
  read -r -a f <<<"$st"; ticks=$(( f[11] + f[12] ))
  case $comm in C1*|C2*) jitt=$((jitt + ticks));; http-nio*|provider-call*) app=$((app + ticks));; esac
done
hz=$(getconf CLK_TCK)
# The whole process, threads that have ended included.
read -r -a p < <(sed 's/.*) //' /proc/$pid/stat)
cpu=$(( p[11] + p[12] ))
kill $pid; wait $pid 2>/dev/null || true
echo "$label docs=$n wall=$(python3 -c "print(round($end-$start,1))") cpu_s=$(python3 -c "print($cpu/$hz)") jit_s=$(python3 -c "print($jitt/$hz)") app_s=$(python3 -c "print($app/$hz)") load=$(cut -d' ' -f1 /proc/loadavg)"
