#!/usr/bin/env bash
# A Docker engine for the image suite (tools/stack/src/e2e/images.test.ts), the way tools/cassandra
# gives the Cassandra suites a real node.
#
#   engine.sh install   Debian's docker.io (engine 20.10 with BuildKit built in) and debootstrap, as
#                       root, when no engine is installed
#   engine.sh start     use the running engine, or start dockerd in the background (root; log and pid
#                       in $AISLE_DOCKER_HOME, default .data/docker)
#   engine.sh stop      stop the dockerd this script started
#   engine.sh client    print a docker client that builds with BuildKit: `docker` when it has buildx,
#                       else Debian's 20.10 client (/usr/bin/docker), whose BuildKit needs no plugin
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
home=${AISLE_DOCKER_HOME:-$root/.data/docker}
pidfile="$home/dockerd.pid"

engine_up() { docker info >/dev/null 2>&1; }

case "${1:-}" in
  install)
    if command -v dockerd >/dev/null && command -v debootstrap >/dev/null; then
      echo "docker engine: installed ($(dockerd --version))"
      exit 0
    fi
    [[ $(id -u) == 0 ]] || { echo "docker engine: installing needs root (apt-get)" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends docker.io debootstrap >/dev/null
    echo "docker engine: installed ($(dockerd --version))"
    ;;
  start)
    if engine_up; then
      echo "docker engine: running"
      exit 0
    fi
    command -v dockerd >/dev/null || { echo "docker engine: no dockerd; run: $0 install" >&2; exit 1; }
    mkdir -p "$home"
    nohup dockerd >"$home/dockerd.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 60); do
      if engine_up; then
        echo "docker engine: started (pid $(cat "$pidfile"), log $home/dockerd.log)"
        exit 0
      fi
      sleep 1
    done
    echo "docker engine: dockerd did not answer within 60 s; its log:" >&2
    tail -20 "$home/dockerd.log" >&2
    exit 1
    ;;
  stop)
    [[ -f "$pidfile" ]] || exit 0
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$pidfile"
    echo "docker engine: stopped"
    ;;
  client)
    if docker buildx version >/dev/null 2>&1; then
      echo docker
    elif [[ -x /usr/bin/docker ]] && [[ $(/usr/bin/docker version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1) -lt 23 ]]; then
      echo /usr/bin/docker
    else
      echo "docker engine: no client that builds with BuildKit (docker without buildx)" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 install|start|stop|client" >&2
    exit 2
    ;;
esac
