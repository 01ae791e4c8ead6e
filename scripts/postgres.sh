#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory, for tests, benchmarks and the fleet demo (never a system one).
#
#   scripts/postgres.sh start DIR PORT   initialise DIR/data (once) and start it on 127.0.0.1:PORT; prints the URL
#   scripts/postgres.sh stop DIR         stop it (fast shutdown); DIR stays
#   scripts/postgres.sh restart DIR      stop and start again (same port and data)
#   scripts/postgres.sh status DIR       exit 0 when running
#
# The cluster listens on 127.0.0.1 only, with its Unix socket in DIR. Role "cg" owns database "changegraph";
# TCP logins need its password, generated at initdb time into DIR/password (mode 0600). The printed URL
# has no password: give it to the hub with PGPASSWORD=$(cat DIR/password).
# PostgreSQL refuses to run as root: as root the cluster belongs to user "postgres" (DIR is handed to it).
# Exit codes: 0 done, 2 bad usage or environment (one line on stderr says what to do), 3 the server failed.
set -euo pipefail

PGBIN=${CHANGEGRAPH_PGBIN:-/usr/lib/postgresql/15/bin}
ROLE=cg
DB=changegraph

die() { echo "postgres.sh: $1" >&2; exit "${2:-2}"; }
usage() { die "usage: postgres.sh start DIR PORT | stop DIR | restart DIR | status DIR"; }

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
[ -x "$PGBIN/pg_ctl" ] || die "no PostgreSQL 15 in $PGBIN: run scripts/install-deps.sh (apt package postgresql-15)"

# run a PostgreSQL tool as the cluster's owner
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id "$owner" >/dev/null 2>&1 || die "user postgres does not exist: run scripts/install-deps.sh (apt package postgresql-15)"
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

data=$dir/data
log=$dir/postgres.log

running() { [ -f "$data/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start_server() {
  if ! as_owner "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
    tail -n 5 "$log" >&2 || true
    die "PostgreSQL did not start in $dir (log: $log)" 3
  fi
}

case "$cmd" in
  start)
    [ $# -eq 3 ] || usage
    port=$3
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] \
      || die "port '$port' is not a number in 1024-65535: give a free private port"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data=$dir/data
    log=$dir/postgres.log
    if [ "$(id -u)" -eq 0 ]; then
      chown "$owner" "$dir"
      chmod 0700 "$dir"
      runuser -u "$owner" -- test -w "$dir" \
        || die "$dir is not reachable by user $owner (a parent directory is closed to it): use a directory such as /tmp/NAME"
    fi
    if running; then
      die "a cluster is already running in $dir: stop it first (postgres.sh stop $dir)"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      umask 077
      password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
      printf '%s' "$password" > "$dir/password"
      chown "$owner" "$dir/password"
      pwfile=$dir/.pwfile
      printf '%s\n' "$password" > "$pwfile"
      chown "$owner" "$pwfile"
      if ! as_owner "$PGBIN/initdb" -D "$data" -U "$ROLE" --pwfile="$pwfile" --auth-local=trust \
           --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
        rm -f "$pwfile"
        tail -n 5 "$dir/initdb.log" >&2
        die "initdb failed in $dir (log: $dir/initdb.log)" 3
      fi
      rm -f "$pwfile"
      cat >> "$data/postgresql.conf" <<EOF
# written by scripts/postgres.sh: a private cluster for changegraph's tests and demos
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
fsync = on
synchronous_commit = on
logging_collector = off
EOF
    fi
    sed -i "/^port = /d" "$data/postgresql.conf"
    echo "port = $port" >> "$data/postgresql.conf"
    echo "$port" > "$dir/port"
    start_server
    if ! as_owner "$PGBIN/psql" -h "$dir" -p "$port" -U "$ROLE" -d postgres -tAc \
         "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
      as_owner "$PGBIN/createdb" -h "$dir" -p "$port" -U "$ROLE" -O "$ROLE" "$DB" \
        || die "cannot create database $DB (log: $log)" 3
    fi
    echo "postgresql://$ROLE@127.0.0.1:$port/$DB"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    [ -d "$data" ] || die "no cluster in $dir"
    if running; then
      as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || die "PostgreSQL did not stop in $dir" 3
    fi
    ;;
  restart)
    [ $# -eq 2 ] || usage
    [ -f "$data/PG_VERSION" ] || die "no cluster in $dir: start one first (postgres.sh start $dir PORT)"
    if running; then
      as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || die "PostgreSQL did not stop in $dir" 3
    fi
    start_server
    ;;
  status)
    [ $# -eq 2 ] || usage
    running
    ;;
  *)
    usage
    ;;
esac
