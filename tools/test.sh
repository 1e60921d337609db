#!/usr/bin/env bash
# Runs every check and test (installing dependencies first when needed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[hub] installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
exec node tools/test.mjs "$@"
