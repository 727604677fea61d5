#!/usr/bin/env bash
# Builds the pinned workflow tools into .tools/bin with Go: actionlint,
# which the unit tests run over every workflow, nektos/act, which the
# end-to-end tests run workflows with, and fake-gcs-server, the Google
# Cloud Storage emulator of the Unity Catalog storage tests. It needs the
# Go module proxy the first time, so .ci/run calls it before the tests
# enter their network namespace; later calls build nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12
# act 0.2.81 is the first release that runs node24 actions.
ACT_VERSION=v0.2.87
FAKE_GCS_VERSION=v1.56.1

export GOBIN="$PWD/.tools/bin"
mkdir -p "$GOBIN"

# Prints the module version a Go-built binary records, or nothing.
built_version() {
  [[ -x "$1" ]] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3 }'
}

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: actionlint, act and fake-gcs-server" \
    "cannot be built" >&2
  exit 1
fi
if [[ "$(built_version "$GOBIN/actionlint")" != "$ACTIONLINT_VERSION" ]]; then
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
if [[ "$(built_version "$GOBIN/act")" != "$ACT_VERSION" ]]; then
  go install "github.com/nektos/act@$ACT_VERSION"
fi
if [[ "$(built_version "$GOBIN/fake-gcs-server")" != "$FAKE_GCS_VERSION" ]]; then
  go install "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
fi
"$GOBIN/actionlint" -version | head -1
"$GOBIN/act" --version
