import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/**
 * The version an alias must point to before this run moves it, so that
 * two pipelines cannot silently overwrite each other's alias.
 */
export interface AliasGuard {
  /** The entry as the user wrote it, for logs and the bundle. */
  readonly text: string
  readonly alias: string
  /** The expected version number, or null when the alias must be unset. */
  readonly expectedVersion: string | null
}

const GUARD_ENTRY = /^([^=\s]+)\s*=\s*(\S+)$/
const VERSION_NUMBER = /^[1-9]\d*$/

/**
 * Parses `expected-alias-versions` entries such as `champion=3` or
 * `champion=none`, separated by commas or newlines. Each alias must be
 * one that `aliases` moves, because a guard on any other alias would
 * never be checked.
 */
export function parseAliasGuards(
  setting: Setting | undefined,
  aliases: readonly string[]
): AliasGuard[] {
  if (!setting) return []
  const label = settingLabel('expected-alias-versions', setting)
  const entries = setting.value
    .split(/[,\n]/)
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
  const guards = new Map<string, AliasGuard>()
  for (const text of entries) {
    const guard = parseGuard(label, text)
    if (!aliases.includes(guard.alias)) {
      throw configError(
        label,
        `alias ${quote(guard.alias)} is not in \`aliases\`, so this run ` +
          'never moves it',
        `Add ${guard.alias} to \`aliases\`, or remove its entry.`
      )
    }
    if (guards.has(guard.alias)) {
      throw configError(
        label,
        `alias ${quote(guard.alias)} is given more than once`,
        'Give one expected version per alias.'
      )
    }
    guards.set(guard.alias, guard)
  }
  return [...guards.values()]
}

function parseGuard(label: string, text: string): AliasGuard {
  const match = GUARD_ENTRY.exec(text)
  const alias = match?.[1]
  const version = match?.[2]?.toLowerCase()
  if (
    alias === undefined ||
    version === undefined ||
    (version !== 'none' && !VERSION_NUMBER.test(version))
  ) {
    throw configError(
      label,
      `${quote(text)} is not alias=version`,
      'Write each entry as alias=version, such as champion=3, or as ' +
        'champion=none for an alias that must not be set yet.'
    )
  }
  return {
    text,
    alias,
    expectedVersion: version === 'none' ? null : version
  }
}
