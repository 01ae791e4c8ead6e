#!/usr/bin/env bash
# The cost of `changegraph netwatch`, the host-wide TCP camera (every process on the host pays it), side by side
# with nothing running, on two loads per round, netwatch first in every other round:
#   the shared change workload (WORKLOAD, N iterations, as bench/record-overhead.sh): its wall and CPU time
#   a loopback connect storm (CONNECTS connects, each closed with SO_LINGER 0, so each one is an anomaly — a
#   reset sent — that netwatch sums in the kernel): its wall and CPU time, both ends
# both timed with the kernel's bpf stats off. Then, with netwatch still running, one more storm with the stats on
# gives netwatch's programs' own in-kernel time per connect (an upper bound: the stats' two clock reads per call
# are in it), and netwatch's own CPU (user space: draining the sums, ~5 times a second) during the storms. A
# third storm beside programs that return at once on the same four tracepoints (bench/bpf-floor.bpf.c, loaded by
# bench/bpf-attach.c) measures that floor — a call's cost with no work, the stats included — so the difference is
# the work netwatch's programs do. With perf installed, one storm more per variant runs under `perf record` on
# CPU 0 (no bpf stats: sampled, so nothing is added to a call): the share of the storm's samples in the BPF
# programs and the kernel's code that runs them (bpf_trace_run*, __traceiter_*, BPF helpers and maps), netwatch
# minus base — the in-kernel cost without the stats' distortion. Prints medians of the per-round ratios.
# Target: <= 2 % (ratios <= 1.02).
# Usage (root): bench/netwatch-overhead.sh [ROUNDS=10] [CONNECTS=40000]   (needs bpftool, cc; WORKLOAD=path)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
connects=${2:-40000}
workload=${WORKLOAD:-$here/../shared/bench/workload.sh}
export N=${N:-100}
[ -f "$workload" ] || { echo "bench: workload $workload not found (set WORKLOAD=...)" >&2; exit 2; }
[ -f "$here/controller/target/changegraph.jar" ] || "$here/scripts/build.sh"
# another netwatch (the agent's, a leftover one) would be in every variant, base included: refuse
if bpftool prog list 2>/dev/null | grep -qE 'name (nw_|floor_)'; then
  echo "bench: netwatch programs are already attached (pids: $(pgrep -f 'changegraph.*netwatch|bpf-attach' | xargs)): stop them first" >&2
  exit 2
