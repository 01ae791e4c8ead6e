#!/usr/bin/env bash
# The fleet in one run (docs/fleet.md, "Demo"), as root on one machine:
#   1. a private PostgreSQL 15 cluster (scripts/postgres.sh) and the fleet's certificates (scripts/fleet-certs.sh)
#   2. the hub (changegraph hub) and three agents as three hosts: each agent in a UTS namespace of its own (its
#      host name), with its own certificate (CN = that name), store and socket
#   3. the same change on the three hosts, one after the other under the deploy lock, each undone afterwards
#      outside its session: examples/fleet-change.sh (about a second; with --deploy: examples/deploy.sh and
#      undeploy.sh, a package install, about 30 s a host); the canary and cg-prod-1 with --env canary, cg-prod-2
#      with --env production (the planted deviation: it also deletes the config's backup)
#   4. waits until the hub has the three sessions, prints `changegraph fleet sessions` and the fleet diff of the
#      canary against the production hosts
#   5. the control plane (docs/control.md): a private etcd (scripts/etcd.sh) where the three agents register; a
#      rules change pushed to the canary group first, then promoted to the fleet; `changegraph fleet hosts` shows
#      every host on the new rules revision; then the last line "deviating host: NAME"
# Everything is stopped and removed on exit (also on failure or Ctrl-C). Exit codes: 0 the demo ran and found
# the planted host, 2 bad environment (one line says what to do), 3 a step failed (its log is shown).
#   usage: scripts/fleet-demo.sh [--deploy] [--keep]
#          --deploy: run examples/deploy.sh instead of the small change; --keep: leave the work directory (logs,
#          stores) for a look
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=fleet-control.sh
. "$REPO/scripts/fleet-control.sh"
CG=$REPO/bin/changegraph
CANARY=cg-canary
HOSTS=("$CANARY" cg-prod-1 cg-prod-2)
PLANTED=cg-prod-2                 # the host that runs the change with --env production
DEPLOY_PORT=17580                 # the example daemon's port (the same on every host)
LOCK=/run/lock/changegraph-deploy.lock
KEEP=false
CHANGE=(examples/fleet-change.sh)
UNDO=(examples/fleet-change.sh --undo)
WORK=
PG_DIR=
ETCD_DIR=
ETCD=
HUB_PID=
HUB_URL=
declare -A AGENT_PID=() SESSION=()

die() { echo "fleet-demo.sh: $1" >&2; exit "${2:-2}"; }
step() { echo "--- $*" >&2; }

# a free TCP port on 127.0.0.1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "fleet-demo.sh: timed out after ${seconds}s waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}

