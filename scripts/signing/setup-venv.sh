#!/usr/bin/env bash
# Creates .venv-signing with model-signing, whose CLI the interop tests
# run to check signatures both ways. It runs from any directory, and a
# second run only installs what is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv-signing"
python="${PYTHON:-python3.11}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -r "$root/scripts/signing/requirements.txt"
"$venv/bin/model_signing" --help >/dev/null
echo "model-signing is ready in $venv"
