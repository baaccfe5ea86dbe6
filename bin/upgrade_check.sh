#!/usr/bin/env bash
#
# Upgrade check: an install made by an earlier version, full of data, must
# take this checkout's migrations. For each of the last schema versions (the
# state of database/ before each of the latest commits that changed it), this
# script checks that version out, migrates a fresh database and seeds the demo
# company with that version's own code, then runs this checkout's
# `migration:run` on it and `points:reconcile` after it.
#
#   bin/upgrade_check.sh                 # the last $UPGRADE_VERSIONS (3) schema versions, SQLite
#   UPGRADE_FROM=<commit> bin/upgrade_check.sh   # one given version
#   UPGRADE_PG_URL=postgres://…/db bin/upgrade_check.sh   # also on PostgreSQL (database recreated)
#
# Needs the git history (a clone, not an export) and this checkout's
# node_modules, which the old versions share when their package-lock.json is
# the same; a version whose lock differs is skipped with a line saying so.
#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The project's own Node (24), as npm scripts get it, whatever the machine's is.
export PATH="$ROOT/node_modules/.bin:$PATH"
VERSIONS="${UPGRADE_VERSIONS:-3}"
WORK="$(mktemp -d /tmp/quanzi-upgrade.XXXXXX)"
trap 'git -C "$ROOT" worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

if [ -n "${UPGRADE_FROM:-}" ]; then
  versions=("$UPGRADE_FROM")
else
  mapfile -t changes < <(git log --format=%H -n "$VERSIONS" --first-parent -- database/)
  versions=()
  for change in "${changes[@]}"; do versions+=("$change~1"); done
fi
if [ ${#versions[@]} -eq 0 ]; then
  echo "upgrade check: no earlier schema version in the history"
  exit 0
fi

APP_KEY_FOR_CHECK="upgrade-check-key-$(date +%s)-0123456789abcdef"
run_ace() { # <dir> <database env…> -- <ace args…>
  local dir="$1"
  shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  (cd "$dir" && env NODE_ENV=development APP_KEY="$APP_KEY_FOR_CHECK" LOG_LEVEL=warn DEMO_DATA=true \
    PORT=3390 HOST=localhost APP_URL=http://localhost:3390 "${envs[@]}" node ace "$@")
}

check_one() { # <version> <label> <database env…>
  local version="$1" label="$2"
  shift 2
  echo "--- upgrade from $(git rev-parse --short "$version") on $label"
  run_ace "$WORK/old" "$@" -- setup >/dev/null
  run_ace "$ROOT" "$@" -- migration:run --force
  run_ace "$ROOT" "$@" -- points:reconcile
}

for version in "${versions[@]}"; do
  if ! git rev-parse --verify -q "$version^{commit}" >/dev/null; then
    echo "--- skip $version: not in this clone's history (shallow clone?)"
    continue
  fi
  if ! git diff --quiet "$version" HEAD -- package-lock.json; then
    echo "--- skip $(git rev-parse --short "$version"): its package-lock.json differs from this checkout's"
    continue
  fi
  git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true
  git worktree add --detach -q "$WORK/old" "$version"
  ln -s "$ROOT/node_modules" "$WORK/old/node_modules"
  if [ ! -d "$WORK/old/.adonisjs" ]; then run_ace "$WORK/old" -- codegen >/dev/null; fi

  rm -f "$WORK/upgrade.sqlite"
  check_one "$version" SQLite DB_CONNECTION=sqlite SQLITE_PATH="$WORK/upgrade.sqlite"

  if [ -n "${UPGRADE_PG_URL:-}" ]; then
    db="${UPGRADE_PG_URL##*/}"
    psql "${UPGRADE_PG_URL%/*}/postgres" -qc "drop database if exists $db" -c "create database $db"
    check_one "$version" PostgreSQL DB_CONNECTION=pg DATABASE_URL="$UPGRADE_PG_URL"
  fi
done
echo "upgrade check: ok"
