import { defineConfig } from 'vite'
import tailwindcss from '@tailwindcss/vite'
import adonisjs from '@adonisjs/vite/client'

export default defineConfig({
  plugins: [
    tailwindcss(),
    adonisjs({
      entryPoints: ['resources/css/app.css', 'resources/js/app.js'],
      reload: ['resources/views/**/*.edge'],
    }),
  ],
  server: {
    watch: {
      ignored: ['**/data/**', '**/tmp/**', '**/storage/**'],
    },
    // In development the app answers through Vite's middleware, which would otherwise serve
    // any file under the project by its path: the SQLite database in data/, uploads, source.
    // Only the front-end sources and their packages may be served (data/ and tmp/ are outside
    // `allow`; deny patterns match absolute paths, so they must not name folders a checkout may
    // itself live under, such as /tmp).
    fs: {
      strict: true,
      allow: ['resources', 'node_modules'],
      deny: ['.env', '.env.*', '*.{crt,pem,key}', '**/.git/**', '**/*.sqlite*'],
    },
  },
})
