#!/usr/bin/env bash
# Installs what the test suite needs beyond Go, on a fresh machine or CI.
# Every step is idempotent. A step this machine cannot take says so; the
# tests that need what it would have installed then skip, except under
# CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "test-deps: Go modules"
go mod download

# Debian packages: real senders and a real browser for the integration
# tests (prometheus-alertmanager, chromium).
packages=(prometheus-alertmanager chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-deps: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test-deps: cannot install ${missing[*]} (needs root and apt-get); tests that need them will skip"
  fi
fi

# npm packages in infra/, pinned by infra/package-lock.json: fauxqs,
# playwright-core, adaptivecards and node 22.
if command -v npm >/dev/null; then
  # The stamp is the lockfile node_modules was installed from.
  if ! cmp -s infra/package-lock.json infra/node_modules/.installed-lock 2>/dev/null; then
    echo "test-deps: npm ci in infra/"
    (cd infra && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock)
  fi
else
  echo "test-deps: npm not found; tests that need the emulators in infra/ will skip"
fi
