#!/usr/bin/env bash
# TLS certificates and role-based access for the fleet control plane's etcd (see docs/control.md).
#
#   scripts/etcd-setup.sh certs CERTDIR [HOST...]        a CA, the server's certificate (127.0.0.1, localhost and
#                                                        this host's name) and client certificates for the users
#                                                        root, operator and host-HOST (each HOST); existing files
#                                                        are kept, so it can be run again to add hosts
#   scripts/etcd-setup.sh auth ENDPOINT CERTDIR [HOST...] creates the roles and users below and enables auth
#                                                        (run once, against an etcd started with --tls CERTDIR)
#   scripts/etcd-setup.sh host ENDPOINT CERTDIR HOST      adds one host later (certificate, role and user)
#
# Roles (etcd 3.4 key permissions; a client certificate's common name is its user name):
#   operator      readwrite /changegraph/ (push, promote, rollback, history, hosts)
#   agent         read /changegraph/config/ and /changegraph/rules/ (what every agent watches)
#   host-HOST     readwrite the one key /changegraph/hosts/HOST (its registration, under a lease)
#   users: root (root role), operator (operator), host-HOST (agent + host-HOST): an agent can write no other
#   host's key and push nothing.
# Files: CERTDIR/ca.pem, ca-key.pem, server.pem, server-key.pem, USER.pem, USER-key.pem (keys 0600).
set -euo pipefail
usage() { echo "usage: scripts/etcd-setup.sh certs CERTDIR [HOST...] | auth ENDPOINT CERTDIR [HOST...] | host ENDPOINT CERTDIR HOST" >&2; exit 2; }
[ $# -ge 2 ] || usage
valid_host() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || { echo "etcd-setup.sh: '$1' is not a host name (letters, digits, . _ -)" >&2; exit 2; }; }

client_cert() {   # CERTDIR USER
  local d=$1 user=$2
  [ -f "$d/$user.pem" ] && return 0
  openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$user-key.pem" -subj "/CN=$user" -out "$d/$user.csr" 2>/dev/null
  openssl x509 -req -in "$d/$user.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 825 \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$d/$user.pem" 2>/dev/null
  rm -f "$d/$user.csr"; chmod 600 "$d/$user-key.pem"
}

certs() {
  local d=$1; shift
  mkdir -p "$d"; chmod 700 "$d"
  if [ ! -f "$d/ca.pem" ]; then
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$d/ca-key.pem" -subj "/CN=changegraph etcd CA" \
      -days 3650 -out "$d/ca.pem" 2>/dev/null
    chmod 600 "$d/ca-key.pem"
  fi
  if [ ! -f "$d/server.pem" ]; then
    openssl req -new -newkey rsa:2048 -nodes -keyout "$d/server-key.pem" -subj "/CN=etcd" -out "$d/server.csr" 2>/dev/null
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 825 \
      -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$(hostname)") \
      -out "$d/server.pem" 2>/dev/null
    rm -f "$d/server.csr"; chmod 600 "$d/server-key.pem"
  fi
  client_cert "$d" root
  client_cert "$d" operator
  for h in "$@"; do valid_host "$h"; client_cert "$d" "host-$h"; done
}

ctl() {   # as root, by certificate
  ETCDCTL_API=3 etcdctl --endpoints "$endpoint" --cacert "$certdir/ca.pem" --cert "$certdir/root.pem" \
    --key "$certdir/root-key.pem" "$@" >/dev/null
}

add_host() {
  local h=$1
  valid_host "$h"; client_cert "$certdir" "host-$h"
  ctl role add "host-$h"
  ctl role grant-permission "host-$h" readwrite "/changegraph/hosts/$h"
  ctl user add "host-$h" --no-password
  ctl user grant-role "host-$h" agent
  ctl user grant-role "host-$h" "host-$h"
}

case "$1" in
certs) shift; certs "$@" ;;
auth)
  [ $# -ge 3 ] || usage
  endpoint=$2 certdir=$3; shift 3
  certs "$certdir" "$@"
  ctl user add root --no-password
  ctl user grant-role root root
  ctl role add operator
  ctl role grant-permission operator readwrite /changegraph/ --prefix=true
  ctl user add operator --no-password
  ctl user grant-role operator operator
  ctl role add agent
  ctl role grant-permission agent read /changegraph/config/ --prefix=true
  ctl role grant-permission agent read /changegraph/rules/ --prefix=true
  for h in "$@"; do add_host "$h"; done
  ctl auth enable
  echo "etcd-setup: auth enabled on $endpoint: users root, operator${*:+, }$(printf 'host-%s ' "$@")" ;;
host)
  [ $# -eq 4 ] || usage
  endpoint=$2 certdir=$3
  add_host "$4"
  echo "etcd-setup: host-$4 may write /changegraph/hosts/$4 (certificate $certdir/host-$4.pem)" ;;
*) usage ;;
esac
