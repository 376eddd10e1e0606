#!/usr/bin/env bash
# Installs what tstack needs on a Debian 12 (or newer) or Ubuntu machine, as root.
#
#   scripts/setup.sh [run]     what tstack needs to run: runc, CNI plugins, nftables/iptables,
#                              iproute2, tini, attr, a C compiler for the native helpers;
#                              then the native helpers, the npm dependencies and the build
#   scripts/setup.sh example   run + what `npm run example` needs to build and serve its images
#   scripts/setup.sh test      example + what the tests and benchmarks need
#
# `npm run example` and `npm test` call it themselves. Idempotent and quick when all is there.
# It respects what the machine already has: a runc already on the machine (Docker CE's
# containerd.io ships one, and conflicts with Debian's runc package) is used instead of
# installing Debian's; a dockerd already there (Docker CE) stands in for Debian's docker.io; a
# service that a package it installs would start (docker-registry on :5000, dockerd, containerd)
# is stopped and disabled again, so nothing is left listening or enabled system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
profile="${1:-run}"
case "$profile" in run | example | test) ;; *) echo "usage: scripts/setup.sh [run|example|test]" >&2; exit 2 ;; esac

RUN_PACKAGES=(
  runc                        # the OCI runtime (skipped when a runc is already installed)
  containernetworking-plugins # CNI bridge, host-local, portmap, loopback
  nftables iptables iproute2  # rules behind portmap and the forwarding chain; ip netns, veths
  tini                        # the tiny init for `init: true`
  attr                        # setfattr: xattrs and overlay opaque markers when unpacking layers
  gcc make libc6-dev          # builds native/build/tstack-shim and tstack-spawn
  ca-certificates             # TLS to registries
)
EXAMPLE_PACKAGES=(
  busybox-static              # the base layer of the example's images
  docker-registry             # serves the example's images on 127.0.0.1 (started by the example only)
  skopeo                      # pushes them there
  curl                        # the example's round-trip check
)
TEST_PACKAGES=(
  docker.io                   # a real Docker Engine, the compose layer's second engine and the benchmarks' peer (skipped when Docker CE is there)
  docker-compose              # the Python v1 client, driven against the engine API in the tests
  debootstrap                 # the pull benchmark's large image (built once, cached in .cache/bench)
  vagrant                     # validates the Vagrantfile in the tests
  git
)
# Packages whose install enables (and, without a policy-rc.d, starts) a system service.
declare -A SERVICES=(
  [docker-registry]="docker-registry.service"
  [docker.io]="docker.socket docker.service"
  [containerd]="containerd.service"
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# A program of the user's, on PATH or in the directories a non-login root PATH may lack.
BIN_DIRS="${TSTACK_SETUP_BIN_DIRS-/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin}"
on_machine() {
  command -v "$1" >/dev/null 2>&1 && return 0
  for d in $BIN_DIRS; do [ -x "$d/$1" ] && return 0; done
  return 1
}

wanted=("${RUN_PACKAGES[@]}")
[ "$profile" = run ] || wanted+=("${EXAMPLE_PACKAGES[@]}")
[ "$profile" = test ] && wanted+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${wanted[@]}"; do
  installed "$p" && continue
  case "$p" in
    runc) on_machine runc && continue ;;       # Docker CE (containerd.io) or a runc of the user's own
    docker.io) on_machine dockerd && continue ;; # Docker CE: its dockerd is the tests' peer
  esac
  missing+=("$p")
done

# TSTACK_SETUP_DRY_RUN=1: only say what would be installed (the tests check the choices this way).
if [ "${TSTACK_SETUP_DRY_RUN:-}" = 1 ]; then
  echo "would install: ${missing[*]}"
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${missing[*]}: run as root (sudo), or install them with apt-get" >&2
    exit 1
  fi
  echo "setup ($profile): installing ${missing[*]}"
  # Services the new packages bring must not start: a policy-rc.d that says no while apt runs,
  # unless the machine already has one (then it decides, and the services are stopped below).
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# tstack setup: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  before=$(dpkg-query -W -f='${Package} ${Status}\n' 2>/dev/null | awk '/install ok installed/ {print $1}')
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Stop and disable the services of packages this run installed (not of those already there).
  for pkg in "${!SERVICES[@]}"; do
    installed "$pkg" || continue
    grep -qx "$pkg" <<<"$before" && continue
    for unit in ${SERVICES[$pkg]}; do
      if [ -d /run/systemd/system ]; then
        systemctl disable --now "$unit" >/dev/null 2>&1 || true
      elif [ -x "/etc/init.d/${unit%.*}" ]; then
        "/etc/init.d/${unit%.*}" stop >/dev/null 2>&1 || true
        update-rc.d "${unit%.*}" disable >/dev/null 2>&1 || true
      fi
    done
  done
  [ -e "$policy" ] && grep -q "tstack setup" "$policy" && rm -f "$policy"
  trap - EXIT
fi

# The checkout's owner keeps owning what a root setup makes in it (node_modules, dist, native/build).
owner=$(stat -c %u:%g "$here")
new_paths=()
for p in node_modules dist native/build .cache; do [ -e "$p" ] || new_paths+=("$p"); done

make -s -C native
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# bin/tstack.js runs the bundle (dist/) while it is newer than every source file; else the sources
# through tsx, ~0.3 s slower per command. Rebuilt only when stale.
if node scripts/build/needs-build.mjs; then npm run -s build; fi

if [ "$owner" != "0:0" ] && [ "$(id -u)" -eq 0 ]; then
  for p in "${new_paths[@]}"; do [ -e "$p" ] && chown -R "$owner" "$p"; done
  [ -e dist ] && chown -R "$owner" dist
fi
exit 0
