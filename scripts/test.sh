#!/usr/bin/env bash
# Runs every test suite: unit tests in-process, integration and end-to-end
# tests against real MLflow servers that jest's global setup starts on
# loopback. Arguments go to jest, for example `npm test -- --selectProjects
# unit`, which needs no Python environment, so none is set up for it.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -x node_modules/.bin/jest ]] || npm ci --no-audit --no-fund
if [[ " $* " != *" --selectProjects unit "* &&
  " $* " != *" --selectProjects=unit "* ||
  " $* " == *" integration "* || " $* " == *" e2e "* ]]; then
  bash scripts/mlflow/setup-venv.sh
  bash scripts/model-signing/setup-venv.sh
  bash scripts/uc-storage/setup-venv.sh
fi
# actionlint runs in the unit tests, act and fake-gcs-server in the others.
bash scripts/install-go-tools.sh
if [[ ! -f dist/index.js || ! -f dist/cli/index.js ]]; then
  npm run bundle
fi
NODE_OPTIONS=--experimental-vm-modules NODE_NO_WARNINGS=1 exec jest "$@"
