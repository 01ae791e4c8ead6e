#!/usr/bin/env bash
# The cost of `changegraph netwatch`, the host-wide TCP camera (every process on the host pays it), side by side
# with nothing running, in two parts. Target: <= 2 % (ratios <= 1.02). Prints medians of per-round ratios.
#
# 1. netwatch's BPF programs alone, switched on and off between every storm (bench/bpf-toggle.c holds them
#    loaded and attaches one set at a time: no JVM start between variants, so hundreds of short rounds fit and the
#    machine's slow drifts cancel): per round, in random order, a loopback connect storm (CONNECTS/8 connects,
#    both ends on CPU 0) with nothing, with netwatch's programs and with programs that return at once on the same
#    hooks (bench/bpf-floor.bpf.c: the cost of being called at all). Two storms (bench/connect-storm.c):
#      graceful  healthy connections closed with a FIN (in a network namespace without TIME_WAIT): the target
#      abortive  every connection closed with SO_LINGER 0, so each one is an anomaly netwatch sums (a reset
#                sent): its worst case
#    1b: its user space alone, the same way: `changegraph netwatch` running, stopped (SIGSTOP) and continued
#    between every storm, its programs attached throughout.
# 2. End to end, `changegraph netwatch --json` itself (its user space draining the sums too), started per round
#    and timed once it is calm, as a camera that is left on runs: per round a block of storms with it running and a
#    block without (alternating which comes first), each block BLOCK short storms (CONNECTS/8 connects) of both
#    kinds in turn and the shared change workload (WORKLOAD, N iterations, as bench/record-overhead.sh), timed with
#    the kernel's bpf stats off; a round's ratio is the median storm's with it over the median storm's without
#    (this VM has bursts of ~25 % lasting a second or more: one 40,000-connect storm per variant swung 0.92-1.23
#    per round; a block's median is not moved by the shorter bursts). Then, with it still running, one storm of each kind with the stats on
#    gives its programs' in-kernel time per connect (the stats' two clock reads per call included), and its own
#    CPU during its block.
# Usage (root): bench/netwatch-overhead.sh [ROUNDS=10] [CONNECTS=40000] [FAST_ROUNDS=200]   (FAST_ROUNDS=0: part 2 only)
#   (needs bpftool, clang, cc, libbpf-dev; WORKLOAD=path, BLOCK=8 storms per block)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
connects=${2:-40000}
fast_rounds=${3:-200}
workload=${WORKLOAD:-$here/../shared/bench/workload.sh}
export N=${N:-100}
block=${BLOCK:-8}
[ -f "$workload" ] || { echo "bench: workload $workload not found (set WORKLOAD=...)" >&2; exit 2; }
[ -f "$here/controller/target/changegraph.jar" ] || "$here/scripts/build.sh"
# another netwatch (the agent's, a leftover one) would be in every variant, base included: refuse
if bpftool prog list 2>/dev/null | grep -qE 'name (nw_|floor_)'; then
  echo "bench: netwatch programs are already attached (pids: $(pgrep -f 'changegraph.*netwatch|bpf-toggle' | xargs)): stop them first" >&2
  exit 2
