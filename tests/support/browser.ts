import { accessSync, constants } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, LaunchOptions, Page } from 'playwright-core'
import { STAFF_PASSWORD } from '#tests/support/staff'

/**
 * Browser tests drive the system's Chromium (CHROMIUM_PATH, else
 * /usr/bin/chromium) through playwright-core: nothing is downloaded. Playwright
 * gives every launch a fresh temporary profile directory of its own.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const SKIPPED_BANNER = 'BROWSER TESTS SKIPPED: Chromium not found (set CHROMIUM_PATH)'

/** The Chromium executable to use, or null when there is none. */
export function findChromium(): string | null {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  try {
    accessSync(candidate, constants.X_OK)
    return candidate
  } catch {
    return null
  }
}

/** Launcher for @japa/browser-client: headless Chromium with background traffic off. */
export function chromiumLauncher(executablePath: string) {
  return async ({
    headless,
    slowMo,
  }: Pick<LaunchOptions, 'headless' | 'slowMo'>): Promise<Browser> => {
    const browser = await chromium.launch({ headless, slowMo, executablePath, args: CHROMIUM_ARGS })
    const newContext = browser.newContext.bind(browser)
    browser.newContext = async (contextOptions) => {
      const context = await newContext(contextOptions)
      await silenceHotReload(context)
      return context
    }
    return browser
  }
}

/** The loud banner shown when the browser suite cannot run. */
export function printSkippedBanner() {
  const line = '!'.repeat(SKIPPED_BANNER.length + 8)
  console.error(`\n${line}\n!!! ${SKIPPED_BANNER} !!!\n${line}\n`)
}

/**
 * Vite's dev server (which serves the assets in the test environment) opens a
 * hot-reload websocket. Tests answer it with a silent fake so that edits to
 * templates, or another Vite process owning the port, never reload a page in
 * the middle of a test.
 */
export async function silenceHotReload(context: BrowserContext) {
  await context.routeWebSocket(/.*/, () => {})
}

/** Signs in through the real login form. */
export async function signIn(page: Page, uid: string, password: string = STAFF_PASSWORD) {
  await page.goto('/login')
  await page.locator('#uid').fill(uid)
  await page.locator('#password').fill(password)
  await page.locator('[data-testid="login-form"] button[type="submit"]').click()
}

/** Waits until htmx and Alpine are loaded and running on the page. */
export async function waitForClientScripts(page: Page) {
  await page.waitForFunction(() => {
    const w = globalThis as unknown as { htmx?: unknown; Alpine?: { version?: string } }
    return !!w.htmx && !!w.Alpine?.version
  })
}

/**
 * A phone-sized touch screen (390×844) of its own, signed in as `uid` and on
 * the dashboard; close `phone` when done.
 */
export async function signedInOnPhone(browserContext: BrowserContext, uid: string) {
  const phone = await browserContext.browser()!.newContext({
    baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  })
  await silenceHotReload(phone)
  const page = await phone.newPage()
  await signIn(page, uid)
  await page.waitForURL((url) => url.pathname === '/')
  return { phone, page }
}

/** How wide the page is laid out (wider than the screen: something overflows sideways). */
export async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)
}

/**
 * Answers the next dialog the page opens (an hx-confirm) and resolves to its
 * message. Set it up before the click that opens the dialog.
 */
export function answerNextDialog(page: Page, answer: 'accept' | 'dismiss'): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', async (dialog) => {
      const message = dialog.message()
      await (answer === 'accept' ? dialog.accept() : dialog.dismiss())
      resolve(message)
    })
  })
}
