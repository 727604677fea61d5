/**
 * JSON text in the layouts MLflow 3.17.2 sends. Protobuf responses are
 * `json.dumps(..., indent=2)`, errors are `json.dumps` with its default
 * separators, and the auth app's Flask `jsonify` responses are compact
 * with a trailing newline. Python escapes every non-ASCII character by
 * default.
 */

/** Replaces non-ASCII characters with `\uXXXX`, as Python's json does. */
function escapeNonAscii(text: string): string {
  return text.replace(
    /[\u007f-\uffff]/g,
    char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Formats a protobuf response: two-space indent, no trailing newline. */
export function formatMessage(value: unknown): string {
  return escapeNonAscii(JSON.stringify(value, null, 2))
}

/** Formats a flat error object with Python's `", "` and `": "` separators. */
export function formatError(fields: Readonly<Record<string, string>>): string {
  const entries = Object.entries(fields).map(
    ([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`
  )
  return escapeNonAscii(`{${entries.join(', ')}}`)
}

/** Formats a Flask `jsonify` response: compact, sorted keys, newline. */
export function formatJsonify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value))}\n`
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key])
  }
  return sorted
}

/** Returns Python's `type(value).__name__` for a parsed JSON value. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'int' : 'float'
  if (Array.isArray(value)) return 'list'
  return 'dict'
}

/**
 * Formats like Python's
 * `json.dumps(value, sort_keys=True, separators=(",", ":"))`.
 */
export function pythonRepr(value: unknown): string {
  return escapeNonAscii(JSON.stringify(sortKeys(value ?? null)))
}
