import { describe, expect, it } from '@jest/globals'

import { parseAliases, parseTags } from '../../../src/config/lists.js'
import type { Setting } from '../../../src/config/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const input = (value: string): Setting => ({ value, origin: 'input' })

describe('parseTags', () => {
  it('reads one key=value per line', () => {
    expect(parseTags(input('team=risk\nstage=ci'))).toEqual([
      { key: 'team', value: 'risk' },
      { key: 'stage', value: 'ci' }
    ])
  })

  it('splits at the first = so values keep theirs', () => {
    expect(parseTags(input('query=a=b&c=d'))).toEqual([
      { key: 'query', value: 'a=b&c=d' }
    ])
  })

  it('skips blank lines and trims around keys and values', () => {
    expect(parseTags(input('\n  team = risk  \r\n\n\t\nstage=ci\n'))).toEqual([
      { key: 'team', value: 'risk' },
      { key: 'stage', value: 'ci' }
    ])
  })

  it('accepts an empty value', () => {
    expect(parseTags(input('note='))).toEqual([{ key: 'note', value: '' }])
  })

  it('keeps the last value of a repeated key', () => {
    expect(parseTags(input('a=1\na=2'))).toEqual([{ key: 'a', value: '2' }])
  })

  it('accepts keys with dots, spaces, colons and slashes', () => {
    const key = 'ci/run: id.v-2_x'
    expect(parseTags(input(`${key}=1`))).toEqual([{ key, value: '1' }])
  })

  it('returns no tags when unset', () => {
    expect(parseTags(undefined)).toEqual([])
  })

  it('accepts a value of 100000 characters', () => {
    const value = 'x'.repeat(100_000)
    expect(parseTags(input(`long=${value}`))[0]?.value).toHaveLength(100_000)
  })

  it.each([
    ['team', /line 1 is "team", expected key=value/],
    ['a=1\n=risk', /line 2 is "=risk", expected key=value/],
    ['te$m=risk', /tag key "te\$m" is invalid/],
    ['/abs=1', /tag key "\/abs" is invalid/],
    ['a//b=1', /tag key "a\/\/b" is invalid/],
    ['../up=1', /tag key "..\/up" is invalid/],
    ['..up=1', /tag key "..up" is invalid/],
    ['ci.commit=abc', /tag key "ci.commit" starts with "ci."/],
    ['mlflow_register.idempotency_key=k', /starts with "mlflow_register."/]
  ])('rejects %j', (value, problem) => {
    const error = diagnosedErrorOf(() => parseTags(input(value)))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('input `tags`')
  })

  it('rejects a key of 251 characters', () => {
    const line = `${'k'.repeat(251)}=1`
    const error = diagnosedErrorOf(() => parseTags(input(line)))
    expect(error.message).toMatch(/is 251 characters long; the limit is 250/)
  })

  it('rejects a value of 100001 characters', () => {
    const line = `long=${'x'.repeat(100_001)}`
    const error = diagnosedErrorOf(() => parseTags(input(line)))
    expect(error.message).toMatch(/is 100001 characters long/)
  })

  it('suggests an artifact for an over-long value', () => {
    const long = `long=${'x'.repeat(100_001)}`
    const error = diagnosedErrorOf(() => parseTags(input(long)))
    expect(error.diagnosis.fix).toMatch(/run artifact/)
  })

  it('shortens an over-long value in the message', () => {
    const long = `long=${'x'.repeat(100_001)}`
    const error = diagnosedErrorOf(() => parseTags(input(long)))
    expect(error.message.length).toBeLessThan(300)
  })

  it('names the fix for a reserved prefix', () => {
    const error = diagnosedErrorOf(() => parseTags(input('ci.run_id=1')))
    expect(error.diagnosis.fix).toBe(
      'Rename the tag so that it does not start with ci.'
    )
  })

  it('accepts a key that only contains ci', () => {
    expect(parseTags(input('circle.ci=1'))).toEqual([
      { key: 'circle.ci', value: '1' }
    ])
  })
})

describe('parseAliases', () => {
  it.each([
    ['champion', ['champion']],
    ['champion,staging-eu', ['champion', 'staging-eu']],
    ['champion\nstaging-eu\n', ['champion', 'staging-eu']],
    [' champion , staging_eu ,, ', ['champion', 'staging_eu']],
    ['champion,champion', ['champion']],
    ['v2a,version2,latest_eu', ['v2a', 'version2', 'latest_eu']],
    ['ünïcode', ['ünïcode']]
  ])('reads %j', (value, expected) => {
    expect(parseAliases(input(value))).toEqual(expected)
  })

  it('reads an alias of 255 characters', () => {
    const alias = 'a'.repeat(255)
    expect(parseAliases(input(alias))).toEqual([alias])
  })

  it('returns no aliases when unset', () => {
    expect(parseAliases(undefined)).toEqual([])
  })

  it.each([
    ['latest', /'latest' is reserved/],
    ['LATEST', /'latest' is reserved/],
    ['Latest', /'latest' is reserved/],
    ['v2', /reserved by MLflow for version numbers/],
    ['V2', /reserved by MLflow for version numbers/],
    ['prod.eu', /only letters, digits, underscores and dashes/],
    ['prod eu', /only letters, digits, underscores and dashes/]
  ])('rejects %s', (value, problem) => {
    const error = diagnosedErrorOf(() => parseAliases(input(value)))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('input `aliases`')
  })

  it('rejects an alias of 256 characters', () => {
    const alias = 'a'.repeat(256)
    const error = diagnosedErrorOf(() => parseAliases(input(alias)))
    expect(error.message).toMatch(/is 256 characters long; the limit is 255/)
  })

  it('names every invalid alias in one error', () => {
    const value = 'champion,latest,v3\nprod.eu'
    const error = diagnosedErrorOf(() => parseAliases(input(value)))
    expect(error.message).toContain('invalid aliases')
    expect(error.message).toContain('"latest"')
    expect(error.message).toContain('"v3"')
    expect(error.message).toContain('"prod.eu"')
    expect(error.message).not.toContain('"champion"')
  })

  it('says alias for one invalid alias', () => {
    const error = diagnosedErrorOf(() => parseAliases(input('latest')))
    expect(error.message).toContain('invalid alias "latest"')
  })

  it('names the variable an alias came from', () => {
    const setting = { value: 'latest', origin: 'MLFLOW_REGISTER_ALIASES' }
    const error = diagnosedErrorOf(() => parseAliases(setting))
    expect(error.message).toContain('environment variable')
  })
})
