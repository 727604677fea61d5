/**
 * Reads and edits what a registration left on the tracking server: the
 * tags of a model version and files behind the artifact proxy.
 */
import { expect } from '@jest/globals'

import type { RestModelVersion, Target } from './registration.js'

/** Returns a model version's tags as a key-to-value record. */
export function tagsOf(version: RestModelVersion): Record<string, string> {
  return Object.fromEntries(
    (version.tags ?? []).map(tag => [tag.key, tag.value])
  )
}

/** Returns the artifact proxy path of an `mlflow-artifacts:` URI. */
export function proxyPathOf(uri: string): string {
  return uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\//, '')
}

/** Replaces a file in the artifact store through the artifact proxy. */
export async function overwriteArtifact(
  target: Target,
  artifactPath: string,
  text: string
): Promise<void> {
  const api = `${target.server.url}/api/2.0/mlflow-artifacts/artifacts`
  const url = `${api}/${artifactPath}`
  const response = await fetch(url, { method: 'PUT', body: text })
  expect(response.status).toBe(200)
}
