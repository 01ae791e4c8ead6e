#!/usr/bin/env bash
# The cost of the recorder's TCP probes (inet_sock_set_state, tcp_retransmit_skb, tcp_receive_reset,
# tcp_send_reset, inet_sk_error_report) on a loopback connect storm, three variants per round in a rotating order:
#   base      nothing attached
#   attached  a recording runs (its probes attached, host-wide) but the storm is not followed: what every
#             other process on the host pays for the recorder's probes
#   followed  the storm itself is recorded (connections followed, first sends captured)
# Prints, per round and as medians of the per-round ratios to base: the storm's wall time and its CPU time (both
# ends, user + system), measured with the kernel's bpf stats off; and for attached the TCP programs' own
# in-kernel time, from a second storm with the stats on (kernel.bpf_stats_enabled: they add ~20-40 ns per call
# themselves, so this is an upper bound), per connect and as a share of the storm's base CPU: on a loaded machine
# the wall ratios swing with the load, the in-kernel time much less. The target is <= 2 %. (The recorder's
# syscall programs run for every process too, but they count every other process's calls as well: tell them
# apart with the wall and CPU ratios.) netwatch, the host-wide camera, has its own: bench/netwatch-overhead.sh.
# Usage (root): bench/tcp-overhead.sh [ROUNDS=8] [CONNECTS=40000]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-8}
connects=${2:-40000}
tmp=$(mktemp -d /tmp/cg-tcpbench.XXXXXX)
. "$here/bench/tcp-common.sh"
cg="$here/bin/changegraph"
trap 'bpf_stats_restore; rm -rf "$tmp"' EXIT
base() { storm_beside ""; }
attached() {
  "$cg" record -o "$tmp/idle.json" -- sleep 600 >/dev/null 2>"$tmp/attached.log" & local rec=$!
  wait_attached "$rec" 10
  storm_beside "$rec"
  pkill -TERM -P "$rec" sleep 2>/dev/null || true
  wait "$rec" 2>/dev/null || true
}
followed() {
  # the storm's own report, from inside the recording (its probes' time is in the storm's CPU here)
  "$cg" record -o "$tmp/storm.json" -- $pin "$storm" "$connects" 2>/dev/null | awk '{print $1, $3, 0}'
}
$pin "$storm" "$connects" >/dev/null   # warm up
variants=(base attached followed)
declare -A t c k
for r in $(seq "$rounds"); do
  for j in 0 1 2; do
    v=${variants[$(( (j + r) % 3 ))]}
    read -r t[$v,$r] c[$v,$r] k[$v,$r] < <($v)
  done
  printf 'round %d: base %.3fs (%.0f connects/s, cpu %.3fs) attached %.3fs (cpu %.3fs, TCP probes %.1f ms) followed %.3fs (cpu %.3fs)\n' \
    "$r" "${t[base,$r]}" "$(echo "$connects / ${t[base,$r]}" | bc -l)" "${c[base,$r]}" "${t[attached,$r]}" "${c[attached,$r]}" \
    "$(echo "${k[attached,$r]} / 1000000" | bc -l)" "${t[followed,$r]}" "${c[followed,$r]}"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $connects connects"
echo "base connects/s median: $(median $(for r in $(seq "$rounds"); do echo "$connects / ${t[base,$r]}" | bc -l; done) | xargs printf '%.0f')"
for v in attached followed; do
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
