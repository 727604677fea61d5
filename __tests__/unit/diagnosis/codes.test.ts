/**
 * Every diagnosis code is documented and produced by at least one test:
 * a code that no test expects is either dead or untested.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import {
  DIAGNOSIS_CODES,
  type DiagnosisCode
} from '../../../src/diagnosis/codes.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const TESTS = path.join(ROOT, '__tests__')
const CODES = Object.keys(DIAGNOSIS_CODES) as DiagnosisCode[]

/** Lists the test files below a folder, with paths relative to the root. */
function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.test.ts'))
    .map(file => path.relative(ROOT, path.join(folder, file)))
    .filter(file => file !== path.relative(ROOT, import.meta.filename))
}

/**
 * Returns the test files that expect a failure to get this code: an
 * assertion `toBe('CODE')` or a case table row `code: 'CODE'`.
 */
function filesExpecting(code: DiagnosisCode, files: readonly string[]) {
  const expectation = new RegExp(
    String.raw`toBe\(\s*'${code}'\s*\)|code: '${code}'|` +
      String.raw`\[\s*'[^']*',\s*'${code}'`
  )
  return files.filter(file =>
    expectation.test(readFileSync(path.join(ROOT, file), 'utf8'))
  )
}

describe('diagnosis codes', () => {
  const files = testFiles(TESTS)
  const troubleshooting = readFileSync(
    path.join(ROOT, 'docs/troubleshooting.md'),
    'utf8'
  )

  it.each(CODES)('%s is expected by a test', code => {
    expect(filesExpecting(code, files)).not.toEqual([])
  })

  it.each(CODES)('%s has a troubleshooting heading', code => {
    expect(troubleshooting).toContain(
      `\n## \`${code}\`: ${DIAGNOSIS_CODES[code]}\n`
    )
  })

  it('troubleshooting states the number of codes', () => {
    const stated = /map to (\d+)\s+diagnosis codes/.exec(troubleshooting)
    expect(stated?.[1]).toBe(String(CODES.length))
  })

  it('has 38 codes', () => {
    expect(CODES).toHaveLength(38)
  })

  it('has no troubleshooting heading for an unknown code', () => {
    const headed = [...troubleshooting.matchAll(/^## `([A-Z_]+)`/gm)].map(
      match => match[1] as DiagnosisCode
    )
    expect(headed.filter(code => !CODES.includes(code))).toEqual([])
  })
})
