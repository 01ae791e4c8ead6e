#!/usr/bin/env bash
# The cost of the TCP probes (inet_sock_set_state, tcp_retransmit_skb, tcp_receive_reset, tcp_send_reset,
# inet_sk_error_report) on a loopback connect storm, four variants per round in a rotating order:
#   base      nothing attached
#   attached  a recording runs (its probes attached, host-wide) but the storm is not followed: what every
#             other process on the host pays for the recorder's probes
#   followed  the storm itself is recorded (connections followed, first sends captured)
#   netwatch  `changegraph netwatch` runs (the host-wide TCP camera), the storm is not recorded
# Prints, per round and as medians of the per-round ratios to base: the storm's wall time and its CPU time (both
# ends, user + system), and for attached and netwatch the TCP programs' own in-kernel time during the storm (the
# kernel's bpf stats, kernel.bpf_stats_enabled, turned on for the run: they add ~20-40 ns per call themselves)
# per connect and as a share of the storm's base CPU: on a loaded machine the wall ratios swing with the load, the
# in-kernel time much less. The target is <= 2 %. (The recorder's syscall programs run for every process too,
# but they count every other process's calls as well: tell them apart with the wall and CPU ratios.)
# Usage (root): bench/tcp-overhead.sh [ROUNDS=8] [CONNECTS=40000]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-8}
connects=${2:-40000}
tmp=$(mktemp -d /tmp/cg-tcpbench.XXXXXX)
storm=$tmp/connect-storm
cc -O2 -o "$storm" "$here/bench/connect-storm.c"
cg="$here/bin/changegraph"
old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$old_stats" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$tmp"' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled
# the storm (client and server) stays on CPU 0 in every variant: where the scheduler puts the two ends changes a
# loopback storm's rate more than the probes do (the recorder keeps itself on the last CPU); and it runs in a
# session of its own in every variant, as under `record` (a new session is a new scheduler autogroup, which on a
# loaded machine gets the storm a fair share of its own: comparing storms in different autogroups compares loads)
pin="setsid -w taskset -c 0"
# run time (ns) of the TCP programs a process holds open (their fdinfo has it while the stats are on; the
# names, from bpftool, tell the TCP programs from the syscall and process ones, which count every process's calls;
# all of netwatch's programs count, its DNS capture on every received packet too)
prog_ns() {
  local id ns sum=0
  while read -r id ns; do
    case $(bpftool prog show id "$id" 2>/dev/null | sed -n '1s/.* name \([^ ]*\).*/\1/p') in
      on_tcp_*|on_sk_*|nw_*) sum=$((sum + ns)) ;;
    esac
  done < <(awk '/^prog_id:/ {id = $2} /^run_time_ns:/ {ns[id] = $2} END {for (i in ns) print i, ns[i]}' \
    /proc/"$1"/fdinfo/* 2>/dev/null || true)
  echo "$sum"
}
# prints "seconds cpu-seconds bpf-ns" for one storm beside process $1 (whose programs are counted), or none
storm_beside() {
  local before after out
  before=$([ -n "$1" ] && prog_ns "$1" || echo 0)
  out=$($pin "$storm" "$connects")
  after=$([ -n "$1" ] && prog_ns "$1" || echo 0)
  echo "$(echo "$out" | awk '{print $1, $3}') $((after - before))"
}
# waits until process $1 holds at least $2 BPF links (its probes attached), at most 30 s
wait_attached() {
  for _ in $(seq 300); do
    [ "$( (grep -l '^link_id' /proc/"$1"/fdinfo/* 2>/dev/null || true) | wc -l)" -ge "$2" ] && { sleep 0.5; return 0; }
    sleep 0.1
  done
  echo "bench: process $1 did not attach its probes" >&2; cat "$tmp"/*.log >&2; return 1
}
base() { storm_beside ""; }
attached() {
  "$cg" record -o "$tmp/idle.json" -- sleep 600 >/dev/null 2>"$tmp/attached.log" & local rec=$!
  wait_attached "$rec" 10
  storm_beside "$rec"
  pkill -TERM -P "$rec" sleep 2>/dev/null || true
  wait "$rec" 2>/dev/null || true
}
netwatch() {
  "$cg" netwatch --json --interval 60m >/dev/null 2>&1 & local nw=$!
  wait_attached "$nw" 4   # 3 TCP programs and the DNS one (since netfix)
  storm_beside "$nw"
  kill -TERM "$nw" 2>/dev/null || true   # not INT: a background job of a script ignores SIGINT
  wait "$nw" 2>/dev/null || true
}
followed() {
  # the storm's own report, from inside the recording (its probes' time is in the storm's CPU here)
  "$cg" record -o "$tmp/storm.json" -- $pin "$storm" "$connects" 2>/dev/null | awk '{print $1, $3, 0}'
}
$pin "$storm" "$connects" >/dev/null   # warm up
variants=(base attached followed netwatch)
declare -A t c k
for r in $(seq "$rounds"); do
  for j in 0 1 2 3; do
    v=${variants[$(( (j + r) % 4 ))]}
    read -r t[$v,$r] c[$v,$r] k[$v,$r] < <($v)
  done
  printf 'round %d: base %.3fs (%.0f connects/s, cpu %.3fs) attached %.3fs (cpu %.3fs, TCP probes %.1f ms) followed %.3fs (cpu %.3fs) netwatch %.3fs (cpu %.3fs, TCP probes %.1f ms)\n' \
    "$r" "${t[base,$r]}" "$(echo "$connects / ${t[base,$r]}" | bc -l)" "${c[base,$r]}" "${t[attached,$r]}" "${c[attached,$r]}" \
    "$(echo "${k[attached,$r]} / 1000000" | bc -l)" "${t[followed,$r]}" "${c[followed,$r]}" "${t[netwatch,$r]}" "${c[netwatch,$r]}" \
    "$(echo "${k[netwatch,$r]} / 1000000" | bc -l)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $connects connects"
echo "base connects/s median: $(median $(for r in $(seq "$rounds"); do echo "$connects / ${t[base,$r]}" | bc -l; done) | xargs printf '%.0f')"
for v in attached followed netwatch; do
  wall=$(median $(for r in $(seq "$rounds"); do echo "${t[$v,$r]} / ${t[base,$r]}" | bc -l; done))
  cpu=$(median $(for r in $(seq "$rounds"); do echo "${c[$v,$r]} / ${c[base,$r]}" | bc -l; done))
  printf '%-9s median of per-round ratios to base: wall %.3f, storm cpu %.3f' "$v" "$wall" "$cpu"
  if [ "$v" != followed ]; then
    share=$(median $(for r in $(seq "$rounds"); do echo "${k[$v,$r]} / 1000000000 / ${c[base,$r]}" | bc -l; done))
    per=$(median $(for r in $(seq "$rounds"); do echo "${k[$v,$r]} / $connects" | bc -l; done))
    printf ', TCP probes in-kernel %.0f ns per connect, %.2f %% of the storm'"'"'s cpu (target <= 2 %%)' "$per" "$(echo "$share * 100" | bc -l)"
  fi
  echo
done
