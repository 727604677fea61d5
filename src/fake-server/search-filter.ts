import { invalidParameter } from './mlflow-error.js'

/** One `key op value` comparison of a search filter. */
export interface FilterClause {
  readonly type: 'attribute' | 'tag'
  readonly key: string
  readonly comparator: string
  readonly value: string | number | readonly string[]
}

/** Reads an attribute or tag of one searched entity. */
export type FieldLookup = (
  type: 'attribute' | 'tag',
  key: string
) => string | number | undefined

interface Token {
  readonly kind: 'word' | 'string' | 'number' | 'operator' | 'punct' | 'other'
  readonly text: string
}

const IDENTIFIER = String.raw`[A-Za-z_]\w*`
const QUOTED_PART = String.raw`\`[^\`]*\`|"[^"]*"`

const TOKEN_PATTERN = new RegExp(
  [
    String.raw`(?<string>'[^']*'|"[^"]*")`,
    String.raw`(?<number>-?\d+(?:\.\d+)?(?![\w.]))`,
    // Identifiers may quote their last part: tags.`a.b` or tags."a-b".
    `(?<word>${IDENTIFIER}(?:\\.(?:${QUOTED_PART}|${IDENTIFIER}))*)`,
    String.raw`(?<operator>!=|<=|>=|=|<|>)`,
    String.raw`(?<punct>[(),])`,
    String.raw`(?<other>\S+?)`
  ].join('|'),
  'g'
)

const TOKEN_KINDS = ['string', 'number', 'word', 'operator', 'punct'] as const

function tokenize(filter: string): Token[] {
  const tokens: Token[] = []
  for (const match of filter.matchAll(TOKEN_PATTERN)) {
    const groups = match.groups ?? {}
    const kind = TOKEN_KINDS.find(name => groups[name] !== undefined)
    tokens.push({ kind: kind ?? 'other', text: match[0] })
  }
  return tokens
}

/** Tells whether a filter compares with a double-quoted string value. */
export function hasDoubleQuotedValue(filter: string | undefined): boolean {
  return tokenize(filter ?? '').some(
    token => token.kind === 'string' && token.text.startsWith('"')
  )
}

/**
 * Rejects what Unity Catalog's searches reject: double-quoted values and,
 * where `tagsAllowed` is false, tag filters.
 */
export function checkSingleQuoted(
  filter: string | undefined,
  clauses: readonly FilterClause[],
  tagsAllowed: boolean
): void {
  if (hasDoubleQuotedValue(filter)) {
    throw invalidParameter(
      `Invalid filter '${filter ?? ''}': string values must be in single ` +
        'quotes.'
    )
  }
  if (!tagsAllowed && clauses.some(clause => clause.type === 'tag')) {
    throw invalidParameter(
      `Invalid filter '${filter ?? ''}': tag filters are not supported.`
    )
  }
}

/**
 * Parses a registry search filter in MLflow's grammar: comparisons joined
 * by AND. Keys are the given attributes or `tags.<key>`, with the tag key
 * optionally in backticks or double quotes. Values are strings in single
 * or double quotes. Comparators are `=`, `!=`, `LIKE`, `ILIKE`, `IN` and
 * `NOT IN`, plus `<`, `>`, `<=`, `>=` for numbers.
 */
export function parseFilter(
  filter: string | undefined,
  attributes: readonly string[]
): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return []
  const tokens = tokenize(filter)
  const clauses: FilterClause[] = []
  let index = 0
  while (index < tokens.length) {
    const { clause, next } = parseClause(tokens, index, attributes)
    clauses.push(clause)
    index = next
    if (index >= tokens.length) break
    if (tokens[index]?.text.toUpperCase() !== 'AND') {
      throw invalidClauses(tokens.slice(index))
    }
    index++
  }
  return clauses
}

function parseClause(
  tokens: readonly Token[],
  start: number,
  attributes: readonly string[]
): { clause: FilterClause; next: number } {
  const keyToken = tokens[start]
  let opIndex = start + 1
  let comparator = tokens[opIndex]?.text.toUpperCase() ?? ''
  if (
    comparator === 'NOT' &&
    tokens[opIndex + 1]?.text.toUpperCase() === 'IN'
  ) {
    comparator = 'NOT IN'
    opIndex++
  }
  if (keyToken?.kind !== 'word' || !isComparator(comparator)) {
    throw invalidClauses(tokens.slice(start))
  }
  const { type, key } = readKey(keyToken.text, attributes)
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const { values, next } = readList(tokens, opIndex + 1)
    return { clause: { type, key, comparator, value: values }, next }
  }
  const valueToken = tokens[opIndex + 1]
  const value = readValue(valueToken, key)
  return { clause: { type, key, comparator, value }, next: opIndex + 2 }
}