fi
tmp=$(mktemp -d /tmp/cg-nwbench.XXXXXX)
. "$here/bench/tcp-common.sh"
cg="$here/bin/changegraph"
clang -O2 -g -target bpf -I"/usr/include/$(gcc -print-multiarch)" -c "$here/bench/bpf-floor.bpf.c" -o "$tmp/floor.o"
cc -O2 -o "$tmp/bpf-toggle" "$here/bench/bpf-toggle.c" -lbpf
cgroup2=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
[ -n "$cgroup2" ] || { echo "bench: no cgroup2 file system mounted (netwatch's connect hooks need one)" >&2; exit 2; }
nwobj=$here/probes/target/classes/io/changegraph/probes/netwatch.bpf.o
[ -f "$nwobj" ] || { echo "bench: $nwobj missing: build first (scripts/build.sh)" >&2; exit 2; }
nw=
# (set -e holds in a trap too: every command in it must succeed, or the rest is skipped)
trap '[ -z "$nw" ] || kill -KILL "$nw" 2>/dev/null || true; bpf_stats_restore; rm -rf "$tmp"' EXIT
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
  wait_attached "$nw" 6   # 2 connect hooks, 3 TCP error paths and the DNS program
  # its draining code compiled and both storms' paths warm, as in a netwatch that has been running a while
  $pin "$storm" 5000 >/dev/null; $pin "$storm" 5000 graceful >/dev/null
  wait_calm "$nw"
}
stop_netwatch() {
  kill -TERM "$nw" 2>/dev/null || true   # not INT: a background job of a script ignores SIGINT
  for _ in $(seq 100); do kill -0 "$nw" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$nw" 2>/dev/null || true     # never left running into the next variant
  wait "$nw" 2>/dev/null || true
  nw=
}
short=$((connects / 8))
quartiles() {   # "median (q1-q3)" of the values given
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "%.3f (%.3f-%.3f)", (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2, v[int(NR/4)+1], v[int(3*NR/4)+1]}'
}
fast_summary="(parts 1 and 1b skipped: FAST_ROUNDS=0)"; user_summary=
if [ "$fast_rounds" -gt 0 ]; then
# --- 1. netwatch's programs alone, switched between every storm ------------------------------------------------
coproc TOGGLE { "$tmp/bpf-toggle" "$cgroup2" "$nwobj" "$tmp/floor.o"; }
toggle=$TOGGLE_PID
trap '[ -z "$nw" ] || kill -KILL "$nw" 2>/dev/null || true; kill "$toggle" 2>/dev/null || true; bpf_stats_restore; rm -rf "$tmp"' EXIT
attach_set() {   # 0: nothing attached, 1: netwatch's programs, 2: the floor
  local ack
  echo "$1" >&"${TOGGLE[1]}"
  read -r ack <&"${TOGGLE[0]}" || { echo "bench: bpf-toggle failed" >&2; exit 2; }
}

declare -A fw fc
for mode in graceful abortive; do
  $pin "$storm" "$short" "$mode" >/dev/null   # warm up
  for r in $(seq "$fast_rounds"); do
    for v in $(shuf -e 0 1 2); do
      attach_set "$v"
      read -r fw[$mode,$v,$r] _ fc[$mode,$v,$r] < <($pin "$storm" "$short" "$mode")
    done
  done
  attach_set 0
done
kill "$toggle" 2>/dev/null || true; wait "$toggle" 2>/dev/null || true
fast_summary=$(for mode in graceful abortive; do
  for v in 1 2; do
    name=$([ "$v" = 1 ] && echo "netwatch's programs" || echo "the floor (empty programs, same hooks)")
    printf '%-8s storm, %-38s vs nothing, median (quartiles) of %d rounds: wall %s, cpu %s\n' "$mode" "$name" "$fast_rounds" \
      "$(quartiles $(for r in $(seq "$fast_rounds"); do echo "${fw[$mode,$v,$r]} / ${fw[$mode,0,$r]}" | bc -l; done))" \
      "$(quartiles $(for r in $(seq "$fast_rounds"); do echo "${fc[$mode,$v,$r]} / ${fc[$mode,0,$r]}" | bc -l; done))"
  done
done)
echo "$fast_summary"

# --- 1b. netwatch's user space alone: the running camera stopped (SIGSTOP: its programs stay attached, nothing
# drains) and continued (SIGCONT: it drains what piled up) between every storm ------------------------------------
start_netwatch
declare -A uw
for mode in graceful abortive; do
  for r in $(seq "$fast_rounds"); do
    for v in $(shuf -e STOP CONT); do
      kill -"$v" "$nw"; sleep 0.05
      read -r uw[$mode,$v,$r] _ < <($pin "$storm" "$short" "$mode")
    done
  done
done
kill -CONT "$nw"
stop_netwatch
user_summary=$(for mode in graceful abortive; do
  printf '%-8s storm, netwatch running vs stopped (its programs attached in both), median (quartiles) of %d rounds: wall %s\n' \
    "$mode" "$fast_rounds" "$(quartiles $(for r in $(seq "$fast_rounds"); do echo "${uw[$mode,CONT,$r]} / ${uw[$mode,STOP,$r]}" | bc -l; done))"
done)
echo "$user_summary"
fi

