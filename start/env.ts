/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable the app reads is declared and validated here. A missing
| or invalid value stops the process with an error naming the variable.
|
*/

import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  APP_NAME: Env.schema.string.optional(),
  /** Comma-separated addresses of reverse proxies allowed to set X-Forwarded-For. */
  TRUSTED_PROXIES: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.enum([
    'trace',
    'debug',
    'info',
    'warn',
    'error',
    'fatal',
    'silent',
  ] as const),

  /** The company's default time zone; users may pick their own. */
  APP_TIMEZONE: Env.schema.string.optional(),
  /** Default UI language for new users: zh-CN or en. */
  APP_LOCALE: Env.schema.enum.optional(['zh-CN', 'en'] as const),

  SESSION_DRIVER: Env.schema.enum(['cookie', 'memory'] as const),

  /*
  |----------------------------------------------------------
  | Database: SQLite by default, PostgreSQL when configured
  |----------------------------------------------------------
  */
  DB_CONNECTION: Env.schema.enum(['sqlite', 'pg'] as const),
  SQLITE_PATH: Env.schema.string.optional(),
  SQLITE_CACHE_MB: Env.schema.number.optional(),
  DATABASE_URL: Env.schema.string.optional(),
  PG_HOST: Env.schema.string.optional(),
  PG_PORT: Env.schema.number.optional(),
  PG_USER: Env.schema.string.optional(),
  PG_PASSWORD: Env.schema.secret.optional(),
  PG_DB_NAME: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Redis: optional. When set, jobs run on BullMQ and a separate
  | worker (`node ace queue:work`); otherwise in-process.
  |----------------------------------------------------------
  */
  REDIS_URL: Env.schema.string.optional(),
  QUEUE_PREFIX: Env.schema.string.optional(),
  QUEUE_CONCURRENCY: Env.schema.number.optional(),
  QUEUE_SHUTDOWN_GRACE_MS: Env.schema.number.optional(),

  /** Seed demo data on first `npm run dev` (default true outside production). */
  DEMO_DATA: Env.schema.boolean.optional(),

  /** Requests per minute per API token on /api/v1 (default 600). */
  API_RATE_LIMIT: Env.schema.number.optional(),

  /** Where uploaded files live: `fs` (data/storage, default) or `s3` (an S3-compatible service, below). */
  DRIVE_DISK: Env.schema.enum.optional(['fs', 's3'] as const),
  S3_BUCKET: Env.schema.string.optional(),
  S3_REGION: Env.schema.string.optional(),
  /** The service's endpoint for S3-compatible stores (MinIO, OSS, COS …); none for AWS itself. */
  S3_ENDPOINT: Env.schema.string.optional(),
  S3_ACCESS_KEY_ID: Env.schema.string.optional(),
  S3_SECRET_ACCESS_KEY: Env.schema.string.optional(),
  /** `true` for path-style URLs (bucket in the path), which most S3-compatible stores want. */
  S3_FORCE_PATH_STYLE: Env.schema.boolean.optional(),

  /** Outgoing mail (password resets are done by admins; mail is optional). */
  SMTP_HOST: Env.schema.string.optional(),
  SMTP_PORT: Env.schema.number.optional(),
  MAIL_FROM: Env.schema.string.optional(),

  /** A folder of extra plugins (compiled JavaScript), besides the bundled plugins/. */
  QUANZI_PLUGINS_DIR: Env.schema.string.optional(),

  /** Where login-throttling counters live (database by default). */
  LIMITER_STORE: Env.schema.enum.optional(['database', 'memory'] as const),
})
