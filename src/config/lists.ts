import { configError } from '../diagnosis/diagnosis.js'
import type { Tag } from './config.js'
import { quote, settingLabel } from './fields.js'
import {
  MAX_TAG_VALUE_LENGTH,
  checkAlias,
  checkTagKey
} from './registry-rules.js'
import type { Setting } from './settings.js'

/**
 * Parses `key=value` lines into tags. Blank lines are skipped; the first
 * `=` splits key from value, so values may contain `=`.
 */
export function parseTags(setting: Setting | undefined): Tag[] {
  if (!setting) return []
  const label = settingLabel('tags', setting)
  const tags = new Map<string, string>()
  for (const [index, rawLine] of setting.value.split(/\r?\n/).entries()) {
    const line = rawLine.trim()
    if (line === '') continue
    const separator = line.indexOf('=')
    if (separator <= 0) {
      throw configError(
        label,
        `line ${index + 1} is ${quote(line)}, expected key=value`,
        'Write one tag per line as key=value.'
      )
    }
    const key = line.slice(0, separator).trim()
    const value = line.slice(separator + 1).trim()
    checkTag(label, key, value)
    tags.set(key, value)
  }
  return [...tags].map(([key, value]) => ({ key, value }))
}

/**
 * Tag key prefixes the action writes itself. A user tag with one of them
 * is rejected rather than dropped with a warning. The `ci.*` tags are the
 * version's provenance, so a user value could claim another commit or
 * run, and a warning is easy to miss in a long log.
 */
export const RESERVED_TAG_PREFIXES = ['ci.', 'mlflow_register.'] as const

function checkTag(label: string, key: string, value: string): void {
  const reserved = RESERVED_TAG_PREFIXES.find(prefix => key.startsWith(prefix))
  if (reserved) {
    throw configError(
      label,
      `tag key ${quote(key)} starts with ${quote(reserved)}, a prefix ` +
        'reserved for the provenance tags this action sets',
      `Rename the tag so that it does not start with ${reserved}`
    )
  }
  const keyProblem = checkTagKey(key)
  if (keyProblem) {
    throw configError(
      label,
      `tag key ${quote(key)} is invalid: ${keyProblem}`,
      'Rename the tag.'
    )
  }
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    throw configError(
      label,
      `the value of tag ${quote(key)} is ${value.length} characters ` +
        `long; MLflow accepts at most ${MAX_TAG_VALUE_LENGTH}`,
      'Shorten the value, or store long text as a run artifact.'
    )
  }
}

/** Parses aliases separated by commas or newlines, checking each one. */
export function parseAliases(setting: Setting | undefined): string[] {
  if (!setting) return []
  const aliases = setting.value
    .split(/[,\n]/)
    .map(alias => alias.trim())
    .filter(alias => alias !== '')
  const problems = aliases.flatMap(alias => {
    const problem = checkAlias(alias)
    return problem ? [`${quote(alias)}: ${problem}`] : []
  })
  if (problems.length > 0) {
    throw configError(
      settingLabel('aliases', setting),
      `invalid ${problems.length === 1 ? 'alias' : 'aliases'} ` +
        problems.join('; '),
      'Choose alias names such as champion or staging-eu.'
    )
  }
  return [...new Set(aliases)]
}
