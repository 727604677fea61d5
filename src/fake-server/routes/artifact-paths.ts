import { invalidParameter } from '../mlflow-error.js'

/**
 * Returns the proxy path of an `mlflow-artifacts:` URI, so
 * `mlflow-artifacts:/1/r` is stored under `1/r`. Returns undefined for
 * URIs the proxy does not serve.
 */
export function proxyPathOf(uri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(uri)
  return match?.[1]?.replace(/\/+$/, '')
}

/**
 * Decodes and checks a relative artifact path as MLflow's
 * `validate_path_is_safe` does: no `..` part, no absolute path, no `#`
 * and no backslash.
 */
export function safeArtifactPath(raw: string): string {
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    throw invalidParameter('Invalid path')
  }
  if (
    path.includes('#') ||
    path.includes('\\') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').includes('..')
  ) {
    throw invalidParameter('Invalid path')
  }
  return path
}

/** Joins relative artifact paths, skipping empty parts. */
export function joinArtifactPath(...parts: readonly string[]): string {
  return parts
    .flatMap(part => part.split('/'))
    .filter(part => part !== '')
    .join('/')
}
