#!/usr/bin/env bash
# Runs the demo on a fresh clone: installs the npm packages and the
# pinned MLflow if they are missing, builds dist/ if needed, then runs
# scripts/demo.mjs on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x node_modules/.bin/node ]] || npm ci --no-audit --no-fund
bash scripts/mlflow/setup-venv.sh
[[ -f dist/index.js ]] || npm run bundle
exec node_modules/.bin/node scripts/demo.mjs
