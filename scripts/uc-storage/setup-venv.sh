#!/usr/bin/env bash
# Creates .venv-uc with moto's S3 and STS server for the Unity Catalog
# tests: their stand-in registry hands out temporary credentials from
# moto's STS, and the action uploads model files to moto's S3. Skips the
# install when .venv-uc already holds this pin.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.venv-uc
pin='moto[server]==5.2.5'
stamp="$venv/.installed"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$pin" ]]; then
  echo "moto environment is up to date ($venv)"
  exit 0
fi

echo "Installing $pin into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$pin"
"$venv/bin/moto_server" --help >/dev/null
echo "$pin" > "$stamp"
