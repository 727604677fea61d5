#!/usr/bin/env bash
# Creates the project-local virtual environment .venv with the pinned
# MLflow server and client. Skips the install when .venv already holds
# exactly these pins.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.venv
stamp="$venv/.installed"
wanted=$(cat scripts/mlflow/requirements.txt scripts/mlflow/constraints.txt | sha256sum | cut -c1-64)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "MLflow environment is up to date ($venv)"
  exit 0
fi

echo "Installing MLflow into $venv (about a minute)"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -r scripts/mlflow/requirements.txt -c scripts/mlflow/constraints.txt
"$venv/bin/mlflow" --version
echo "$wanted" > "$stamp"
