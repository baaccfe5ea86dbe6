# syntax=docker/dockerfile:1
#
# Quanzi production image. One image, two processes:
#   web:    node bin/server.js           (the default command)
#   worker: node ace queue:work          (BullMQ worker, needs REDIS_URL)
# Migrations: node ace migration:run --force  (see docker-compose.yml)
#
# bin/smoke_build.sh runs the same build steps without Docker.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
# deps: every dependency, dev ones included, to build with
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts are needed: better-sqlite3 ships prebuilt binaries, and the
# `node` devDependency would only fetch a second Node 24 next to the image's own.
# `npm install` is the fallback for a lock file that lacks other platforms'
# optional binaries (npm ci refuses it); it keeps every locked version.
RUN npm ci --ignore-scripts --no-audit --no-fund \
  || (echo "WARNING: npm ci refused package-lock.json, using npm install" >&2 \
      && npm install --ignore-scripts --no-audit --no-fund)

# ---------------------------------------------------------------------------
# build: TypeScript + Vite assets into build/
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node ace build

# ---------------------------------------------------------------------------
# production: the build output and production dependencies only
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS production
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3333 \
    LOG_LEVEL=info \
    SESSION_DRIVER=cookie \
    DB_CONNECTION=sqlite \
    SQLITE_PATH=data/quanzi.sqlite \
    TZ=UTC
WORKDIR /app
COPY --from=build --chown=node:node /app/build ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  || (echo "WARNING: npm ci refused package-lock.json, using npm install" >&2 \
      && npm install --omit=dev --ignore-scripts --no-audit --no-fund) \
  && npm cache clean --force \
  && mkdir -p /app/data \
  && chown node:node /app/data

USER node
# The embedded SQLite database (with its -wal/-shm files) and uploads (data/storage).
VOLUME ["/app/data"]
EXPOSE 3333

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3333) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "bin/server.js"]
