import { configError } from '../diagnosis/diagnosis.js'

/** The profiles of a Databricks CLI config file: key to value, by name. */
export type DatabricksProfiles = ReadonlyMap<
  string,
  ReadonlyMap<string, string>
>

/**
 * Parses a Databricks CLI config file (`~/.databrickscfg`) as the
 * Databricks SDK for Python reads it with `configparser`: `[name]`
 * sections, `key = value` or `key: value` lines with lower-cased keys,
 * full-line `#` and `;` comments, indented continuation lines, no inline
 * comments and no interpolation. As in that SDK, the `DEFAULT` section
 * is a profile of its own whose keys are not merged into the others.
 * Errors name the file and the line, never a value, because values are
 * secrets.
 */
export function parseDatabricksCfg(
  text: string,
  file: string
): DatabricksProfiles {
  const profiles = new Map<string, Map<string, string>>()
  let profile: Map<string, string> | undefined
  let lastKey: string | undefined
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)

  lines.forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || /^[#;]/.test(trimmed)) return
    const fail = (problem: string): never => {
      throw invalidFile(file, index + 1, problem)
    }
    if (/^\s/.test(line) && profile && lastKey !== undefined) {
      profile.set(lastKey, `${profile.get(lastKey) ?? ''}\n${trimmed}`)
      return
    }
    const header = /^\[(.+)\]$/.exec(trimmed)
    if (header) {
      const name = header[1] ?? ''
      if (profiles.has(name)) fail(`profile [${name}] appears twice`)
      profile = new Map()
      profiles.set(name, profile)
      lastKey = undefined
      return
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed)
    if (!entry) return fail('the line is neither [profile] nor key = value')
    if (!profile) return fail('a key comes before the first [profile]')
    const key = (entry[1] ?? '').toLowerCase()
    if (profile.has(key)) fail(`the key ${key} appears twice in a profile`)
    profile.set(key, entry[2] ?? '')
    lastKey = key
  })
  return profiles
}

function invalidFile(file: string, line: number, problem: string) {
  return configError(
    `Databricks CLI config file ${file}`,
    `line ${line} is invalid: ${problem}`,
    'Fix the file: each profile starts with a [name] line, followed by ' +
      '`key = value` lines such as `host = https://...`.'
  )
}
