import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, services } from '@adonisjs/drive'
import { s3DiskOptions } from '#app/shared/storage/s3_disk'

/**
 * Attachments and exports: the local disk by default (data/storage), or an
 * S3-compatible service with DRIVE_DISK=s3 and the S3_* variables. The s3
 * service is only built when used, so the local disk needs none of them.
 */
const driveConfig = defineConfig({
  default: env.get('DRIVE_DISK', 'fs'),
  services: {
    fs: services.fs({
      location: app.makePath('data/storage'),
      serveFiles: false,
      routeBasePath: '/uploads',
      visibility: 'private',
    }),
    s3: services.s3(
      s3DiskOptions({
        bucket: env.get('S3_BUCKET', ''),
        region: env.get('S3_REGION', 'us-east-1'),
        endpoint: env.get('S3_ENDPOINT'),
        accessKeyId: env.get('S3_ACCESS_KEY_ID', ''),
        secretAccessKey: env.get('S3_SECRET_ACCESS_KEY', ''),
        forcePathStyle: env.get('S3_FORCE_PATH_STYLE', false),
      })
    ),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
