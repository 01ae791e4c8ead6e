#!/usr/bin/env bash
# A small change for the fleet demo (scripts/fleet-demo.sh), done in about a second as root: a config under /etc
# created, backed up and edited with sed -i, a cron file, a line in a deploy log. Production differs from canary in
# one planted way, as in examples/deploy.sh: it also deletes the config's backup.
#   usage: examples/fleet-change.sh [--env canary|production]     examples/fleet-change.sh --undo
set -euo pipefail
env=canary
case "${1:-}" in
  --undo)
    rm -rf /etc/cg-fleet-demo /etc/cron.d/cg-fleet-demo /var/log/cg-fleet-demo.log
    exit 0 ;;
  --env) env=${2:?--env needs canary or production} ;;
  --env=*) env=${1#--env=} ;;
  "") ;;
  *) echo "fleet-change.sh: unknown argument '$1': use --env canary|production, or --undo" >&2; exit 2 ;;
esac
case "$env" in canary|production) ;; *) echo "fleet-change.sh: --env must be canary or production" >&2; exit 2 ;; esac

# the config: created, backed up, edited in place
mkdir -p /etc/cg-fleet-demo
printf 'listen=127.0.0.1:17580\nenv=staging\nworkers=2\n' > /etc/cg-fleet-demo/app.conf
cp /etc/cg-fleet-demo/app.conf /etc/cg-fleet-demo/app.conf.bak
sed -i "s/^env=.*/env=$env/" /etc/cg-fleet-demo/app.conf
chmod 640 /etc/cg-fleet-demo/app.conf
if [ "$env" = production ]; then
  rm -f /etc/cg-fleet-demo/app.conf.bak     # the planted difference: production drops the backup
fi

# a cron job
printf '*/5 * * * * root /bin/true\n' > /etc/cron.d/cg-fleet-demo
chmod 644 /etc/cron.d/cg-fleet-demo

# the deploy log
echo "$(date -u +%FT%TZ) deployed app env=$env" >> /var/log/cg-fleet-demo.log
echo "fleet-change: app ($env) configured"