fi
tmp=$(mktemp -d /tmp/cg-nwbench.XXXXXX)
. "$here/bench/tcp-common.sh"
cg="$here/bin/changegraph"
clang -O2 -g -target bpf -I"/usr/include/$(gcc -print-multiarch)" -c "$here/bench/bpf-floor.bpf.c" -o "$tmp/floor.o"
cc -O2 -o "$tmp/bpf-attach" "$here/bench/bpf-attach.c" -lbpf
nw=
trap '[ -n "$nw" ] && kill -KILL "$nw" 2>/dev/null; bpf_stats_restore; rm -rf "$tmp"' EXIT
# the workload deletes ~500 files per run: start each run from written-out, dropped caches and a warm shell (see
# bench/record-overhead.sh, which found ext4's recently-deleted inodes slowing whichever run came second)
timed_workload() {   # prints "wall-ms cpu-ms" of one workload run
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; N=3 bash "$workload" >/dev/null
  ( s=$(date +%s%N); bash "$workload" >/dev/null; e=$(date +%s%N); times > "$tmp/times"   # children: line 2
    tail -n 1 "$tmp/times" | awk -v ms=$(( (e - s) / 1000000 )) '{ split($1, u, /[ms]/); split($2, y, /[ms]/);
      printf "%d %d\n", ms, (u[1]*60+u[2]+y[1]*60+y[2])*1000 }' )
}
start_netwatch() {
  "$cg" netwatch --json --interval 60m >"$tmp/nw.out" 2>"$tmp/nw.log" & nw=$!
  wait_attached "$nw" 4   # 3 TCP programs and the DNS one
  $pin "$storm" 5000 >/dev/null   # its draining code compiled, as in a netwatch that has been running a while
  wait_calm "$nw"
}
stop_netwatch() {
  kill -TERM "$nw" 2>/dev/null || true   # not INT: a background job of a script ignores SIGINT
  for _ in $(seq 100); do kill -0 "$nw" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$nw" 2>/dev/null || true     # never left running into the next variant
  wait "$nw" 2>/dev/null || true
  nw=
}
declare -A st sc wt wc k nc f ps
# percent of a storm's CPU-0 samples in BPF programs and the code that runs them (perf), or "-" without perf
bpf_sampled() {
  command -v perf >/dev/null || { echo -; return; }
  perf record -q -F 4999 -C 0 -o "$tmp/perf.data" -- $pin "$storm" "$connects" >/dev/null 2>&1
  perf report -i "$tmp/perf.data" --no-children --sort sym -q --percentage relative --comm connect-storm 2>/dev/null | awk '
    $3 ~ /^(bpf_prog_|bpf_trace_run|__bpf_trace_|__traceiter_|bpf_get_current|bpf_jiffies|bpf_ktime|bpf_probe_read|bpf_ringbuf|__bpf_ringbuf|htab_|__htab_|lookup_nulls_elem_raw|bpf_map_|__bpf_prog_)/ { sub(/%/, "", $1); s += $1 }
    END { printf "%.3f\n", s }'
}
floored() {   # the floor's in-kernel ns during one storm with the stats on
  local loader before after
  "$tmp/bpf-attach" "$tmp/floor.o" > "$tmp/floor.out" & loader=$!
  for _ in $(seq 100); do grep -q attached "$tmp/floor.out" && break; sleep 0.1; done
  echo 1 > /proc/sys/kernel/bpf_stats_enabled
  before=$(prog_ns "$loader")
  $pin "$storm" "$connects" >/dev/null
  after=$(prog_ns "$loader")
  echo 0 > /proc/sys/kernel/bpf_stats_enabled
  kill "$loader"; wait "$loader" 2>/dev/null || true
  f[$1]=$((after - before))
}
base() {
  read -r st[base,$1] sc[base,$1] _ < <(storm_beside "")
  ps[base,$1]=$(bpf_sampled)
  read -r wt[base,$1] wc[base,$1] < <(timed_workload)
}
watched() {
  local before after
  start_netwatch
  before=$(proc_cpu_ticks "$nw")
  read -r st[nw,$1] sc[nw,$1] k[nw,$1] < <(storm_beside "$nw")
  after=$(proc_cpu_ticks "$nw")
  ps[nw,$1]=$(bpf_sampled)
  nc[nw,$1]=$(( (after - before) * 1000 / $(getconf CLK_TCK) ))   # ms, over the timed and the stats storm
  read -r wt[nw,$1] wc[nw,$1] < <(timed_workload)
  stop_netwatch
}
$pin "$storm" "$connects" >/dev/null   # warm up
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then base "$r"; watched "$r"; else watched "$r"; base "$r"; fi
  floored "$r"
  printf 'round %d: sampled BPF share base %s %%, netwatch %s %%\n' "$r" "${ps[base,$r]}" "${ps[nw,$r]}"
  printf 'round %d: storm base %.3fs (%.0f connects/s, cpu %.3fs) netwatch %.3fs (cpu %.3fs; its programs %.1f ms, the floor %.1f ms, its own cpu %d ms over two storms) | workload base %d ms (cpu %d) netwatch %d ms (cpu %d)\n' \
    "$r" "${st[base,$r]}" "$(echo "$connects / ${st[base,$r]}" | bc -l)" "${sc[base,$r]}" "${st[nw,$r]}" "${sc[nw,$r]}" \
    "$(echo "${k[nw,$r]} / 1000000" | bc -l)" "$(echo "${f[$r]} / 1000000" | bc -l)" "${nc[nw,$r]}" "${wt[base,$r]}" "${wc[base,$r]}" "${wt[nw,$r]}" "${wc[nw,$r]}"
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds; storm $connects connects; workload $workload N=$N"
echo "storm base connects/s median: $(median $(for r in $(seq "$rounds"); do echo "$connects / ${st[base,$r]}" | bc -l; done) | xargs printf '%.0f')"
printf 'storm    netwatch/base, median of per-round ratios: wall %.3f, cpu %.3f (target <= 1.02)\n' \
  "$(median $(for r in $(seq "$rounds"); do echo "${st[nw,$r]} / ${st[base,$r]}" | bc -l; done))" \
  "$(median $(for r in $(seq "$rounds"); do echo "${sc[nw,$r]} / ${sc[base,$r]}" | bc -l; done))"
printf 'workload netwatch/base, median of per-round ratios: wall %.3f, cpu %.3f (target <= 1.02)\n' \
  "$(median $(for r in $(seq "$rounds"); do echo "${wt[nw,$r]} / ${wt[base,$r]}" | bc -l; done))" \
  "$(median $(for r in $(seq "$rounds"); do echo "${wc[nw,$r]} / ${wc[base,$r]}" | bc -l; done))"
printf "netwatch's programs in the kernel (bpf stats on): %.0f ns per connect, %.2f %% of the storm's base cpu (median)\n" \
  "$(median $(for r in $(seq "$rounds"); do echo "${k[nw,$r]} / $connects" | bc -l; done))" \
  "$(median $(for r in $(seq "$rounds"); do echo "${k[nw,$r]} / 10000000 / ${sc[base,$r]}" | bc -l; done))"
printf "the floor (empty programs, same tracepoints, stats on): %.0f ns per connect; netwatch's work beyond it: %.0f ns per connect, %.2f %% of the storm's base cpu (medians)\n" \
  "$(median $(for r in $(seq "$rounds"); do echo "${f[$r]} / $connects" | bc -l; done))" \
  "$(median $(for r in $(seq "$rounds"); do echo "(${k[nw,$r]} - ${f[$r]}) / $connects" | bc -l; done))" \
  "$(median $(for r in $(seq "$rounds"); do echo "(${k[nw,$r]} - ${f[$r]}) / 10000000 / ${sc[base,$r]}" | bc -l; done))"
if [ "${ps[base,1]}" != - ]; then
  printf "sampled (perf, no bpf stats): BPF and the code running it, netwatch minus base: %.2f %% of the storm's cpu samples (median; base alone %.2f %%)\n" \
    "$(median $(for r in $(seq "$rounds"); do echo "${ps[nw,$r]} - ${ps[base,$r]}" | bc -l; done))" \
    "$(median $(for r in $(seq "$rounds"); do echo "${ps[base,$r]}"; done))"
fi
printf "netwatch's own cpu (user space and its syscalls) during the storms: %.2f %% of the storms' cpu (median; the storms run on CPU 0, netwatch anywhere)\n" \
  "$(median $(for r in $(seq "$rounds"); do echo "${nc[nw,$r]} / 10 / (${sc[nw,$r]} * 2)" | bc -l; done))"
