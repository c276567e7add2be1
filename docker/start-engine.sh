#!/usr/bin/env bash
# Starts a private Docker engine for machines where none runs and none can be installed as a service (what the
# container test does by itself): dockerd on its own socket, --data-root/--exec-root/--pidfile under ROOT, no
# iptables and no bridge network, so only `--network host` and `--network none` work (docs/containers.md).
#
#   eval "$(sudo docker/start-engine.sh)"      # prints: export DOCKER_HOST=unix://ROOT/docker.sock
#   sudo docker/start-engine.sh stop            # stops it (containers, dockerd, its containerd) and unmounts
#
# ROOT defaults to /tmp/mpm-docker (MPM_DOCKER_ROOT); its data/ (images, build cache) is kept between starts.
set -euo pipefail

root=${MPM_DOCKER_ROOT:-/tmp/mpm-docker}
socket=unix://$root/docker.sock
pidfile=$root/docker.pid
log() { printf 'start-engine: %s\n' "$*" >&2; }
running() { [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if [[ ${1:-start} == stop ]]; then
  if running; then
    ids=$(DOCKER_HOST=$socket docker ps -aq 2>/dev/null || true)
    [[ -z $ids ]] || DOCKER_HOST=$socket docker rm -f $ids >/dev/null || true
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "dockerd $pid did not stop; killing it"; kill -KILL "$pid"; }
  fi
  if [[ -s $root/exec/containerd/containerd.pid ]]; then
    pid=$(cat "$root/exec/containerd/containerd.pid")
    if grep -q '^containerd' "/proc/$pid/comm" 2>/dev/null; then kill -KILL "$pid" || true; fi
  fi
  for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
  log "stopped (images stay in $root/data; rm -rf $root removes them)"
  exit 0
fi

[[ $(id -u) == 0 ]] || { log "dockerd needs root"; exit 1; }
command -v dockerd >/dev/null || { log "dockerd is missing (apt-get install --no-install-recommends docker.io iptables)"; exit 1; }
mkdir -p "$root"
if running; then
  log "already running (pid $(cat "$pidfile"))"
else
  nohup dockerd --host "$socket" --iptables=false --ip6tables=false --bridge=none \
    --data-root "$root/data" --exec-root "$root/exec" --pidfile "$pidfile" >"$root/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    DOCKER_HOST=$socket docker version >/dev/null 2>&1 && break
    kill -0 $! 2>/dev/null || { tail -n 20 "$root/dockerd.log" >&2; log "dockerd exited"; exit 1; }
    sleep 0.5
  done
  DOCKER_HOST=$socket docker version >/dev/null 2>&1 || { tail -n 20 "$root/dockerd.log" >&2; log "dockerd did not become ready"; exit 1; }
  log "dockerd ready (log: $root/dockerd.log); build with DOCKER_BUILDKIT=0 and --network host"
fi
echo "export DOCKER_HOST=$socket DOCKER_BUILDKIT=0"
