#!/usr/bin/env bash
# Installs what tstack needs on a Debian 12 (or newer) machine, then the npm dependencies.
# Run as root. Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  runc                        # the OCI runtime that runs containers
  containernetworking-plugins # CNI bridge, host-local, portmap, firewall, loopback
  nftables iptables iproute2  # rules behind portmap/firewall; ip netns, veths
  tini                        # the tiny init for `init: true`
  attr                        # setfattr: xattrs and overlay opaque markers when unpacking layers
  busybox-static              # the base of the offline test images
  docker-compose              # the Python v1 client, driven against the engine API in the tests
  docker.io                   # a real Docker Engine: the compose layer is tested against it too (started by the tests only)
  docker-registry             # a real OCI registry on 127.0.0.1 for tests and the example
  skopeo                      # pushes the offline-built fixture images; the pull benchmark's peer
  gcc make libc6-dev          # builds tstack-shim, the per-container monitor (native/)
  debootstrap                 # the benchmark's large image (built once, cached in .cache/bench)
  vagrant                     # only to validate the Vagrantfile in the tests
  ca-certificates git
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # docker.io is installed as the tests' peer only: when this script brought it, it does not
  # leave a system-wide Docker daemon running (the tests start their own, without iptables).
  if printf '%s\n' "${missing[@]}" | grep -qx docker.io && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now docker.service docker.socket >/dev/null 2>&1 || true
  fi
fi

make -s -C native

# Debian's docker-registry package starts a registry on :5000 where an init system runs;
# tstack's tests start their own on 127.0.0.1 instead.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The compiled CLI starts in ~0.2 s instead of ~0.5 s through tsx; bin/tstack.js uses it
# while it is newer than every source file.
npm run -s build
