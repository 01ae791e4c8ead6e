#!/usr/bin/env bash
# The cost of the TCP probes (inet_sock_set_state, tcp_retransmit_skb, tcp_receive_reset, tcp_send_reset,
# inet_sk_error_report) on a loopback connect storm, rounds in ABBA order, median of per-round ratios:
#   base      nothing attached
#   attached  a recording runs (its probes attached, host-wide) but the storm is not followed: what every
#             other process on the host pays for the TCP probes
#   followed  the storm itself is recorded (connections followed, first sends captured)
# Usage (root): bench/tcp-overhead.sh [ROUNDS=8] [CONNECTS=40000]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-8}
connects=${2:-40000}
storm=$(mktemp -d)/connect-storm
cc -O2 -o "$storm" "$here/bench/connect-storm.c"
cg="$here/bin/changegraph"
# the storm (client and server) stays on CPU 0 in every variant: where the scheduler puts the two ends changes a
# loopback storm's rate more than the probes do (the recorder keeps itself on the last CPU)
pin="taskset -c 0"
run() { $pin "$storm" "$connects" | awk '{print $1}'; }
attached() {
  "$cg" record -o /tmp/tcp-bench-idle.json -- sleep 600 >/dev/null 2>&1 & local rec=$!
  sleep 6   # the recorder's probes are attached within a few seconds on a loaded machine
  run
  pkill -TERM -P "$rec" sleep 2>/dev/null || true
  wait "$rec" 2>/dev/null || true
}
followed() {
  "$cg" record -o /tmp/tcp-bench-storm.json -- $pin "$storm" "$connects" 2>/dev/null | awk '{print $1}'
}
run >/dev/null   # warm up
ratios_a=(); ratios_f=()
for r in $(seq "$rounds"); do
  if (( r % 2 )); then b1=$(run); a=$(attached); f=$(followed); b2=$(run)
  else a=$(attached); b1=$(run); b2=$(run); f=$(followed); fi
  base=$(echo "($b1 + $b2) / 2" | bc -l)
  ratios_a+=("$(echo "$a / $base" | bc -l)"); ratios_f+=("$(echo "$f / $base" | bc -l)")
  printf 'round %d: base %.3fs (%.0f connects/s) attached %.3fs followed %.3fs\n' "$r" "$base" \
    "$(echo "$connects / $base" | bc -l)" "$a" "$f"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
printf 'median time ratio, probes attached, storm not followed: %.3f\n' "$(median "${ratios_a[@]}")"
printf 'median time ratio, storm followed (recorded):          %.3f\n' "$(median "${ratios_f[@]}")"
