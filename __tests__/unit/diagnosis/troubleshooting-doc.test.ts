import { readFileSync } from 'node:fs'

import { describe, expect, it } from '@jest/globals'

import { DIAGNOSIS_CODES } from '../../../src/diagnosis/codes.js'

const doc = readFileSync(
  new URL('../../../docs/troubleshooting.md', import.meta.url),
  'utf8'
)
const headings = new Set(
  doc.split('\n').filter(line => line.startsWith('## `'))
)

describe('docs/troubleshooting.md', () => {
  it.each(Object.entries(DIAGNOSIS_CODES))(
    'has a heading for %s',
    (code, title) => {
      expect(headings).toContain(`## \`${code}\`: ${title}`)
    }
  )

  it('has no heading for an unknown code', () => {
    const codes = [...headings].map(line => /^## `([A-Z_]+)`/.exec(line)?.[1])
    const unknown = codes.filter(
      code => !Object.hasOwn(DIAGNOSIS_CODES, code ?? '')
    )
    expect(unknown).toEqual([])
  })
})
