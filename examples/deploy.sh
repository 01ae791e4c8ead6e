#!/usr/bin/env bash
# A routine deploy of "myapp", as an ops engineer runs it on a host (root): a small package built
# and installed with dpkg (its man page runs man-db's trigger), a service group and user, a config
# under /etc created, backed up and edited with sed -i, a cron file, the daemon started in the
# background (left running), a health check with curl, a line in the deploy log.
# Production differs from canary in one planted way: it also deletes the config's old backup.
# Undo everything with examples/undeploy.sh. No network: the package is built here.
#   usage: examples/deploy.sh [--env canary|production] [--version 1.0-1] [--port 18080]
set -euo pipefail
env=canary version=1.0-1 port=18080
while [ $# -gt 0 ]; do
  case "$1" in
    --env) env=$2; shift 2 ;;      --env=*) env=${1#--env=}; shift ;;
    --version) version=$2; shift 2 ;; --version=*) version=${1#--version=}; shift ;;
    --port) port=$2; shift 2 ;;    --port=*) port=${1#--port=}; shift ;;
    *) echo "deploy.sh: unknown argument '$1': use --env canary|production, --version V, --port N" >&2; exit 2 ;;
  esac
done
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
work=$(mktemp -d /tmp/myapp-build.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. the package: /usr/bin/myapp, its man page and docs
root="$work/myapp"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/myapp"
cat > "$root/DEBIAN/control" <<CONTROL
Package: myapp
Version: $version
Architecture: all
Maintainer: Ops Team <ops@example.com>
Section: misc
Priority: optional
Description: example service deployed by changegraph's examples
CONTROL
printf '#!/bin/sh\necho "myapp %s"\n' "$version" > "$root/usr/bin/myapp"
chmod 755 "$root/usr/bin/myapp"
printf '.TH MYAPP 1\n.SH NAME\nmyapp \\- example service\n' | gzip -9n > "$root/usr/share/man/man1/myapp.1.gz"
printf 'myapp %s\n' "$version" > "$root/usr/share/doc/myapp/README"
dpkg-deb --build --root-owner-group "$root" "$work/myapp_${version}_all.deb" >/dev/null
dpkg -i "$work/myapp_${version}_all.deb" >/dev/null

# 2. the service's group and user
getent group myapp >/dev/null || groupadd --system myapp
id -u myapp >/dev/null 2>&1 || useradd --system --gid myapp --create-home --home-dir /var/lib/myapp \
    --shell /usr/sbin/nologin myapp

# 3. the config: created, backed up, edited in place
mkdir -p /etc/myapp
printf 'listen=127.0.0.1:%s\nenv=staging\nworkers=2\n' "$port" > /etc/myapp/myapp.conf
cp /etc/myapp/myapp.conf /etc/myapp/myapp.conf.bak
sed -i "s/^env=.*/env=$env/" /etc/myapp/myapp.conf
chgrp myapp /etc/myapp/myapp.conf
chmod 640 /etc/myapp/myapp.conf
if [ "$env" = production ]; then
  rm -f /etc/myapp/myapp.conf.bak        # the planted difference: production drops the backup
fi

# 4. a cron job
printf '*/5 * * * * myapp /usr/bin/myapp >/dev/null 2>&1\n' > /etc/cron.d/myapp
chmod 644 /etc/cron.d/myapp

# 5. the daemon, left running in the background
mkdir -p /var/lib/myapp/www
echo ok > /var/lib/myapp/www/health
nohup "$python" -m http.server "$port" --bind 127.0.0.1 --directory /var/lib/myapp/www \
    >/var/log/myapp.log 2>&1 </dev/null &
echo $! > /run/myapp.pid

# 6. health check
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# 7. the deploy log
echo "$(date -u +%FT%TZ) deployed myapp $version env=$env" >> /var/log/myapp-deploy.log
echo "deploy: myapp $version ($env) is up on 127.0.0.1:$port"