# --- 2. end to end: changegraph netwatch started per round, timed once calm, blocks of short storms -----------------
declare -A st sc k wt wc nc
storm_block() {   # runs $block storms of each kind in turn; sets bs[g|a] and bc[g|a]: median seconds and cpu-seconds
  local i m w c
  declare -gA bs bc
  local -A ws cs
  for i in $(seq "$block"); do
    for m in graceful abortive; do
      read -r w _ c < <($pin "$storm" "$short" "$m")
      ws[$m]+=" $w"; cs[$m]+=" $c"
    done
  done
  bs[g]=$(median ${ws[graceful]}); bc[g]=$(median ${cs[graceful]})
  bs[a]=$(median ${ws[abortive]}); bc[a]=$(median ${cs[abortive]})
}
base() {
  storm_block
  st[base,g,$1]=${bs[g]}; sc[base,g,$1]=${bc[g]}; st[base,a,$1]=${bs[a]}; sc[base,a,$1]=${bc[a]}
  read -r wt[base,$1] wc[base,$1] < <(timed_workload)
}
watched() {
  local before after
  start_netwatch
  before=$(proc_cpu_ticks "$nw")
  storm_block
  after=$(proc_cpu_ticks "$nw")
  st[nw,g,$1]=${bs[g]}; sc[nw,g,$1]=${bc[g]}; st[nw,a,$1]=${bs[a]}; sc[nw,a,$1]=${bc[a]}
  nc[nw,$1]=$(( (after - before) * 1000 / $(getconf CLK_TCK) ))   # ms, over its block of storms
  k[nw,g,$1]=$(stats_ns "$nw" "$short" graceful); k[nw,a,$1]=$(stats_ns "$nw" "$short" abortive)
  read -r wt[nw,$1] wc[nw,$1] < <(timed_workload)
  stop_netwatch
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then base "$r"; watched "$r"; else watched "$r"; base "$r"; fi
  printf 'round %d: median storm: graceful base %.4fs netwatch %.4fs (its programs %.0f ns/connect) | abortive base %.4fs netwatch %.4fs (its programs %.0f ns/connect) | its own cpu %d ms over its block | workload base %d ms (cpu %d) netwatch %d ms (cpu %d)\n' \
    "$r" "${st[base,g,$r]}" "${st[nw,g,$r]}" "$(echo "${k[nw,g,$r]} / $short" | bc -l)" "${st[base,a,$r]}" "${st[nw,a,$r]}" \
    "$(echo "${k[nw,a,$r]} / $short" | bc -l)" "${nc[nw,$r]}" "${wt[base,$r]}" "${wc[base,$r]}" "${wt[nw,$r]}" "${wc[nw,$r]}"
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds end to end ($block storms of each kind per block), $fast_rounds switched; storms of $short connects; workload $workload N=$N"
echo "storm base connects/s median: graceful $(median $(for r in $(seq "$rounds"); do echo "$short / ${st[base,g,$r]}" | bc -l; done) | xargs printf '%.0f'), abortive $(median $(for r in $(seq "$rounds"); do echo "$short / ${st[base,a,$r]}" | bc -l; done) | xargs printf '%.0f')"
echo "$fast_summary"
[ -z "$user_summary" ] || echo "$user_summary"
for m in g a; do
  printf '%-8s storm, changegraph netwatch (running, calm) vs nothing, median (quartiles) of per-round ratios: wall %s, cpu %s (target <= 1.02)\n' \
    "$([ $m = g ] && echo graceful || echo abortive)" \
    "$(quartiles $(for r in $(seq "$rounds"); do echo "${st[nw,$m,$r]} / ${st[base,$m,$r]}" | bc -l; done))" \
    "$(quartiles $(for r in $(seq "$rounds"); do echo "${sc[nw,$m,$r]} / ${sc[base,$m,$r]}" | bc -l; done))"
  printf "         netwatch's programs in the kernel (bpf stats on): %.0f ns per connect, %.2f %% of the storm's base cpu (median)\n" \
    "$(median $(for r in $(seq "$rounds"); do echo "${k[nw,$m,$r]} / $short" | bc -l; done))" \
    "$(median $(for r in $(seq "$rounds"); do echo "${k[nw,$m,$r]} / 10000000 / ${sc[base,$m,$r]}" | bc -l; done))"
done
printf 'workload changegraph netwatch vs nothing, median (quartiles) of per-round ratios: wall %s, cpu %s (target <= 1.02)\n' \
  "$(quartiles $(for r in $(seq "$rounds"); do echo "${wt[nw,$r]} / ${wt[base,$r]}" | bc -l; done))" \
  "$(quartiles $(for r in $(seq "$rounds"); do echo "${wc[nw,$r]} / ${wc[base,$r]}" | bc -l; done))"
printf "netwatch's own cpu (user space and its syscalls) during its block of storms: %.2f %% of the storms' cpu (median; the storms run on CPU 0, netwatch anywhere)\n" \
  "$(median $(for r in $(seq "$rounds"); do echo "${nc[nw,$r]} / 10 / ($block * (${sc[nw,g,$r]} + ${sc[nw,a,$r]}))" | bc -l; done))"
