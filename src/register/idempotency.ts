import { nodeCrypto } from '../node-crypto.js'
import type { Provenance } from './provenance.js'

/**
 * Derives the idempotency key of a registration: a hash of the CI run (not
 * its attempt, so a re-run finds the version of the first attempt), the
 * model name and what is registered (the source URI, or the digest of a
 * local model directory's contents).
 */
export function deriveIdempotencyKey(
  provenance: Provenance,
  modelName: string,
  origin: { readonly source: string } | { readonly contentDigest: string }
): string {
  const parts = [
    'v1',
    provenance.system,
    provenance.repository ?? '',
    provenance.workflow ?? '',
    provenance.runId ?? '',
    modelName,
    'source' in origin
      ? `source:${origin.source}`
      : `sha256:${origin.contentDigest}`
  ]
  return nodeCrypto()
    .createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('hex')
}
