import { invalidParameter } from '../mlflow-error.js'

/**
 * URI helpers for model version sources, reading URIs the way MLflow's
 * Python code does with `urllib.parse`.
 */

/** The parts of a URI the source checks read. */
export interface ParsedUri {
  readonly scheme: string
  readonly netloc: string
  readonly path: string
}

/** Splits a URI like Python's `urlparse`, enough for these checks. */
export function parseUri(uri: string): ParsedUri {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri)
  // A one-letter scheme is a Windows drive, so MLflow treats it as a path.
  if (!match?.[1] || match[1].length === 1) {
    return { scheme: '', netloc: '', path: uri.split(/[?#]/)[0] ?? '' }
  }
  const rest = match[2] ?? ''
  const authority = /^\/\/([^/?#]*)(.*)$/s.exec(rest)
  const pathPart = authority ? (authority[2] ?? '') : rest
  return {
    scheme: match[1].toLowerCase(),
    netloc: authority?.[1] ?? '',
    path: pathPart.split(/[?#]/)[0] ?? ''
  }
}

/** The target of a `models:/` URI: a logged model or a model version. */
export interface ModelsTarget {
  readonly modelId?: string
  readonly name: string
  readonly version?: string
  readonly alias?: string
}

/** Reads the path of a `models:/` URI as MLflow's `_parse_model_uri` does. */
export function parseModelsPath(source: string, path: string): ModelsTarget {
  const parts = path.replace(/^\/+/, '').split('/')
  const [first = '', suffix] = parts
  if (!path.startsWith('/') || parts.length > 2 || first.trim() === '') {
    throw invalidParameter(
      `Not a proper models:/ URI: ${source}. Models URIs must be of the ` +
        "form 'models:/name/suffix' or 'models:/name@alias'."
    )
  }
  if (suffix !== undefined) {
    if (/^\d+$/.test(suffix)) return { name: first, version: suffix }
    return { name: first }
  }
  const at = first.lastIndexOf('@')
  if (at >= 0) return { name: first.slice(0, at), alias: first.slice(at + 1) }
  return { modelId: first, name: first }
}

/** Decodes percent escapes and `+`, like Python's `unquote_plus`. */
export function decodePlus(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}

function pathParts(uri: string): { scheme: string; parts: string[] } {
  const parsed = parseUri(uri)
  const parts = parsed.path
    .split('/')
    .filter(part => part !== '')
    .map(part => decodePlus(part))
  return { scheme: `${parsed.scheme}//${parsed.netloc.toLowerCase()}`, parts }
}

/** Checks whether a URI lies at or below a root URI, segment by segment. */
export function isWithinRoot(source: string, root: string): boolean {
  const inner = pathParts(source)
  const outer = pathParts(root)
  return (
    inner.scheme === outer.scheme &&
    outer.parts.length > 0 &&
    outer.parts.every((part, index) => inner.parts[index] === part)
  )
}

/** Checks whether a local path lies at or below a local root URI. */
export function isLocalPathWithin(path: string, root: string): boolean {
  const rootParsed = parseUri(root)
  if (rootParsed.scheme !== '' && rootParsed.scheme !== 'file') return false
  const clean = (p: string) => p.replace(/\/+$/, '')
  const base = clean(rootParsed.path)
  return clean(path) === base || clean(path).startsWith(`${base}/`)
}
