#!/usr/bin/env bash
#
# Production build smoke test: the Dockerfile's steps, without Docker.
#
#   1. `node ace build` (TypeScript + Vite assets) into build/
#   2. copy build/ to a scratch folder and `npm ci --omit=dev` there
#   3. `node ace migration:run --force` against a throw-away SQLite file
#   4. start `node bin/server.js` with NODE_ENV=production and check that
#      /health and /login answer 200 and the built CSS/JS are served
#   5. stop the server with SIGTERM (graceful shutdown)
#
# The scratch folder lives outside the project on purpose: inside it, Node
# would find missing packages in the project's own node_modules and hide a
# runtime dependency that was declared as a devDependency.
#
# Usage: bin/smoke_build.sh [extra `node ace build` flags, e.g. --ignore-ts-errors]
# Env:   SMOKE_DIR (scratch folder, default: a new temp dir), SMOKE_PORT (default: a free port),
#        SMOKE_KEEP=1 keeps the scratch folder after success.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The project's own Node 24 (the `node` devDependency) runs everything, npm included.
export PATH="$ROOT/node_modules/.bin:$PATH"

fail() {
  echo "SMOKE BUILD FAILED: $*" >&2
  exit 1
}
step() { echo "==> $*"; }

node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' \
  || fail "Node 24+ required, found $(node -v). Run npm install first."

SMOKE_DIR="${SMOKE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/quanzi-smoke.XXXXXX")}"
APP_DIR="$SMOKE_DIR/app"
DATA_DIR="$SMOKE_DIR/data"
SERVER_LOG="$SMOKE_DIR/server.log"
SERVER_PID=""

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $status -eq 0 && "${SMOKE_KEEP:-0}" != "1" ]]; then
    rm -rf "$SMOKE_DIR"
  else
    echo "Scratch folder kept: $SMOKE_DIR (server log: $SERVER_LOG)" >&2
  fi
}
trap cleanup EXIT

step "node ace build $*"
node ace build "$@" || fail "node ace build failed"

step "checking the build has what the runtime needs"
for required in \
  bin/server.js bin/console.js ace.js adonisrc.js package.json package-lock.json \
  start/env.js config/app.js .adonisjs/server \
  resources/views/components/layouts/app.edge resources/lang/zh-CN resources/lang/en \
  public/manifest.webmanifest public/assets/.vite/manifest.json \
  database/migrations; do
  [[ -e "build/$required" ]] || fail "build/$required is missing"
done
ls build/database/migrations/*.js >/dev/null 2>&1 || fail "no compiled migrations in build/database/migrations"

step "npm ci --omit=dev in $APP_DIR"
rm -rf "$APP_DIR"
mkdir -p "$SMOKE_DIR" "$DATA_DIR"
cp -R build "$APP_DIR"
if ! (cd "$APP_DIR" && npm ci --omit=dev --no-audit --no-fund --loglevel=error 2>"$SMOKE_DIR/npm-ci.log"); then
  # Same fallback as the Dockerfile: a lock file that lacks other platforms' optional
  # binaries makes `npm ci` refuse; `npm install` keeps every locked version and fills them in.
  grep -q 'EUSAGE' "$SMOKE_DIR/npm-ci.log" || { cat "$SMOKE_DIR/npm-ci.log" >&2; fail "npm ci --omit=dev failed"; }
  echo "WARNING: package-lock.json is out of sync with package.json (npm ci refused):" >&2
  grep -m 5 'Missing:' "$SMOKE_DIR/npm-ci.log" >&2 || true
  echo "WARNING: falling back to npm install --omit=dev; refresh the lock file with npm install." >&2
  (cd "$APP_DIR" && npm install --omit=dev --no-audit --no-fund --loglevel=error) \
    || fail "npm install --omit=dev failed"
fi

PORT="${SMOKE_PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
export NODE_ENV=production
export HOST=127.0.0.1
export PORT
export APP_URL="http://127.0.0.1:$PORT"
export APP_KEY="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')"
export LOG_LEVEL=info
export SESSION_DRIVER=cookie
export DB_CONNECTION=sqlite
export SQLITE_PATH="$DATA_DIR/quanzi.sqlite"
unset REDIS_URL DATABASE_URL

step "node ace migration:run --force (SQLite at $SQLITE_PATH)"
(cd "$APP_DIR" && node ace migration:run --force) || fail "migrations failed on the built app"

step "starting node bin/server.js on port $PORT"
(cd "$APP_DIR" && exec node bin/server.js) >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# HTTP checks in Node (no curl needed): /health, /login and every built asset the page links.
node --input-type=module - "$APP_URL" <<'EOF' || { tail -n 40 "$SERVER_LOG" >&2; fail "HTTP checks failed"; }
const base = process.argv[2]
const deadline = Date.now() + 60_000
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

let health
while (Date.now() < deadline) {
  try {
    health = await fetch(`${base}/health`)
    if (health.status === 200) break
  } catch {}
  await sleep(250)
}
if (!health || health.status !== 200) {
  console.error(`GET /health did not answer 200 within 60s (last: ${health?.status ?? 'no answer'})`)
  if (health) console.error(await health.text())
  process.exit(1)
}
const report = await health.json()
console.log(`GET /health 200 (healthy: ${report.isHealthy})`)

const login = await fetch(`${base}/login`)
const html = await login.text()
if (login.status !== 200) {
  console.error(`GET /login answered ${login.status}`)
  process.exit(1)
}
console.log('GET /login 200')

const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+\.(?:css|js))"/g)].map((m) => m[1])
if (!assets.some((a) => a.endsWith('.css')) || !assets.some((a) => a.endsWith('.js'))) {
  console.error(`/login does not link built CSS and JS from /assets (found: ${assets.join(', ') || 'none'})`)
  process.exit(1)
}
for (const asset of new Set(assets)) {
  const response = await fetch(`${base}${asset}`)
  const body = await response.arrayBuffer()
  if (response.status !== 200 || body.byteLength === 0) {
    console.error(`GET ${asset} answered ${response.status} (${body.byteLength} bytes)`)
    process.exit(1)
  }
  console.log(`GET ${asset} 200 (${body.byteLength} bytes)`)
}
EOF

step "checking the server logs JSON lines with request ids"
grep -q '"request_id"' "$SERVER_LOG" || { tail -n 20 "$SERVER_LOG" >&2; fail "no JSON log line with a request_id"; }

step "stopping the server (SIGTERM)"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  fail "the server did not stop within 10s of SIGTERM"
fi
SERVER_PID=""

echo "SMOKE BUILD OK"
