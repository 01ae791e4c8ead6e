#!/usr/bin/env bash
# A small change, as an engineer would make it: install a config, edit it in place, back it up,
# tighten its permissions, check a port, clean up. Everything under a temp dir; deterministic.
set -e
app=$(mktemp -d /tmp/sample-app.XXXXXX)
mkdir -p "$app/etc" "$app/backup"
printf 'listen=8080\nmode=canary\n' > "$app/etc/app.conf"
cp "$app/etc/app.conf" "$app/backup/app.conf.orig"
sed -i 's/mode=canary/mode=production/' "$app/etc/app.conf"
chmod 600 "$app/etc/app.conf"
ln -s "$app/etc/app.conf" "$app/current.conf"
grep -q production "$app/current.conf"
(exec 3<>/dev/tcp/127.0.0.1/9 && echo ping >&3) 2>/dev/null || echo "port 9 closed (expected)"
tar -C "$app" -cf "$app/backup.tar" etc
rm -rf "$app"
echo "sample change done"
