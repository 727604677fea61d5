import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** A header sent to the tracking server with every request. */
export interface ExtraHeader {
  readonly name: string
  /** A secret: masked before validation and never logged. */
  readonly value: string
}

/** An HTTP field name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Headers the action or the HTTP stack sets itself. Framing and
 * connection headers would corrupt requests; credentials have their own
 * inputs, and proxy credentials belong in the proxy URL.
 */
const RESERVED = new Set([
  'authorization',
  'connection',
  'content-length',
  'content-type',
  'expect',
  'host',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade'
])

const headerLineSchema = z
  .string()
  .transform((line, context) => {
    const colon = line.indexOf(':')
    if (colon < 0) {
      context.addIssue({
        code: 'custom',
        message: 'has no ":"; expected `Name: value`'
      })
      return z.NEVER
    }
    return {
      name: line.slice(0, colon).trim(),
      value: line.slice(colon + 1).trim()
    }
  })
  .superRefine((header, context) => {
    if (!HEADER_NAME.test(header.name)) {
      context.addIssue({
        code: 'custom',
        message:
          `has the header name ${JSON.stringify(header.name)}, which is ` +
          'not a valid HTTP header name'
      })
    } else if (header.value === '') {
      context.addIssue({
        code: 'custom',
        message: `gives header ${header.name} an empty value`
      })
    } else if (hasControlCharacter(header.value)) {
      context.addIssue({
        code: 'custom',
        message: `gives header ${header.name} a value with control characters`
      })
    }
  })

/** Returns whether a value contains a control character other than a tab. */
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true
  }
  return false
}

/**
 * Returns the values in an `extra-headers` setting, read as loosely as
 * possible, so they can be masked before the setting is validated and
 * before any message could show one.
 */
export function extraHeaderValues(raw: string | undefined): string[] {
  return (raw ?? '').split(/\r?\n/).flatMap(line => {
    const colon = line.indexOf(':')
    const value = colon < 0 ? line.trim() : line.slice(colon + 1).trim()
    return value === '' ? [] : [value]
  })
}

/**
 * Parses `extra-headers`: one `Name: value` per line, blank lines
 * skipped. Names must be valid, unique and not ones the action sets
 * itself (`tokenHeader` carries the token).
 */
export function parseExtraHeaders(
  setting: Setting | undefined,
  tokenHeader: string
): ExtraHeader[] {
  if (!setting) return []
  const label = settingLabel('extra-headers', setting)
  const headers = new Map<string, ExtraHeader>()
  for (const [index, line] of setting.value.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue
    const result = headerLineSchema.safeParse(line)
    if (!result.success) {
      throw configError(
        label,
        `line ${index + 1} ${result.error.issues[0]?.message ?? 'is invalid'}`,
        'Write one header per line as `Name: value`, for example ' +
          '`CF-Access-Client-Id: ${{ secrets.CF_ACCESS_CLIENT_ID }}`.'
      )
    }
    const header = result.data
    checkName(label, header.name, tokenHeader, headers)
    headers.set(header.name.toLowerCase(), header)
  }
  return [...headers.values()]
}

function checkName(
  label: string,
  name: string,
  tokenHeader: string,
  seen: ReadonlyMap<string, ExtraHeader>
): void {
  const lower = name.toLowerCase()
  if (RESERVED.has(lower) || lower === tokenHeader.toLowerCase()) {
    throw configError(
      label,
      `header ${name} is set by the action itself`,
      lower === 'authorization' || lower === tokenHeader.toLowerCase()
        ? 'Send credentials with `token` (and `token-header`) or ' +
            '`username` and `password` instead.'
        : 'Remove it; proxy credentials belong in the HTTPS_PROXY URL.'
    )
  }
  if (seen.has(lower)) {
    throw configError(
      label,
      `header ${name} is given twice`,
      'Give each header once.'
    )
  }
}
