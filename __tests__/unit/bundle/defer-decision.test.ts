import { describe, expect, it } from '@jest/globals'

import { isDeferrable } from '../../../src/bundle/defer.js'
import {
  DIAGNOSIS_CODES,
  type DiagnosisCode
} from '../../../src/diagnosis/codes.js'
import { diagnose } from '../../../src/diagnosis/diagnosis.js'

const DEFERRABLE: readonly DiagnosisCode[] = [
  'UNREACHABLE',
  'SERVER_UNAVAILABLE'
]

describe('isDeferrable', () => {
  it.each(DEFERRABLE)('defers %s', code => {
    expect(isDeferrable(diagnose(code, 'detail', 'fix'))).toBe(true)
  })

  const others = (Object.keys(DIAGNOSIS_CODES) as DiagnosisCode[]).filter(
    code => !DEFERRABLE.includes(code)
  )
  it.each(others)('never defers %s', code => {
    expect(isDeferrable(diagnose(code, 'detail', 'fix'))).toBe(false)
  })
})
