#!/usr/bin/env bash
# Fleet query benchmark (issue 16): `fleet sessions` over 100,000 sessions and the fleet diff of one canary
# against 50 production hosts, on a real PostgreSQL 15 (scripts/postgres.sh) behind a real hub (HTTPS).
#
#   bench/fleet-query.sh [RUNS]      RUNS timed requests per query (default 21); prints medians in ms
#
# Synthetic rows are bulk-inserted with SQL (generate_series) after the hub's migrations ran: 1,000 hosts,
# 100,000 sessions over 30 days (1 in 7 owned by alice, uid 1001; 1 in 50 a deploy.sh), then a canary on host
# canary-1 and one deploy session with an impact summary on each of web-001..web-050 (the recorded deploy fixtures
# of hub/src/test/resources/fleet, web-017 the deviating one). Timings are curl's time_total of the HTTPS request
# (connection set-up included); the CLI's own JVM start is measured once besides.
# Needs: the built jar (scripts/build.sh), postgresql-15, openssl, curl, python3. Ports: a free one from 17800.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-21}
work=$(mktemp -d /tmp/changegraph-fleet-bench.XXXXXX)
chmod 755 "$work"
hub_pid=
cleanup() {
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true
  scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p=$1
  while (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
pg_port=$(free_port 17850)
hub_port=$(free_port 17860)
mkdir -p "$work/pg"
url=$(scripts/postgres.sh start "$work/pg" "$pg_port")
export PGPASSWORD=$(cat "$work/pg/password")
scripts/fleet-certs.sh "$work/certs" >/dev/null
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/token"
token=$(cat "$work/token")

bin/changegraph hub --db "$url" --listen "127.0.0.1:$hub_port" --tls-cert "$work/certs/hub.crt" \
  --tls-key "$work/certs/hub.key" --client-ca "$work/certs/ca.crt" --token-file "$work/token" \
  >"$work/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 100); do
  curl -sf --cacert "$work/certs/ca.crt" "https://127.0.0.1:$hub_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf --cacert "$work/certs/ca.crt" "https://127.0.0.1:$hub_port/healthz" >/dev/null || { cat "$work/hub.log"; exit 3; }

psql() { /usr/lib/postgresql/15/bin/psql -q -v ON_ERROR_STOP=1 "${url/cg@/cg:$PGPASSWORD@}" "$@"; }
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def esc(s): return s.replace("'", "''")
rows = []
canary = json.load(open('hub/src/test/resources/fleet/canary-1.json'))
honest = json.load(open('hub/src/test/resources/fleet/web-1.json'))['summary']
deviant = json.load(open('hub/src/test/resources/fleet/web-2.json'))['summary']
with open(work + '/fleet.sql', 'w') as out:
    out.write("INSERT INTO hosts(host) VALUES ('canary-1');\n")
    s = canary['session']
    out.write("INSERT INTO sessions(host,id,user_name,uid,command,command_line,command_base,started,ended,state,record,summary,behaviours)"
              " VALUES ('canary-1','bench-canary','root',0,'%s','%s','%s',now() - interval '2 hours',"
              " now() - interval '2 hours' + interval '5 seconds','ended','{}','%s',%d);\n" % (
              esc(json.dumps(s['command'])), esc(' '.join(s['command'])), esc('deploy.sh ' + ' '.join(s['command'][1:])),
              esc(json.dumps(canary['summary'])), len(canary['summary']['behaviours'])))
    for i in range(1, 51):
        host = 'web-%03d' % i
        summary = deviant if i == 17 else honest
        cmd = ['examples/deploy.sh', '--env', 'production']
        out.write("INSERT INTO hosts(host) VALUES ('%s');\n" % host)
        out.write("INSERT INTO sessions(host,id,user_name,uid,command,command_line,command_base,started,ended,state,record,summary,behaviours)"
                  " VALUES ('%s','bench-deploy-%s','root',0,'%s','%s','%s',now() - interval '2 hours' + interval '%d seconds',"
                  " now() - interval '2 hours' + interval '%d seconds','ended','{}','%s',%d);\n" % (
                  host, host, esc(json.dumps(cmd)), esc(' '.join(cmd)), esc('deploy.sh --env production'), 60 + i, 65 + i,
                  esc(json.dumps(summary).replace('/by-host/web-1', '/by-host/' + host).replace('/by-host/web-2', '/by-host/' + host)),
                  len(summary['behaviours'])))
PY
psql <<'SQL'
INSERT INTO hosts(host) SELECT 'host-' || lpad(i::text, 4, '0') FROM generate_series(1, 1000) i;
INSERT INTO sessions(host, id, user_name, uid, command, command_line, command_base, started, ended, state, record,
                     alerts_critical, alerts_warning, alerts_info, behaviours, next_seq)
SELECT 'host-' || lpad((i % 1000 + 1)::text, 4, '0'),
       'bench-' || i,
       CASE WHEN i % 7 = 0 THEN 'alice' ELSE 'root' END,
       CASE WHEN i % 7 = 0 THEN 1001 ELSE 0 END,
       CASE WHEN i % 50 = 0 THEN '["/opt/app/deploy.sh", "--env", "production"]'::jsonb ELSE '["/usr/bin/apt-get", "upgrade", "-y"]'::jsonb END,
       CASE WHEN i % 50 = 0 THEN '/opt/app/deploy.sh --env production' ELSE '/usr/bin/apt-get upgrade -y' END,
       CASE WHEN i % 50 = 0 THEN 'deploy.sh --env production' ELSE 'apt-get upgrade -y' END,
       now() - interval '3 hours' - (i * interval '26 seconds'),
       now() - interval '3 hours' - (i * interval '26 seconds') + interval '40 seconds',
       'ended', '{}'::jsonb, (i % 97 = 0)::int, (i % 13 = 0)::int, i % 3, i % 9, 1000 + i % 5000
FROM generate_series(1, 100000) i;
ANALYZE;
SQL
psql -f "$work/fleet.sql"
echo "rows: $(psql -At -c 'SELECT count(*) FROM sessions') sessions on $(psql -At -c 'SELECT count(*) FROM hosts') hosts"

median() {  # path+query -> median ms over RUNS requests
  local what=$1 i
  for i in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --cacert "$work/certs/ca.crt" \
      -H "Authorization: Bearer $token" "https://127.0.0.1:$hub_port$what"
  done | awk '$1 != 200 { bad = 1 } { print $2 * 1000 }
              END { if (bad) print "non-200 answer" > "/dev/stderr" }' | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'
}
printf '%-58s %10s\n' "query (HTTPS, $RUNS runs)" "median ms"
for q in "/api/v1/fleet/sessions" "/api/v1/fleet/sessions?limit=1000" "/api/v1/fleet/sessions?host=host-00*" \
         "/api/v1/fleet/sessions?user=alice" "/api/v1/fleet/sessions?command=deploy.sh*" \
         "/api/v1/fleet/sessions?since=1d" "/api/v1/fleet/sessions?host=host-0042&since=7d"; do
  printf '%-58s %10s\n' "$q" "$(median "$q")"
done
q="/api/v1/fleet/diff?canary=canary-1/bench-canary&production=web-*"
printf '%-58s %10s\n' "$q" "$(median "$q")"
curl -s --cacert "$work/certs/ca.crt" -H "Authorization: Bearer $token" "https://127.0.0.1:$hub_port$q" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("fleet diff: %d hosts compared, first: %s (%d deviations)" % (len(d["hosts"]), d["hosts"][0]["host"], d["hosts"][0]["deviations"]))'
start=$(date +%s%N)
CHANGEGRAPH_HUB_TOKEN=$token bin/changegraph fleet sessions --hub "https://127.0.0.1:$hub_port" --ca "$work/certs/ca.crt" \
  --since 1d >/dev/null
echo "changegraph fleet sessions (one CLI run, JVM start included): $(( ($(date +%s%N) - start) / 1000000 )) ms"
