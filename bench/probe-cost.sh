#!/usr/bin/env bash
# In-kernel cost of the recorder's BPF programs on the shared workload, per program, measured by the kernel
# itself (kernel.bpf_stats_enabled: run time and run count per program), so other load on the machine changes
# it far less than wall times. Several builds side by side, alternating, ROUNDS times:
#   bench/probe-cost.sh [ROUNDS=6] [CHECKOUT...]   (default: this checkout; each CHECKOUT built, bin/changegraph)
# Prints per build and program the median calls and ns per call, and the median total ms per run.
# Needs root and bpftool. The stats switch is turned on for the run and restored after it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-6}
shift || true
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("$here")
workload=${WORKLOAD:-$here/../shared/bench/workload.sh}
export N=${N:-300}
command -v bpftool >/dev/null || { echo "bench: bpftool not found (apt-get install bpftool)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/cg-probecost.XXXXXX)
old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$old_stats" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$tmp"' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled
# runs the workload, then (still recorded, the programs still loaded) dumps the stats of the programs the
# recorder (this script's parent) holds open: other recordings on the machine are not counted
cat > "$tmp/cmd.sh" <<EOT
#!/bin/bash
bash "$workload" >/dev/null
for f in /proc/\$PPID/fdinfo/*; do sed -n 's/^prog_id:[[:space:]]*//p' "\$f"; done | sort -un | while read -r id; do
  bpftool prog show id "\$id" --json
done > "\$1"
EOT
chmod +x "$tmp/cmd.sh"
for r in $(seq "$rounds"); do
  for k in "${!builds[@]}"; do
    # rotate the order so no build always runs first
    b=${builds[$(( (k + r) % ${#builds[@]} ))]}
    i=$(( (k + r) % ${#builds[@]} ))
    sync; echo 3 > /proc/sys/vm/drop_caches; N=3 bash "$workload" >/dev/null
    "$b/bin/changegraph" record --status=false -o "$tmp/g.json" -- "$tmp/cmd.sh" "$tmp/stats.$i.$r" 2>/dev/null || true
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds; workload $workload N=$N"
for i in "${!builds[@]}"; do
  echo "build $i: ${builds[$i]} ($(git -C "${builds[$i]}" rev-parse --short HEAD 2>/dev/null))"
  python3 - "$tmp"/stats.$i.* <<'PY'
import json, statistics, sys
dec = json.JSONDecoder(); runs = {}; per_run = []
for path in sys.argv[1:]:
    text = open(path).read(); pos = 0; total = 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace(): pos += 1
        if pos >= len(text): break
        p, pos = dec.raw_decode(text, pos)
        runs.setdefault(p["name"], []).append((p.get("run_cnt", 0), p.get("run_time_ns", 0)))
        total += p.get("run_time_ns", 0)
    per_run.append(total)
for name in sorted(runs):
    calls = statistics.median(c for c, _ in runs[name]); ns = statistics.median(t for _, t in runs[name])
    print("  %-22s calls %9d  ns/call %6.0f  ms %7.1f" % (name, calls, ns / calls if calls else 0, ns / 1e6))
print("  total ms per run: %s  median %.1f" % (" ".join("%.1f" % (t / 1e6) for t in per_run), statistics.median(per_run) / 1e6))
PY
done
