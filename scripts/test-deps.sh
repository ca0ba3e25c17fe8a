#!/usr/bin/env bash
# Installs what the test suite needs beyond Go, on a fresh machine or CI.
# Everything here is idempotent; a step that cannot run on this machine
# says so, and the tests that need it skip (or fail under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "test-deps: Go modules"
go mod download
