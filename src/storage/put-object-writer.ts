import type { ExtraHeader } from '../config/extra-headers.js'
import { maskSecret } from '../config/secrets.js'
import { encodeComponentStrict } from '../http/url.js'
import { fileBody } from './file-chunks.js'
import { S3Signer } from './s3-signer.js'
import { storageClient } from './storage-client.js'
import type { StorageWriter, WriterContext } from './storage-writer.js'

/** Temporary credentials of an S3-compatible store, as the registry issues. */
export interface AccessKeys {
  readonly access_key_id: string
  readonly secret_access_key: string
  readonly session_token?: string | undefined
}

/** The bucket, credentials and names of one S3-compatible upload. */
export interface PutObjectTarget {
  readonly keys: AccessKeys
  /** The region the SigV4 signature is made for. */
  readonly region: string
  /** The URL that object keys are joined to. */
  readonly bucketUrl: URL
  /** The key prefix below the bucket, without slashes at either end. */
  readonly prefix: string
  /** The store's name in messages, such as `S3`. */
  readonly service: string
  /** The URI of an object key, for messages. */
  describe(key: string): string
  readonly headers?: readonly ExtraHeader[]
}

/**
 * Makes a writer that sends one SigV4-signed PUT Object per file, for S3
 * and the stores that speak its API. The secret key and the session token
 * are masked first.
 */
export function putObjectWriter(
  context: WriterContext,
  target: PutObjectTarget
): StorageWriter {
  // NOTE: one PUT Object per file, so a file over 5 GiB, the limit of one
  // PUT in S3, fails; MLflow's S3 repository uploads such files in parts.
  const { keys } = target
  const mask = context.http.options.mask
  if (mask) {
    maskSecret(mask, keys.secret_access_key)
    if (keys.session_token) maskSecret(mask, keys.session_token)
  }
  const signer = new S3Signer(
    {
      accessKeyId: keys.access_key_id,
      secretAccessKey: keys.secret_access_key,
      ...(keys.session_token ? { sessionToken: keys.session_token } : {})
    },
    target.region
  )
  const storage = storageClient(
    context,
    target.bucketUrl,
    signer,
    target.headers
  )
  return {
    async put(file) {
      const key = target.prefix
        ? `${target.prefix}/${file.relativePath}`
        : file.relativePath
      await storage.send({
        method: 'PUT',
        path: encodeObjectKey(key),
        body: fileBody(file),
        operation: `upload model file to ${target.service}`,
        resource: target.describe(key),
        idempotent: true
      })
    }
  }
}

/**
 * Encodes an object key as SigV4 for S3 expects, each segment strictly.
 * `encodeURIComponent` leaves `!'()*` as they are, and S3 would then
 * compute a different signature.
 */
export function encodeObjectKey(key: string): string {
  return key.split('/').map(encodeComponentStrict).join('/')
}
