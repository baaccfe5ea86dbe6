import { randomUUID } from 'node:crypto'
import {
  HttpTransportError,
  PluginError,
  type PluginErrorCode,
  type PluginHttpClient,
} from '#plugin-sdk'
import { authorization, percentEncode, sha256Hex, sign } from './signature.js'

export const API_VERSION = '2017-05-25'

export interface AliyunCredentials {
  accessKeyId: string
  accessKeySecret: string
  endpoint: string
}

/** dysmsapi error codes → the normalised codes of the plugin SDK. */
const ERROR_MAP: Record<string, PluginErrorCode> = {
  'InvalidAccessKeyId.NotFound': 'auth',
  'InvalidAccessKeyId.Inactive': 'auth',
  'SignatureDoesNotMatch': 'auth',
  'IncompleteSignature': 'auth',
  'InvalidTimeStamp.Expired': 'auth',
  'SignatureNonceUsed': 'transient',
  'Forbidden.RAM': 'auth',
  'isv.ACCOUNT_NOT_EXISTS': 'auth',
  'isv.ACCOUNT_ABNORMAL': 'auth',
  'isv.DENY_IP_RANGE': 'auth',
  'isv.MOBILE_NUMBER_ILLEGAL': 'invalid_recipient',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'invalid_recipient',
  'isv.SMS_SIGNATURE_ILLEGAL': 'template_or_sign_unapproved',
  'isv.SMS_TEMPLATE_ILLEGAL': 'template_or_sign_unapproved',
  'isv.SMS_SIGN_ILLEGAL': 'template_or_sign_unapproved',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'content_rejected',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'content_rejected',
  'isv.PARAM_LENGTH_LIMIT': 'content_rejected',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'content_rejected',
  'isv.INVALID_PARAMETERS': 'content_rejected',
  'isv.BUSINESS_LIMIT_CONTROL': 'rate_limited',
  'Throttling.User': 'rate_limited',
  'Throttling': 'rate_limited',
  'isv.DAY_LIMIT_CONTROL': 'quota',
  'isv.AMOUNT_NOT_ENOUGH': 'quota',
  'isv.OUT_OF_SERVICE': 'quota',
  'ServiceUnavailable': 'transient',
  'InternalError': 'transient',
  'isp.SYSTEM_ERROR': 'transient',
  'isp.RAM_PERMISSION_DENY': 'auth',
}

export function mapError(code: string, message: string, status: number): PluginError {
  const mapped = ERROR_MAP[code] ?? (status >= 500 ? 'transient' : 'content_rejected')
  return new PluginError(mapped, `${code}: ${message}`, code)
}

/**
 * One signed RPC call to dysmsapi (POST, parameters as a form body, V3
 * signature). Answers the decoded JSON when Code is OK; throws a
 * normalised PluginError otherwise. Never retried here: a timeout may
 * mean the message went out, so it is reported as not retryable.
 */
export async function callAliyun(
  http: PluginHttpClient,
  credentials: AliyunCredentials,
  action: string,
  params: Record<string, string>
): Promise<Record<string, any>> {
  const url = new URL(credentials.endpoint)
  const body = Object.keys(params)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key])}`)
    .join('&')
  const headers: Record<string, string> = {
    'host': url.host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': action,
    'x-acs-version': API_VERSION,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID().replaceAll('-', ''),
    'x-acs-content-sha256': sha256Hex(body),
  }
  const path = url.pathname || '/'
  const { signature, signedHeaders } = sign(
    { method: 'POST', path, query: {}, headers, body },
    credentials.accessKeySecret
  )
  // fetch sets Host itself from the URL (the value that was signed).
  const sent: Record<string, string> = { ...headers }
  delete sent.host
  sent['authorization'] = authorization(credentials.accessKeyId, signedHeaders, signature)
  sent['accept'] = 'application/json'

  let response
  try {
    response = await http.request(url.toString(), {
      method: 'POST',
      headers: sent,
      body,
      retries: 0,
      timeoutMs: 10_000,
    })
  } catch (error) {
    const refused = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(
      (error as any)?.cause?.cause?.code
    )
    throw new PluginError(
      'transient',
      error instanceof HttpTransportError ? error.message : String(error),
      null,
      // Refused before anything was sent: safe to retry. A timeout may have sent it.
      { retryable: refused, cause: error }
    )
  }

  const data = response.json
  if (!data || typeof data !== 'object') {
    throw new PluginError('transient', `HTTP ${response.status}: not JSON`, null, {
      retryable: response.status >= 500,
    })
  }
  if (response.status !== 200 || data.Code !== 'OK') {
    throw mapError(
      String(data.Code ?? `HTTP${response.status}`),
      String(data.Message ?? ''),
      response.status
    )
  }
  return data
}
