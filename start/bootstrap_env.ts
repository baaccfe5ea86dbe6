import { randomBytes } from 'node:crypto'
import { access, copyFile, readFile, writeFile } from 'node:fs/promises'

/**
 * First-run convenience for the embedded default: when there is no `.env`
 * yet (a fresh clone), copy `.env.example` and give it a freshly generated
 * APP_KEY, so `npm install && npm run dev` works without any manual step.
 *
 * Production never takes this path: there the environment comes from the
 * process (systemd, Docker, …) and a missing variable must stop the app.
 */
export async function ensureLocalEnvironment(appRoot: URL) {
  if (process.env.NODE_ENV === 'production' || process.env.NODE_ENV === 'test') return

  const envFile = new URL('.env', appRoot)
  if (await exists(envFile)) return

  const example = new URL('.env.example', appRoot)
  if (!(await exists(example))) return

  await copyFile(example, envFile)
  const contents = await readFile(envFile, 'utf8')
  const key = randomBytes(32).toString('base64url')
  await writeFile(envFile, contents.replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`))
  console.log('Created .env with a fresh APP_KEY (first run)')
}

async function exists(file: URL) {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}
