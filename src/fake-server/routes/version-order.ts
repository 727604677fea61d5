import { invalidParameter } from '../mlflow-error.js'
import type { ModelVersionRecord } from '../store/registry.js'

type Key = (version: ModelVersionRecord) => number | string

/** The columns MLflow 3.17's SQL store orders model versions by. */
const COLUMNS: Readonly<Record<string, Key>> = {
  name: version => version.name,
  version_number: version => version.version,
  creation_timestamp: version => version.creationTimestamp,
  last_updated_timestamp: version => version.lastUpdatedTimestamp
}

/**
 * Sorts versions by `order_by` clauses such as `version_number DESC`; an
 * unknown column or direction is INVALID_PARAMETER_VALUE, as in MLflow.
 * Without clauses the order is left as it is.
 */
export function orderVersions(
  versions: readonly ModelVersionRecord[],
  orderBy: readonly string[] = []
): ModelVersionRecord[] {
  const clauses = orderBy.map(parseClause)
  return [...versions].sort((a, b) => {
    for (const { key, descending } of clauses) {
      const left = key(a)
      const right = key(b)
      if (left === right) continue
      const ascending = left < right ? -1 : 1
      return descending ? -ascending : ascending
    }
    return 0
  })
}

function parseClause(clause: string): { key: Key; descending: boolean } {
  const [column = '', direction = 'ASC', ...rest] = clause.trim().split(/\s+/)
  const upper = direction.toUpperCase()
  if (rest.length > 0 || !['ASC', 'DESC'].includes(upper)) {
    throw invalidParameter(
      `Invalid ordering key in order_by clause '${clause}'.`
    )
  }
  const key = COLUMNS[column]
  if (!key) {
    const valid = Object.keys(COLUMNS).map(name => `'${name}'`)
    throw invalidParameter(
      `Invalid attribute key '${column}' specified. Valid keys are ` +
        `'{${valid.join(', ')}}'`
    )
  }
  return { key, descending: upper === 'DESC' }
}
