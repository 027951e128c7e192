#!/bin/sh
# PID 1 of a dtr-ha lab node. A lab node stands in for a host: it has no init system, so this script
# does the two jobs an init would do for us: run sshd, and keep dockerd running with the arguments the
# framework's engine setup wrote (the same setup that drives a real host's systemd unit).
set -u

# Host keys are made on first boot, never baked into the image: every node needs its own, or SSH
# host-key checking could not tell nodes apart.
mkdir -p /run/sshd
ssh-keygen -A >/dev/null 2>&1
/usr/sbin/sshd -D -e 2>>/var/log/sshd.log &

ARGS_FILE=/etc/docker/dtr-ha/dockerd.args
trap 'kill -TERM $(jobs -p) 2>/dev/null; exit 0' TERM INT

while :; do
  if [ -f "$ARGS_FILE" ]; then
    # A dockerd killed uncleanly leaves its pid file behind; a new one refuses to start with it there.
    rm -f /var/run/docker.pid
    # shellcheck disable=SC2046 # the args file holds one argument per line, none with spaces
    dockerd $(cat "$ARGS_FILE") >>/var/log/dockerd.log 2>&1 &
    wait $!
    echo "dockerd exited ($?); restarting" >>/var/log/dockerd.log
  fi
  sleep 1
done
