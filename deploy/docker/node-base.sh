#!/usr/bin/env bash
# Builds a local stand-in for the official node:20-bookworm-slim image, for a Docker engine that
# cannot reach Docker Hub but can reach Debian's mirrors and the npm registry (the images' builds
# need both). Debian bookworm (debootstrap, minbase) with this machine's Node.js 20 laid out as the
# official image lays it out: node in /usr/local/bin, its headers in /usr/local/include/node, npm in
# /usr/local/lib/node_modules. The services' Dockerfiles take it as their base with
#   --build-arg NODE_IMAGE=<the tag printed here>
# Usage: deploy/docker/node-base.sh [tag]   (root; default tag aisle-local/node:20-bookworm-slim)
# Needs: docker (engine running), debootstrap, Node.js 20 and npm on PATH.
set -euo pipefail

tag=${1:-aisle-local/node:20-bookworm-slim}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "node-base: $tag already present"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [[ "$major" != 20 ]]; then
  echo "node-base: needs Node.js 20 on PATH, found $(node --version)" >&2
  exit 1
fi
node_bin=$(command -v node)
prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
npm_dir="$(npm root -g)/npm"
[[ -d "$prefix/include/node" ]] || { echo "node-base: no Node.js headers in $prefix/include/node" >&2; exit 1; }
[[ -d "$npm_dir" ]] || { echo "node-base: no npm in $npm_dir" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "node-base: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

install -D -m 0755 "$(readlink -f "$node_bin")" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/lib/node_modules"
cp -a "$prefix/include/node" "$rootfs/usr/local/include/node"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# As in the official image: the node user (uid 1000), no apt lists, no caches.
chroot "$rootfs" /usr/sbin/groupadd --gid 1000 node
chroot "$rootfs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" /usr/local/bin/node -e 'process.exit(process.versions.node.startsWith("20.") ? 0 : 1)'

tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "node-base: built $tag (Node.js $(node --version), Debian bookworm)"
