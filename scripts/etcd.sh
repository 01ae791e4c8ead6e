#!/usr/bin/env bash
# A private etcd (3.4, Debian's etcd-server) for the fleet control plane's tests, demo and benchmark.
#
#   scripts/etcd.sh start DIR PORT [--tls CERTDIR]   data in DIR/data, client on 127.0.0.1:PORT, peer on PORT+10;
#                                                     prints the client endpoint; log in DIR/etcd.log, pid in DIR/etcd.pid
#   scripts/etcd.sh stop DIR                          stops the etcd started in DIR (by its pid file only)
#
# --tls CERTDIR serves https with CERTDIR/ca.pem, server.pem, server-key.pem (made by scripts/etcd-setup.sh certs)
# and asks clients for a certificate signed by that CA. Exit 2: bad usage or etcd did not come up (the log's tail
# is printed). Nothing here touches the system's etcd service or /var/lib/etcd.
set -euo pipefail
usage() { echo "usage: scripts/etcd.sh start DIR PORT [--tls CERTDIR] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 dir=$2
case "$cmd" in
start)
  [ $# -ge 3 ] || usage
  port=$3; shift 3
  certs=
  if [ $# -gt 0 ]; then
    [ "$1" = --tls ] && [ $# -eq 2 ] || usage
    certs=$(cd "$2" && pwd)
  fi
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65525 ] || { echo "etcd.sh: port must be 1024-65525" >&2; exit 2; }
  command -v etcd >/dev/null || { echo "etcd.sh: etcd is not installed: run scripts/install-deps.sh" >&2; exit 2; }
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  if [ -f "$dir/etcd.pid" ] && kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null; then
    echo "etcd.sh: an etcd already runs from $dir (pid $(cat "$dir/etcd.pid")): stop it first" >&2; exit 2
  fi
  peer=$((port + 10)) scheme=http tls=()
  if [ -n "$certs" ]; then
    scheme=https
    tls=(--cert-file "$certs/server.pem" --key-file "$certs/server-key.pem" --trusted-ca-file "$certs/ca.pem"
         --client-cert-auth)
  fi
  url="$scheme://127.0.0.1:$port"
  # no auto-compaction: the rules' and config's history are etcd revisions
  nohup etcd --name changegraph --data-dir "$dir/data" \
    --listen-client-urls "$url" --advertise-client-urls "$url" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "changegraph=http://127.0.0.1:$peer" --initial-cluster-state new \
    --log-level warn --logger zap "${tls[@]}" >"$dir/etcd.log" 2>&1 < /dev/null &
  echo $! >"$dir/etcd.pid"
  check=(etcdctl --endpoints "$url" --dial-timeout 1s --command-timeout 1s)
  [ -n "$certs" ] && check+=(--cacert "$certs/ca.pem" --cert "$certs/root.pem" --key "$certs/root-key.pem")
  for _ in $(seq 1 100); do
    # any answer (even "user name is empty" with auth on) means it serves
    if out=$(ETCDCTL_API=3 "${check[@]}" endpoint health 2>&1) || grep -q -i "auth\|user" <<<"$out"; then
      echo "$url"; exit 0
    fi
    kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "etcd.sh: etcd did not come up on $url; its log:" >&2; tail -5 "$dir/etcd.log" >&2; exit 2
  ;;
stop)
  [ $# -eq 2 ] || usage
  [ -f "$dir/etcd.pid" ] || exit 0
  pid=$(cat "$dir/etcd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$dir/etcd.pid"
  ;;
*) usage ;;
esac