check_environment() {
  [ "$(id -u)" -eq 0 ] || die "run as root: the agents load eBPF probes and the demo deploys a package"
  for tool in python3 curl unshare flock openssl; do
    command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
  done
  [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || die "PostgreSQL 15 is missing: run scripts/install-deps.sh"
  command -v etcd >/dev/null || die "etcd is missing: run scripts/install-deps.sh"
  [ -f "$REPO/controller/target/changegraph.jar" ] || die "no changegraph.jar: build it first with scripts/build.sh"
}

cleanup() {
  local rc=$?
  set +e
  for host in "${!AGENT_PID[@]}"; do
    kill -TERM "${AGENT_PID[$host]}" 2>/dev/null
  done
  for host in "${!AGENT_PID[@]}"; do
    wait "${AGENT_PID[$host]}" 2>/dev/null
  done
  if [ -n "$HUB_PID" ]; then
    kill -TERM "$HUB_PID" 2>/dev/null
    wait "$HUB_PID" 2>/dev/null
  fi
  [ -n "$PG_DIR" ] && bash "$REPO/scripts/postgres.sh" stop "$PG_DIR" >/dev/null 2>&1
  [ -n "$ETCD_DIR" ] && control_etcd_stop "$ETCD_DIR" >/dev/null 2>&1
  [ -n "$ETCD_DIR" ] && [ "$KEEP" != true ] && rm -rf "$ETCD_DIR"
  if [ "$KEEP" = true ] && [ -n "$WORK" ]; then
    echo "fleet-demo.sh: kept $WORK (logs, stores, certificates) and $PG_DIR (the stopped cluster)" >&2
  else
    [ -n "$WORK" ] && rm -rf "$WORK"
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  fi
  exit "$rc"
}

start_postgres() {
  PG_DIR=$(mktemp -d /tmp/changegraph-fleet-pg.XXXXXX)
  local port; port=$(free_port)
  step "PostgreSQL 15 on 127.0.0.1:$port ($PG_DIR)"
  DB_URL=$(bash "$REPO/scripts/postgres.sh" start "$PG_DIR" "$port") || die "PostgreSQL did not start" 3
  export PGPASSWORD; PGPASSWORD=$(cat "$PG_DIR/password")
}

start_etcd() {
  ETCD_DIR=$(mktemp -d /tmp/changegraph-fleet-etcd.XXXXXX)
  local port; port=$(free_port)
  step "etcd on 127.0.0.1:$port ($ETCD_DIR)"
  ETCD=$(control_etcd_start "$ETCD_DIR" "$port") || die "etcd did not start (scripts/etcd.sh)" 3
}

make_certs() {
  step "fleet certificates for ${HOSTS[*]} (scripts/fleet-certs.sh)"
  bash "$REPO/scripts/fleet-certs.sh" "$WORK/certs" "${HOSTS[@]}" >/dev/null || die "fleet-certs.sh failed" 3
}

start_hub() {
  local port; port=$(free_port)
  HUB_URL=https://127.0.0.1:$port
  step "hub on $HUB_URL"
  "$CG" hub --db "$DB_URL" --listen "127.0.0.1:$port" --tls-cert "$WORK/certs/hub.crt" \
      --tls-key "$WORK/certs/hub.key" --client-ca "$WORK/certs/ca.crt" >"$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  wait_for 60 "the hub ($WORK/hub.log)" grep -q "listening on" "$WORK/hub.log" \
    || { tail -n 20 "$WORK/hub.log" >&2; die "the hub did not start" 3; }
}

# start_agent NAME: an agent whose host name (UTS namespace) is NAME, with its own store, socket and certificate
start_agent() {
  local name=$1 dir=$WORK/$1
  mkdir -p "$dir"
  cat >"$dir/config.yaml" <<EOF
socket: $dir/agent.sock
store: $dir/store
hub: {url: '$HUB_URL', cert: $WORK/certs/$name.crt, key: $WORK/certs/$name.key, ca: $WORK/certs/ca.crt, backlog_mb: 64}
EOF
  local group=production
  [ "$name" != "$CANARY" ] || group=canary
  control_agent_config "$ETCD" "$group" "$name" >>"$dir/config.yaml"
  unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "$name" "$CG" agent --config "$dir/config.yaml" \
      >"$dir/agent.log" 2>&1 &
  AGENT_PID[$name]=$!
}

start_agents() {
  step "three agents as three hosts: ${HOSTS[*]}"
  for host in "${HOSTS[@]}"; do
    start_agent "$host"
  done
  for host in "${HOSTS[@]}"; do
    wait_for 90 "the agent of $host" grep -q "agent ready" "$WORK/$host/agent.log" \
      || { tail -n 20 "$WORK/$host/agent.log" >&2; die "the agent of $host did not start" 3; }
  done
}

# run_change NAME ENV: the change recorded by NAME's agent, then undone (outside the session), under the lock
run_change() {
  local name=$1 env=$2 dir=$WORK/$1
  step "$name: ${CHANGE[*]} --env $env"
  (
    cd "$REPO"
    flock 9
    rc=0
    CHANGEGRAPH_CONFIG=$dir/config.yaml "$CG" session -- "${CHANGE[@]}" --env "$env" >"$dir/change.out" \
        2>"$dir/change.err" || rc=$?
    "${UNDO[@]}" >/dev/null 2>&1
    exit $rc
  ) 9>"$LOCK" || { cat "$dir/change.err" >&2; die "the change failed on $name" 3; }
  SESSION[$name]=$(sed -n 's/.*session is recorded (session \([^)]*\)).*/\1/p' "$dir/change.err" | head -n 1)
  [ -n "${SESSION[$name]}" ] || { cat "$dir/change.err" >&2; die "no session id from $name's agent" 3; }
}

run_changes() {
  for host in "${HOSTS[@]}"; do
    if [ "$host" = "$PLANTED" ]; then run_change "$host" production; else run_change "$host" canary; fi
  done
}

# the hub's query API (loopback, no token in the demo)
api() { curl -fsS --cacert "$WORK/certs/ca.crt" "$HUB_URL$1"; }

session_at_hub() {   # HOST ID: the session ended and its graph is at the hub
  api "/api/v1/fleet/sessions/$1/$2/graph" >/dev/null
}

wait_for_hub() {
  step "waiting for the hub to have the three sessions"
  for host in "${HOSTS[@]}"; do
    wait_for 120 "$host's session ${SESSION[$host]} at the hub" session_at_hub "$host" "${SESSION[$host]}" \
      || { tail -n 20 "$WORK/$host/agent.log" >&2; die "the hub did not get $host's session" 3; }
  done
}

has_fleet_cli() { "$CG" fleet sessions --help 2>&1 | grep -q -- '--hub'; }

show_sessions() {
  echo
  local glob="${CHANGE[0]##*/}*"
  echo "\$ changegraph fleet sessions --command '$glob'"
  if has_fleet_cli; then
    "$CG" fleet sessions --hub "$HUB_URL" --ca "$WORK/certs/ca.crt" --command "$glob"
  else
    api "/api/v1/fleet/sessions?command=$glob" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["sessions"]
print("%-10s %-40s %-6s %-9s %7s %-8s %s" % ("HOST", "SESSION", "USER", "STATE", "EVENTS", "ALERTS", "COMMAND"))
for s in rows:
    a = s.get("alerts", {})
    print("%-10s %-40s %-6s %-9s %7d %-8s %s" % (s["host"], s["id"], s["user"], s["state"], s["events"],
          "%d/%d/%d" % (a.get("critical", 0), a.get("warning", 0), a.get("info", 0)), " ".join(s["command"])))'
  fi
}

# prints the fleet diff of the canary against the production hosts; sets DEVIATING to the first host it ranks
show_diff() {
  local canary=$CANARY/${SESSION[$CANARY]} production='cg-prod-*' rc=0
  echo
  echo "\$ changegraph fleet diff --canary $canary --production '$production'"
  api "/api/v1/fleet/diff?canary=$canary&production=cg-prod-%2A" >"$WORK/diff.json" \
    || die "the hub's diff API failed (see $WORK/hub.log)" 3
  if has_fleet_cli; then
    "$CG" fleet diff --hub "$HUB_URL" --ca "$WORK/certs/ca.crt" --canary "$canary" --production "$production" || rc=$?
    [ "$rc" -le 1 ] || die "changegraph fleet diff failed ($rc)" 3   # 1: some host deviates
  else
    python3 - "$WORK/diff.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%-5s %-10s %-40s %10s" % ("RANK", "HOST", "SESSION", "DEVIATIONS"))
for i, h in enumerate(d["hosts"], 1):
    print("%-5d %-10s %-40s %10s" % (i, h["host"], h.get("session") or "-", h.get("deviations")))
    for t in h.get("extra", []):
        print("  + " + t)
    for t in h.get("missing", []):
        print("  - " + t)
    for t in h.get("changed", []):
        print("  ~ " + t)
PY
  fi
  DEVIATING=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print((d.get("deviating") or ["none"])[0])' \
      "$WORK/diff.json")
}

