#!/usr/bin/env bash
# The main job: bring the example stack (examples/microservices) up on tstack's own engine.
# Builds its images offline from Debian packages (cached), serves them from a loopback
# registry on 127.0.0.1:${TSTACK_REGISTRY_PORT:-5000}, runs `tstack up -d --wait`, then proves
# the frontend → backend → db round trip. `tstack down -v` (in examples/microservices) ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh example
# The registry's port: TSTACK_REGISTRY_PORT when set, else 5000 unless something else holds it.
if [ -n "${TSTACK_REGISTRY_PORT:-}" ]; then
  addr="127.0.0.1:${TSTACK_REGISTRY_PORT}"
else
  addr=$(node --import tsx scripts/example-images/registry.ts addr)
  export TSTACK_REGISTRY_PORT="${addr##*:}"
  [ "$TSTACK_REGISTRY_PORT" = 5000 ] || echo "example: 127.0.0.1:5000 is in use, so the example's registry serves on ${addr} (TSTACK_REGISTRY_PORT=${TSTACK_REGISTRY_PORT} for later tstack commands)"
fi
node --import tsx scripts/example-images/build.ts "${addr}" --start-registry
cd examples/microservices
../../bin/tstack.js up -d --wait
frontend="http://localhost:${FRONTEND_PORT:-8080}"
backend="http://localhost:${BACKEND_PORT:-3000}"
echo
echo "frontend: ${frontend}/"
echo "backend:  ${backend}/api/counter"
echo -n "round trip (frontend → backend → db): "
curl -fsS "${frontend}/cgi-bin/api/counter"
echo
echo "stop it with: (cd examples/microservices && ../../bin/tstack.js down -v)"