function isComparator(text: string): boolean {
  return [
    '=',
    '!=',
    '<',
    '>',
    '<=',
    '>=',
    'LIKE',
    'ILIKE',
    'IN',
    'NOT IN'
  ].includes(text)
}

function readKey(
  text: string,
  attributes: readonly string[]
): { type: 'attribute' | 'tag'; key: string } {
  const dot = text.indexOf('.')
  const entity = dot < 0 ? 'attribute' : text.slice(0, dot)
  const rawKey = dot < 0 ? text : text.slice(dot + 1)
  const key = rawKey.replace(/^[`"](.*)[`"]$/, '$1')
  if (entity === 'tags' || entity === 'tag') return { type: 'tag', key }
  if (entity !== 'attribute' && entity !== 'attributes') {
    throw invalidParameter(
      `Invalid entity type '${entity}'. Valid entity types are ` +
        "('attribute', 'tag', 'tags')"
    )
  }
  if (!attributes.includes(key)) {
    const valid = attributes.map(name => `'${name}'`).join(', ')
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '{${valid}}'`
    )
  }
  return { type: 'attribute', key }
}

function readValue(token: Token | undefined, key: string): string | number {
  if (token?.kind === 'string') return token.text.slice(1, -1)
  if (token?.kind === 'number' && key === 'version_number') {
    return Number(token.text)
  }
  throw invalidParameter(
    'Parameter value is either not quoted or unidentified quote types ' +
      `used for string value ${token?.text ?? ''}. ` +
      'Use either single or double quotes.'
  )
}

function readList(
  tokens: readonly Token[],
  start: number
): { values: string[]; next: number } {
  if (tokens[start]?.text !== '(') throw invalidClauses(tokens.slice(start))
  const values: string[] = []
  let index = start + 1
  while (tokens[index]?.kind === 'string') {
    values.push(tokens[index]?.text.slice(1, -1) ?? '')
    index++
    if (tokens[index]?.text !== ',') break
    index++
  }
  if (tokens[index]?.text !== ')') throw invalidClauses(tokens.slice(start))
  return { values, next: index + 1 }
}

function invalidClauses(tokens: readonly Token[]): Error {
  const text = tokens.map(token => token.text).join(', ')
  return invalidParameter(`Invalid clause(s) in filter string: ${text}`)
}

/** Checks whether an entity satisfies every clause of a parsed filter. */
export function matchesFilter(
  clauses: readonly FilterClause[],
  lookup: FieldLookup
): boolean {
  return clauses.every(clause => matchesClause(clause, lookup))
}

function matchesClause(clause: FilterClause, lookup: FieldLookup): boolean {
  const actual = lookup(clause.type, clause.key)
  if (actual === undefined) return false
  const expected = clause.value
  if (Array.isArray(expected)) {
    const found = expected.includes(String(actual))
    return clause.comparator === 'IN' ? found : !found
  }
  if (typeof actual === 'number' || typeof expected === 'number') {
    return compareNumbers(Number(actual), clause.comparator, Number(expected))
  }
  switch (clause.comparator) {
    case '=':
      return actual === expected
    case '!=':
      return actual !== expected
    case 'LIKE':
      return likePattern(String(expected), '').test(actual)
    case 'ILIKE':
      return likePattern(String(expected), 'i').test(actual)
    default:
      return false
  }
}

function compareNumbers(actual: number, comparator: string, expected: number) {
  switch (comparator) {
    case '=':
      return actual === expected
    case '!=':
      return actual !== expected
    case '<':
      return actual < expected
    case '>':
      return actual > expected
    case '<=':
      return actual <= expected
    case '>=':
      return actual >= expected
    default:
      return false
  }
}

/** Turns an SQL LIKE pattern (`%` and `_` wildcards) into a regex. */
function likePattern(pattern: string, flags: string): RegExp {
  const source = Array.from(pattern)
    .map(char => {
      if (char === '%') return '.*'
      if (char === '_') return '.'
      return char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(`^${source}$`, `s${flags}`)
}
