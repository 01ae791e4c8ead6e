#!/usr/bin/env bash
# Undoes examples/deploy.sh (root): stops the daemon, removes the package, user, group, config,
# cron file and logs. Safe to run when nothing was deployed.
set -u
if [ -r /run/myapp.pid ]; then kill "$(cat /run/myapp.pid)" 2>/dev/null; rm -f /run/myapp.pid; fi
dpkg -s myapp >/dev/null 2>&1 && dpkg --purge myapp >/dev/null
id -u myapp >/dev/null 2>&1 && userdel --remove myapp 2>/dev/null
getent group myapp >/dev/null && groupdel myapp
rm -rf /etc/myapp /etc/cron.d/myapp /var/lib/myapp /var/log/myapp.log /var/log/myapp-deploy.log
exit 0
