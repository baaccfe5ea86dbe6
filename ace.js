/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Node cannot run TypeScript sources on its own, so this file registers the
| ts-exec hook and then imports the console entrypoint in bin/console.ts.
|
*/

import '@poppinss/ts-exec'

await import('./bin/console.js')
