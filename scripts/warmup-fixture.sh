#!/usr/bin/env bash
# Re-records the consumer's JIT warm-up fixture (consumer/src/main/resources/io/changegraph/consumer/warmup.bin):
# raw ring-buffer records of a small, typical change (package-like install: directories, config edits,
# backups, permissions, links, an archive, deletes, a loopback connection, many short processes).
# The recorder replays it into a throwaway graph while the probes attach, so that the decoding and
# graph code is compiled before the recorded command runs. Usage: sudo scripts/warmup-fixture.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/consumer/src/main/resources/io/changegraph/consumer/warmup.bin
work=$(mktemp -d /tmp/cg-warmup.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/change.sh" <<'EOT'
set -e
cd "$1"
mkdir -p opt/app/bin opt/app/etc var/log/app
for i in $(seq 1 12); do
  printf 'name=svc%s\nport=%s\n' "$i" "$((8000 + i))" > "opt/app/etc/svc$i.conf"
  cp "opt/app/etc/svc$i.conf" "opt/app/etc/svc$i.conf.orig"
  sed -i "s/port=/listen=/" "opt/app/etc/svc$i.conf"
  chmod 640 "opt/app/etc/svc$i.conf"
  ln -sf "../etc/svc$i.conf" "opt/app/bin/svc$i.conf"
  grep -q listen "opt/app/etc/svc$i.conf"
  echo "installed svc$i" >> var/log/app/install.log
done
tar -cf backup.tar opt
mv opt/app/etc/svc1.conf.orig opt/app/svc1.conf.saved
find opt -name '*.orig' -delete
(exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null || true
cat opt/app/etc/*.conf | sort | uniq -c > /dev/null
rm -rf opt backup.tar
EOT
"$here/bin/changegraph" record --status=false --raw-records "$out" -o "$work/graph.json" -- bash "$work/change.sh" "$work"
ls -l "$out"