# a rules change through etcd: to the canary group first, then promoted to every host; `fleet hosts` shows it
push_rules() {
  local rules=$WORK/rules.yaml rev
  { cat "$REPO/rules.yaml"; printf '\n# fleet demo: pushed through etcd\n'; } >"$rules"
  echo
  echo "\$ changegraph fleet rules push rules.yaml --group canary    # gray release: the canary first"
  rev=$(control_push_rules "$ETCD" "$rules" --group canary) || die "the rules push failed" 3
  echo "pushed as etcd revision $rev to the group canary"
  control_wait_revision "$ETCD" "$rev" 1 20 || die "the canary did not reload rules revision $rev" 3
  echo "\$ changegraph fleet rules promote                         # then every host"
  rev=$(CHANGEGRAPH_ETCD=$ETCD "$CG" fleet rules promote | tee /dev/stderr | sed -n 's/.* as etcd revision \([0-9]*\).*/\1/p')
  [ -n "$rev" ] || die "the promote printed no etcd revision" 3
  control_wait_revision "$ETCD" "$rev" "${#HOSTS[@]}" 20 || die "not every agent reloaded rules revision $rev" 3
  echo "\$ changegraph fleet hosts"
  CHANGEGRAPH_ETCD=$ETCD "$CG" fleet hosts
}

main() {
  for arg in "$@"; do
    case "$arg" in
      --keep) KEEP=true ;;
      --deploy) CHANGE=(examples/deploy.sh --port "$DEPLOY_PORT"); UNDO=(examples/undeploy.sh) ;;
      *) die "unknown argument '$arg': use --deploy and/or --keep" ;;
    esac
  done
  check_environment
  WORK=$(mktemp -d /tmp/changegraph-fleet-demo.XXXXXX)
  chmod 0755 "$WORK"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  start_postgres
  start_etcd
  make_certs
  start_hub
  start_agents
  run_changes
  wait_for_hub
  show_sessions
  show_diff
  push_rules
  echo
  echo "deviating host: $DEVIATING"
  [ "$DEVIATING" = "$PLANTED" ] || die "expected $PLANTED to deviate, the diff named $DEVIATING" 3
}

main "$@"
