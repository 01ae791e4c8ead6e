#!/usr/bin/env bash
# Functions for demos and scripts that drive a fleet through etcd (docs/control.md). Source it:
#   . scripts/fleet-control.sh
#   endpoint=$(control_etcd_start /tmp/demo-etcd 23790)       # a private etcd; control_etcd_stop /tmp/demo-etcd
#   control_agent_config "$endpoint" canary web1                # the control: section for an agent's config.yaml
#   rev=$(control_push_rules "$endpoint" rules.yaml [--group G | --hosts GLOB])   # prints the etcd revision
#   control_wait_revision "$endpoint" "$rev" 3 10               # until 3 hosts run revision >= rev (10 s at most)
#   CHANGEGRAPH_ETCD=$endpoint bin/changegraph fleet hosts      # the table, with its RULES REVISION column
_control_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

control_etcd_start() { "$_control_here/scripts/etcd.sh" start "$1" "$2"; }
control_etcd_stop() { "$_control_here/scripts/etcd.sh" stop "$1"; }

control_agent_config() {   # ENDPOINT [GROUP] [NAME: the registry name, default the hostname]
  printf 'control:\n  endpoints: [%s]\n  group: %s\n' "$1" "${2:-default}"
  [ -z "${3:-}" ] || printf '  name: %s\n' "$3"
}

control_push_rules() {   # ENDPOINT FILE [--group G | --hosts GLOB]
  local endpoint=$1; shift
  local out
  out=$(CHANGEGRAPH_ETCD=$endpoint "$_control_here/bin/changegraph" fleet rules push "$@") || return $?
  sed -n 's/.* as etcd revision \([0-9]*\) .*/\1/p' <<<"$out"
}

control_wait_revision() {   # ENDPOINT REVISION HOSTS [SECONDS]
  local endpoint=$1 rev=$2 want=$3 end=$((SECONDS + ${4:-10})) n
  while [ "$SECONDS" -le "$end" ]; do
    n=$(CHANGEGRAPH_ETCD=$endpoint "$_control_here/bin/changegraph" fleet hosts --json 2>/dev/null \
        | grep -o '"rules_revision" : [0-9]*' | awk -v r="$rev" '$3 >= r' | wc -l)
    [ "$n" -ge "$want" ] && return 0
    sleep 0.5
  done
  echo "fleet-control: only $n of $want hosts on rules revision $rev" >&2
  return 1
}
