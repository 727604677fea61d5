#!/usr/bin/env bash
# Installs moto's S3 and STS server into .venv-uc, for the Unity Catalog
# tests: the stand-in registry hands out temporary AWS credentials that
# moto's STS issued, and the action uploads the model files to moto's S3.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-uc
.venv-uc/bin/pip install --quiet 'moto[server]==5.2.5'
.venv-uc/bin/moto_server --help >/dev/null
echo "moto server installed in .venv-uc"
