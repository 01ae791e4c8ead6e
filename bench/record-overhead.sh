#!/usr/bin/env bash
# Overhead of `changegraph record` on the shared change-shaped workload, measured side by side:
# untraced, under changegraph, under strace -f, alternating, ROUNDS times. Prints medians, ratios,
# lost events, the recorder's CPU seconds and peak RSS, and how soon the probes were attached.
# Usage: sudo bench/record-overhead.sh [ROUNDS] (N=300 workload iterations by default)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
workload=${WORKLOAD:-$here/../shared/bench/workload.sh}
rounds=${1:-5}
export N=${N:-300}
[ -f "$workload" ] || { echo "bench: workload $workload not found (set WORKLOAD=...)" >&2; exit 2; }
command -v strace >/dev/null || { apt-get install -y -qq strace >/dev/null; }
[ -f "$here/controller/target/changegraph.jar" ] || "$here/scripts/build.sh"
tmp=$(mktemp -d /tmp/cg-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# the workload times itself, so each mode measures the same thing: the workload's own wall time
cat > "$tmp/timed.sh" <<EOT
#!/bin/bash
s=\$(date +%s%N); bash "$workload"; e=\$(date +%s%N); echo \$(( (e - s) / 1000000 )) > "\$1"
# the workload's own CPU seconds (user and system, its children included): steadier than wall time
times > "\$1.times"; tail -n 1 "\$1.times" | awk '{ split(\$1, u, /[ms]/); split(\$2, y, /[ms]/); printf "%d\\n", (u[1]*60+u[2]+y[1]*60+y[2])*1000 }' > "\$1.cpu"
EOT
chmod +x "$tmp/timed.sh"
"$here/bin/changegraph" --version >/dev/null   # warm the class-data archive once
declare -a plain traced straced lost cpu rss attach plaincpu tracedcpu
for i in $(seq 1 "$rounds"); do
  "$tmp/timed.sh" "$tmp/p"; plain+=("$(cat "$tmp/p")"); plaincpu+=("$(cat "$tmp/p.cpu")")
  CHANGEGRAPH_LOG=info "$here/bin/changegraph" record --status=false -o "$tmp/g.json" -- "$tmp/timed.sh" "$tmp/t" 2> "$tmp/log"
  traced+=("$(cat "$tmp/t")"); tracedcpu+=("$(cat "$tmp/t.cpu")")
  lost+=("$(python3 -c "import json,sys; s=json.load(open('$tmp/g.json'))['stats']; print(s['lost_kernel']+s['dropped_user'])")")
  cpu+=("$(sed -n 's/.*recorder usage: cpu \([0-9]*\) ms.*/\1/p' "$tmp/log")")
  rss+=("$(sed -n 's/.*peak rss \([0-9]*\) kB.*/\1/p' "$tmp/log")")
  attach+=("$(sed -n 's/.*(\([0-9]*\) ms after the process started).*/\1/p' "$tmp/log")")
  strace -f -qq -o /dev/null "$tmp/timed.sh" "$tmp/s"; straced+=("$(cat "$tmp/s")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mp=$(median "${plain[@]}"); mt=$(median "${traced[@]}"); ms=$(median "${straced[@]}")
echo "workload: $workload N=$N, $rounds rounds (alternating)"
echo "untraced      ms: ${plain[*]}  median $mp"
echo "changegraph   ms: ${traced[*]}  median $mt"
echo "strace -f     ms: ${straced[*]}  median $ms"
awk -v t="$mt" -v p="$mp" -v s="$ms" 'BEGIN { printf "ratio changegraph/untraced: %.3f (target <= 1.10)\nratio strace/untraced:      %.3f\n", t/p, s/p }'
# rounds alternate, so a round's two runs share the machine's mood: the median of per-round ratios
# is steadier than the ratio of medians when other tenants come and go
paired=$(for i in "${!plain[@]}"; do awk -v t="${traced[$i]}" -v p="${plain[$i]}" 'BEGIN { printf "%.3f\n", t/p }'; done)
echo "per-round ratios changegraph/untraced: $(echo $paired)  median $(median $paired)"
# a 10% target cannot be judged when the untraced runs alone spread wider than that
spread=$(printf '%s\n' "${plain[@]}" | sort -n | awk '{a[NR]=$1} END { q1=a[int((NR+3)/4)]; q3=a[int((3*NR+1)/4)]; m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); printf "%.3f", (q3-q1)/m }')
echo "untraced spread (interquartile range / median): $spread$(awk -v s="$spread" 'BEGIN { if (s > 0.10) print "  -- the machine is too noisy to judge a 10% target: rerun when it is quieter, or with more rounds" }')"
echo "workload cpu ms untraced: ${plaincpu[*]}  median $(median "${plaincpu[@]}")"
echo "workload cpu ms traced:   ${tracedcpu[*]}  median $(median "${tracedcpu[@]}")"
awk -v t="$(median "${tracedcpu[@]}")" -v p="$(median "${plaincpu[@]}")" 'BEGIN { printf "ratio workload cpu traced/untraced: %.3f (in-kernel cost of the probes)\n", t/p }'
echo "lost events per run: ${lost[*]} (target 0)"
echo "recorder cpu s: $(printf '%s\n' "${cpu[@]}" | awk '{ printf "%.2f ", $1 / 1000 }') median $(median "${cpu[@]}" | awk '{ printf "%.2f", $1 / 1000 }') (user+system, start to written graph)"
echo "recorder peak rss kB: ${rss[*]}  median $(median "${rss[@]}") (target <= 131072)"
echo "probes attached after start ms: ${attach[*]}  median $(median "${attach[@]}") (target <= 1000)"
