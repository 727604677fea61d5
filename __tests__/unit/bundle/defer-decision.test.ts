import { describe, expect, it } from '@jest/globals'

import {
  deferralBlocker,
  isDeferrable,
  notDeferred
} from '../../../src/bundle/defer.js'
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

describe('deferralBlocker', () => {
  const signing = { verifySignature: false, digestSource: false }

  it('allows a registration without source checks', () => {
    expect(deferralBlocker({ signing })).toBeUndefined()
  })

  it('blocks verify-signature', () => {
    const blocker = deferralBlocker({
      signing: { ...signing, verifySignature: true }
    })
    expect(blocker).toContain('`verify-signature`')
  })

  it('blocks digest-source', () => {
    const blocker = deferralBlocker({
      signing: { ...signing, digestSource: true }
    })
    expect(blocker).toContain('`digest-source`')
  })
})

describe('notDeferred', () => {
  it('keeps the availability code', () => {
    const diagnosis = diagnose('UNREACHABLE', 'Refused.', 'Start it.')
    const rewritten = notDeferred(diagnosis, 'a reason')

    expect(rewritten.code).toBe('UNREACHABLE')
    expect(rewritten.detail).toContain('Refused.')
    expect(rewritten.detail).toContain('not deferred, because a reason.')
    expect(rewritten.fix).toContain('Start it.')
    expect(rewritten.fix).toContain('once the server is reachable')
  })
})
