#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the whole stack with the sandbox and a demo connection.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[hub] installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
echo "[hub] building…"
node tools/build.mjs
exec node tools/stack.mjs "$@"
