#!/usr/bin/env bash
# The fleet hub under 50 simulated agents (docs/fleet.md, bench/README.md): each agent has its own client
# certificate and replays a recorded examples/deploy.sh journal as sessions of its own, concurrently, against a
# hub (own JVM) on a private PostgreSQL 15. Prints sessions/s and events/s per round and the medians, and fails
# if the database does not hold every event exactly once.
#
# Usage (root): bench/hub-ingest.sh [AGENTS=50] [SESSIONS=2] [EVENTS=5000] [BATCH=1000] [ROUNDS=3]
# The journal: $HUB_BENCH_JOURNAL, else /var/tmp/changegraph-bench/deploy-journal.jsonl, recorded once by the
# agent (changegraph session -- examples/deploy.sh, under the deploy lock; undeploy.sh afterwards).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
journal=${HUB_BENCH_JOURNAL:-/var/tmp/changegraph-bench/deploy-journal.jsonl}

record_journal() {
  local work
  work=$(mktemp -d /tmp/changegraph-hub-bench-rec.XXXXXX)
  mkdir -p "$work/run" "$(dirname "$journal")"
  cat > "$work/config.yaml" <<CFG
socket: $work/run/agent.sock
store: $work/store
cpu: none
netwatch: false
CFG
  [ -f "$here/controller/target/changegraph.jar" ] || bash "$here/scripts/build.sh" -Daot.skip=true >/dev/null
  "$here/bin/changegraph" agent --config "$work/config.yaml" >"$work/agent.log" 2>&1 &
  local agent=$!
  for _ in $(seq 1 120); do [ -S "$work/run/agent.sock" ] && break; sleep 0.5; done
  [ -S "$work/run/agent.sock" ] || { tail -5 "$work/agent.log" >&2; echo "hub-ingest: the agent did not start" >&2; exit 3; }
  flock /run/lock/changegraph-deploy.lock bash -c "
    '$here/bin/changegraph' session --config '$work/config.yaml' -- '$here/examples/deploy.sh' --env canary >'$work/deploy.out' 2>&1
    '$here/examples/undeploy.sh' >'$work/undeploy.out' 2>&1 || true"
  sleep 2
  kill "$agent"; wait "$agent" || true
  cp "$work"/store/sessions/*/journal.jsonl "$journal"
  rm -rf "$work"
  echo "hub-ingest: recorded $(wc -l < "$journal") events of examples/deploy.sh into $journal"
}

[ -s "$journal" ] || record_journal
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx2g} exec bash "$here/bench/java-bench.sh" hub io.changegraph.hub.HubIngestBenchmark \
  "$journal" "${1:-50}" "${2:-2}" "${3:-5000}" "${4:-1000}" "${5:-3}"
