#!/usr/bin/env bash
# Creates .venv-extra with the OpenSSF model signing library and the
# sigstore-python release it verifies with, so the tests can check that
# Python verifiers accept the bundles this project writes. Skips the
# install when .venv-extra already contains exactly these pins.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.venv-extra
stamp="$venv/.installed"
wanted=$(sha256sum scripts/model-signing/requirements.txt | cut -c1-64)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "Model signing environment is up to date ($venv)"
  exit 0
fi

echo "Installing model-signing into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -r scripts/model-signing/requirements.txt
echo "$wanted" > "$stamp"
