import { configApp } from '@adonisjs/eslint-config'

/**
 * ESLint with the AdonisJS app preset (TypeScript rules, Prettier as a rule).
 * Generated, built and vendored files are not ours to lint.
 */
export default configApp(
  {
    name: 'Quanzi ignores',
    ignores: [
      'build/**',
      'tmp/**',
      'data/**',
      'public/assets/**',
      'node_modules/**',
      '.adonisjs/**',
      'bench/out/**',
    ],
  },
  {
    name: 'Quanzi rules',
    files: ['**/*.ts'],
    // `value == null` is the one loose comparison we allow: it means null or undefined.
    rules: { eqeqeq: ['error', 'always', { null: 'ignore' }] },
  }
)
