import { readFileSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import {
  DIAGNOSIS_CODES,
  type DiagnosisCode
} from '../../../src/diagnosis/codes.js'

const DOC = readFileSync(
  path.resolve(import.meta.dirname, '../../../docs/troubleshooting.md'),
  'utf8'
)
const HEADINGS = DOC.split('\n').filter(line => line.startsWith('## `'))

describe('docs/troubleshooting.md', () => {
  it.each(Object.entries(DIAGNOSIS_CODES))(
    'has the heading of %s',
    (code, title) => {
      expect(HEADINGS).toContain(`## \`${code}\`: ${title}`)
    }
  )

  it('has no heading for an unknown code', () => {
    const codes = HEADINGS.map(line => /^## `([A-Z_]+)`/.exec(line)?.[1])
    const known = Object.keys(DIAGNOSIS_CODES) as DiagnosisCode[]
    expect(
      codes.filter(code => !known.includes(code as DiagnosisCode))
    ).toEqual([])
  })
})
