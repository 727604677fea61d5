import { describe, expect, it } from '@jest/globals'

import { parseAliasGuards } from '../../../src/config/alias-guards.js'
import type { Setting } from '../../../src/config/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const input = (value: string): Setting => ({ value, origin: 'input' })
const ALIASES = ['champion', 'staging']

describe('parseAliasGuards', () => {
  it('reads a version and none', () => {
    expect(
      parseAliasGuards(input('champion=3, staging=none'), ALIASES)
    ).toEqual([
      { text: 'champion=3', alias: 'champion', expectedVersion: '3' },
      { text: 'staging=none', alias: 'staging', expectedVersion: null }
    ])
  })

  it('reads entries on separate lines', () => {
    const guards = parseAliasGuards(input('champion = 12\n\nstaging=NONE'), [
      ...ALIASES
    ])
    expect(guards.map(guard => guard.expectedVersion)).toEqual(['12', null])
  })

  it('returns no guards when unset', () => {
    expect(parseAliasGuards(undefined, ALIASES)).toEqual([])
  })

  it.each([
    ['champion', /"champion" is not alias=version/],
    ['champion=latest', /"champion=latest" is not alias=version/],
    ['champion=0', /"champion=0" is not alias=version/],
    ['champion=-1', /is not alias=version/],
    ['=3', /"=3" is not alias=version/],
    ['prod=3', /alias "prod" is not in `aliases`/],
    ['champion=3,champion=4', /alias "champion" is given more than once/]
  ])('rejects %j', (value, problem) => {
    const error = diagnosedErrorOf(() =>
      parseAliasGuards(input(value), ALIASES)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('input `expected-alias-versions`')
  })

  it('suggests adding a missing alias', () => {
    const error = diagnosedErrorOf(() =>
      parseAliasGuards(input('prod=3'), ALIASES)
    )
    expect(error.diagnosis.fix).toBe(
      'Add prod to `aliases`, or remove its entry.'
    )
  })
})
