/**
 * Runs the fake dysmsapi on its own, for trying aliyun-sms by hand:
 *
 *   node --import @poppinss/ts-exec tests/fakes/aliyun-sms/run.ts            (port 9301)
 *   FAKE_ALIYUN_PORT=9400 node --import @poppinss/ts-exec tests/fakes/aliyun-sms/run.ts
 *
 * Prints the endpoint and credentials to enter on the Plugins page.
 */
import { FakeAliyunSms } from './server.js'

const fake = new FakeAliyunSms()
const url = await fake.start(Number(process.env.FAKE_ALIYUN_PORT ?? 9301))
console.log(`fake dysmsapi listening on ${url}`)
console.log(`  endpoint:          ${url}`)
console.log(`  AccessKey ID:      ${fake.accessKeyId}`)
console.log(`  AccessKey secret:  ${fake.accessKeySecret}`)
console.log(`  approved sign:     ${Object.keys(fake.signs).join(', ')}`)
console.log(
  `  templates:         ${Object.entries(fake.templates)
    .map(([c, p]) => `${c}(${p.join(',')})`)
    .join(' ')}`
)
console.log(`  sent messages:     GET  ${url}/_fake/sent`)
console.log(
  `  push receipts:     POST ${url}/_fake/push-reports?url=<report URL from the Plugins page>`
)
console.log(`  push a reply:      POST ${url}/_fake/push-reply?url=<up URL>&phone=138…&content=R`)
process.once('SIGINT', () => void fake.stop().then(() => process.exit(0)))
