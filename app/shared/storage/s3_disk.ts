import type { S3DriverOptions } from 'flydrive/drivers/s3/types'

export interface S3DiskSettings {
  bucket: string
  region: string
  endpoint?: string | null
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle?: boolean
}

/**
 * The drive's S3 disk options from the S3_* settings (config/drive.ts), in
 * one place so the test against the fake S3 server uses exactly these.
 * Private objects; plain checksummed request bodies rather than aws-chunked
 * uploads, which many S3-compatible stores do not accept.
 */
export function s3DiskOptions(settings: S3DiskSettings): S3DriverOptions {
  return {
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    region: settings.region,
    bucket: settings.bucket,
    endpoint: settings.endpoint || undefined,
    forcePathStyle: settings.forcePathStyle ?? false,
    visibility: 'private',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }
}
