#!/usr/bin/env bash
# The agent's cost at rest and its registration latency: starts `changegraph agent` on a temporary socket
# and store, opens SESSIONS idle sessions (`changegraph session -- sleep`), then measures the agent's CPU
# over SECONDS (from /proc/PID/stat), its peak and current RSS (VmHWM, VmRSS), and the round trip of
# ROUNDS registrations over the socket (connect, request, answer; median and max).
# Targets (issue #3): CPU <= 1 %, RSS <= 160 MB, registration <= 50 ms.
# Usage: sudo bench/agent-idle.sh [SESSIONS=20] [SECONDS=30] [ROUNDS=50]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-20}; seconds=${2:-30}; rounds=${3:-50}
[ -f "$here/controller/target/changegraph.jar" ] || "$here/scripts/build.sh"
tmp=$(mktemp -d /tmp/cg-agent-bench.XXXXXX)
agent_pid=; sleepers=()
cleanup() {
  for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
printf 'socket: %s/agent.sock\nstore: %s/store\n' "$tmp" "$tmp" > "$tmp/config.yaml"
export CHANGEGRAPH_CONFIG=$tmp/config.yaml
"$here/bin/changegraph" agent > "$tmp/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 1 600); do grep -q "agent ready" "$tmp/agent.log" && break; sleep 0.1; done
grep -q "agent ready" "$tmp/agent.log" || { echo "bench: the agent did not start:" >&2; cat "$tmp/agent.log" >&2; exit 2; }
agent_java=$agent_pid   # the launcher execs java: same pid

for i in $(seq 1 "$sessions"); do
  "$here/bin/changegraph" session -- sleep 3600 2> "$tmp/session-$i.err" &
  sleepers+=("$!")
done
live() { grep -l '"state" : "live"' "$tmp"/store/sessions/*/meta.json 2>/dev/null | wc -l; }
for _ in $(seq 1 600); do [ "$(live)" -ge "$sessions" ] && break; sleep 0.2; done
echo "live sessions: $(live)"
sleep 20   # let start-up work (JIT compilation of the registration path, first flushes) settle

ticks() { awk '{ print $14 + $15 }' "/proc/$agent_java/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s%N)
sleep "$seconds"
t1=$(ticks); s1=$(date +%s%N)
cpu=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v ns="$((s1 - s0))" 'BEGIN { printf "%.2f", 100 * t / hz / (ns / 1e9) }')
hwm=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$agent_java/status")
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$agent_java/status")

rtt=$(python3 - "$tmp/agent.sock" "$rounds" <<'PY'
import json, os, socket, statistics, sys, time
path, rounds = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(rounds):
    # a fresh child each time, registered as itself: a new session per round, as a login would be
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        t = time.perf_counter()
        s = socket.socket(socket.AF_UNIX); s.connect(path)
        s.sendall((json.dumps({"op": "register", "pid": os.getpid(), "command": ["bench"]}) + "\n").encode())
        answer = s.makefile().readline()
        ms = (time.perf_counter() - t) * 1000
        os.write(w, json.dumps({"ms": ms, "ok": json.loads(answer)["ok"]}).encode())
        os._exit(0)
    os.close(w)
    result = json.loads(os.read(r, 4096)); os.waitpid(pid, 0)
    assert result["ok"], result
    times.append(result["ms"])
print("%.1f %.1f" % (statistics.median(times), max(times)))
PY
)
echo "agent, $sessions idle sessions, over ${seconds}s: cpu ${cpu}% (target <= 1%), peak rss ${hwm} MB, rss ${rss} MB (target <= 160 MB)"
echo "registration round trip over $rounds registrations: median ${rtt% *} ms, max ${rtt#* } ms (target <= 50 ms)"
