#!/usr/bin/env bash
# `npm test`: install what the tests need (scripts/setup.sh test: idempotent, quick when all is
# there), type-check, then every test: unit tests beside the code and test/integration as root.
# Arguments go to vitest (e.g. `npm test -- --project unit`, or a reporter as .ci/run passes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
npm run -s typecheck
exec npx vitest run "$@"
