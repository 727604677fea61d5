import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import type { InputName } from './inputs.js'
import type { Setting } from './settings.js'

/** Quotes a received value for an error message, shortened when long. */
export function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value
  return JSON.stringify(shown)
}

/** Names a setting as the user set it: the input or its variable. */
export function settingLabel(name: InputName, setting?: Setting): string {
  if (setting?.label) return `${setting.label} (input \`${name}\`)`
  if (setting && setting.origin !== 'input' && setting.origin !== 'default') {
    return `environment variable ${setting.origin} (input \`${name}\`)`
  }
  return `input \`${name}\``
}

/**
 * Parses one setting with a zod schema and turns a failure into an error
 * that names the input, what was expected, what was received and the fix.
 */
export function parseSetting<T>(
  name: InputName,
  setting: Setting,
  schema: z.ZodType<T>,
  expected: string,
  fix: string
): T {
  const result = schema.safeParse(setting.value)
  if (result.success) return result.data
  throw configError(
    settingLabel(name, setting),
    `expected ${expected}, got ${quote(setting.value)}`,
    fix
  )
}

/** A whole number of seconds, converted to milliseconds. */
export const secondsSchema = z
  .string()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(86_400))
  .transform(seconds => seconds * 1000)

/**
 * A number of seconds from 0 to 60 with at most three decimals, converted
 * to whole milliseconds.
 */
export const delaySchema = z
  .string()
  .regex(/^\d{1,2}(\.\d{1,3})?$/)
  .transform(Number)
  .pipe(z.number().min(0).max(60))
  .transform(seconds => Math.round(seconds * 1000))

/** A whole number of attempts. */
export const attemptsSchema = z
  .string()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(20))

/** A boolean in the spellings YAML and shells use. */
export const booleanSchema = z
  .string()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform(value => ['true', '1', 'yes'].includes(value))
