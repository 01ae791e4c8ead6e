#!/usr/bin/env bash
# The agent's CPU at rest with the fleet's etcd watch (target, issue #17: <= 0.5 % with the watch): a private etcd
# (scripts/etcd.sh), then `changegraph agent` three times on a temporary socket and store with no sessions: without
# a control: section, then with one (registered under a lease of 5 s, then of 10 s, watching rules and config, its
# registration rewritten every 5 s), each measured over SECONDS from /proc/PID/stat after SETTLE s.
# Usage: sudo [SETTLE=20] bench/control-idle.sh [SECONDS=60] [PORT=23795]   (SETTLE: seconds before measuring)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}; port=${2:-23795}; settle=${SETTLE:-20}
[ -f "$here/controller/target/changegraph.jar" ] || "$here/scripts/build.sh"
tmp=$(mktemp -d /tmp/cg-control-bench.XXXXXX)
agent_pid=
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  "$here/scripts/etcd.sh" stop "$tmp/etcd" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
endpoint=$("$here/scripts/etcd.sh" start "$tmp/etcd" "$port")
CHANGEGRAPH_ETCD=$endpoint "$here/bin/changegraph" fleet rules push "$here/rules.yaml" >/dev/null 2>&1
hz=$(getconf CLK_TCK)

measure() {   # NAME EXTRA_CONFIG
  local name=$1 dir=$tmp/$1
  mkdir -p "$dir"
  printf 'socket: %s/agent.sock\nstore: %s/store\n%b' "$dir" "$dir" "$2" > "$dir/config.yaml"
  "$here/bin/changegraph" agent --config "$dir/config.yaml" > "$dir/agent.log" 2>&1 &
  agent_pid=$!
  for _ in $(seq 1 600); do grep -q "agent ready" "$dir/agent.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "agent ready" "$dir/agent.log" || { echo "bench: the agent did not start:" >&2; cat "$dir/agent.log" >&2; exit 2; }
  sleep "$settle"
  local t0 t1 s0 s1
  t0=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat"); s0=$(date +%s%N)
  sleep "$seconds"
  t1=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat"); s1=$(date +%s%N)
  local rss; rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$agent_pid/status")
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=
  awk -v t="$((t1 - t0))" -v hz="$hz" -v ns="$((s1 - s0))" -v name="$name" -v rss="$rss" \
    'BEGIN { printf "%-13s CPU %.3f %% of one CPU over %.0f s, RSS %d MB\n", name, 100 * t / hz / (ns / 1e9), ns / 1e9, rss }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure without "rules: $here/rules.yaml\n"
measure etcd-lease-5s "rules: $here/rules.yaml\ncontrol:\n  endpoints: [$endpoint]\n  lease_seconds: 5\n"
measure etcd-lease-10s "rules: $here/rules.yaml\ncontrol:\n  endpoints: [$endpoint]\n  lease_seconds: 10\n"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
