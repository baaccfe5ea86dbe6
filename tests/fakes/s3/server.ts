import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** RFC 3986 encoding, as SigV4 wants it for query strings. */
function rfc3986(value: string) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/**
 * A local stand-in for an S3-compatible object store, path-style
 * (`/<bucket>/<key>`): PUT, GET, HEAD and DELETE of objects. Every request
 * must carry an AWS Signature Version 4 `Authorization` header, checked the
 * way S3 checks it (canonical request, scope, signing key, payload hash,
 * clock skew); anything else is answered with S3's XML errors.
 */
export class FakeS3 {
  readonly objects = new Map<string, { body: Buffer; type: string; modified: Date }>()
  readonly requests: Array<{ method: string; key: string; status: number }> = []
  url = ''
  #server: Server | null = null

  constructor(
    readonly bucket = 'quanzi-test',
    readonly region = 'cn-test-1',
    readonly accessKeyId = 'AKIDQUANZITEST',
    readonly secretAccessKey = 'fake-secret-0123456789'
  ) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    const { port } = this.#server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    return this.url
  }

  async stop() {
    if (this.#server) await new Promise((resolve) => this.#server!.close(resolve))
    this.#server = null
  }

  #error(res: ServerResponse, status: number, code: string, message: string, head = false) {
    res.writeHead(status, { 'content-type': 'application/xml' })
    res.end(
      head
        ? undefined
        : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
    )
    return status
  }

  /** Checks the SigV4 signature; returns an error code, or null when it is right. */
  #verify(req: IncomingMessage, body: Buffer): [string, string] | null {
    const auth = req.headers.authorization ?? ''
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        auth
      )
    if (!match) return ['AccessDenied', 'Missing or malformed SigV4 Authorization']
    const [, keyId, day, region, signedHeaders, signature] = match
    if (keyId !== this.accessKeyId) return ['InvalidAccessKeyId', 'Unknown access key']
    if (region !== this.region) return ['AuthorizationHeaderMalformed', 'Wrong region']
    const amzDate = String(req.headers['x-amz-date'] ?? '')
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) {
      return ['AccessDenied', 'Bad x-amz-date']
    }
    const at = Date.parse(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`
    )
    if (Math.abs(Date.now() - at) > 15 * 60 * 1000) {
      return [
        'RequestTimeTooSkewed',
        'The difference between the request time and now is too large',
      ]
    }
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '')
    if (!payloadHash) return ['InvalidRequest', 'Missing x-amz-content-sha256']
    if (payloadHash.startsWith('STREAMING-')) return ['NotImplemented', 'aws-chunked uploads']
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) {
      return ['XAmzContentSHA256Mismatch', 'The payload hash does not match']
    }
    const names = signedHeaders.split(';')
    if (!names.includes('host') || !names.includes('x-amz-date')) {
      return ['AccessDenied', 'host and x-amz-date must be signed']
    }
    const [path, query = ''] = (req.url ?? '/').split('?')
    const canonicalQuery = query
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [k, v = ''] = pair.split('=')
        return [rfc3986(decodeURIComponent(k)), rfc3986(decodeURIComponent(v))]
      })
      .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&')
    const canonicalHeaders = names
      .map((name) => {
        const value = req.headers[name]
        const text = Array.isArray(value) ? value.join(',') : String(value ?? '')
        return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`
      })
      .join('')
    const canonicalRequest = [
      req.method,
      path,
      canonicalQuery,
      canonicalHeaders,
      signedHeaders,
      payloadHash,
    ].join('\n')
    const scope = `${day}/${region}/s3/aws4_request`
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n')
    const key = hmac(
      hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, day), region), 's3'),
      'aws4_request'
    )
    const expected = Buffer.from(hmac(key, stringToSign).toString('hex'))
    if (!timingSafeEqual(expected, Buffer.from(signature))) {
      return ['SignatureDoesNotMatch', 'The request signature we calculated does not match']
    }
    return null
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const head = req.method === 'HEAD'
    const path = (req.url ?? '/').split('?')[0]
    const [, bucket, ...rest] = path.split('/')
    const key = rest.map((part) => decodeURIComponent(part)).join('/')
    const record = (status: number) => this.requests.push({ method: req.method!, key, status })

    const problem = this.#verify(req, body)
    if (problem) return record(this.#error(res, 403, problem[0], problem[1], head))
    if (bucket !== this.bucket) {
      return record(this.#error(res, 404, 'NoSuchBucket', 'No such bucket', head))
    }
    if (!key) return record(this.#error(res, 501, 'NotImplemented', 'Bucket operations', head))

    switch (req.method) {
      case 'PUT': {
        this.objects.set(key, {
          body,
          type: String(req.headers['content-type'] ?? 'application/octet-stream'),
          modified: new Date(),
        })
        res.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` })
        res.end()
        return record(200)
      }
      case 'GET':
      case 'HEAD': {
        const object = this.objects.get(key)
        if (!object) return record(this.#error(res, 404, 'NoSuchKey', 'No such key', head))
        res.writeHead(200, {
          'content-type': object.type,
          'content-length': object.body.length,
          'etag': `"${createHash('md5').update(object.body).digest('hex')}"`,
          'last-modified': object.modified.toUTCString(),
        })
        res.end(head ? undefined : object.body)
        return record(200)
      }
      case 'DELETE': {
        this.objects.delete(key)
        res.writeHead(204)
        res.end()
        return record(204)
      }
      default:
        return record(this.#error(res, 501, 'NotImplemented', 'Not implemented'))
    }
  }
}
