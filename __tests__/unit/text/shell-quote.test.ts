import { execFileSync } from 'node:child_process'

import { describe, expect, it } from '@jest/globals'

import { shellQuote } from '../../../src/text/shell-quote.js'

/** Returns the words that `sh` reads from a quoted value. */
function wordsOf(quoted: string): string[] {
  const printed = execFileSync('sh', ['-c', `printf '%s\\0' ${quoted}`])
  return printed.toString().split('\0').slice(0, -1)
}

describe('shellQuote', () => {
  it('leaves a plain path as it is', () => {
    expect(shellQuote('/tmp/bundles/2026-fraud_model.1')).toBe(
      '/tmp/bundles/2026-fraud_model.1'
    )
  })

  it.each([
    '',
    'sp ace/b',
    "it's",
    'line\nbreak',
    '$HOME',
    '`id`',
    '~/b',
    '*',
    'ünï'
  ])('keeps %j one word', value => {
    expect(wordsOf(shellQuote(value))).toEqual([value])
  })
})
