import proxyAddr from 'proxy-addr'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'

/**
 * Application-wide HTTP settings. Cookies are HttpOnly and SameSite=lax
 * everywhere; `secure` is on whenever the app is served over HTTPS.
 */
export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: true,
  /**
   * Only a reverse proxy on this host (nginx in front of Quanzi) may set
   * X-Forwarded-For; otherwise any client could pick its own IP and dodge
   * login throttling. TRUSTED_PROXIES widens this (e.g. "10.0.0.5").
   */
  trustProxy: proxyAddr.compile([
    'loopback',
    ...env
      .get('TRUSTED_PROXIES', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ]),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction && env.get('APP_URL').startsWith('https://'),
    sameSite: 'lax',
  },
})
