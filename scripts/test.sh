#!/usr/bin/env bash
# `npm test`: installs what the tests need on a fresh machine, then runs every test: types,
# unit and in-process tests (vitest), PostgreSQL tests against a real server, and Playwright
# against the production build in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n== %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install $*" >&2; return 1; fi
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci: exactly what package-lock.json records (every platform's optional binaries are in it),
  # never rewriting it; it also replaces a node_modules installed from an older lock
  step "npm ci"
  npm ci --no-audit --no-fund
fi
[ -d public/cesium/Workers ] || node scripts/copy-cesium.mjs

if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  # the UI is Chinese first: without Noto CJK every Chinese glyph in a screenshot is a box
  step "installing Debian's chromium and CJK fonts"
  apt_install chromium fonts-liberation fonts-noto-cjk
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "installing Debian's postgresql"
  apt_install postgresql
fi
if [ ! -x /usr/bin/redis-server ]; then
  step "installing Debian's redis-server"
  apt_install redis-server
fi
if [ ! -x /usr/sbin/mosquitto ]; then
  step "installing Debian's mosquitto"
  apt_install mosquitto
fi

step "typecheck"
npx tsc --noEmit -p tsconfig.json

step "unit and in-process tests (vitest)"
npx vitest run

step "production build"
npx next build

step "browser tests (Playwright, Debian Chromium)"
npx playwright test
