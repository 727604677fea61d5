import { describe, expect, it } from '@jest/globals'

import {
  checkAlias,
  checkModelName,
  checkTagKey
} from '../../../src/config/registry-rules.js'

// The cases follow `mlflow/utils/validation.py` of MLflow 3.17.2, which
// the server applies to the same values.

describe('checkModelName', () => {
  it.each(['fraud-model', 'Fraud Model v2', 'a.b', '.x', 'x..', 'ünï'])(
    'accepts %s',
    name => {
      expect(checkModelName(name)).toBeUndefined()
    }
  )

  it.each([
    ['', /empty/],
    [' fraud', /leading or trailing whitespace/],
    ['fraud ', /leading or trailing whitespace/],
    ['a/b', /cannot contain '\/' or ':'/],
    ['a:b', /cannot contain '\/' or ':'/],
    ['.', /cannot be '.' or start with '..'/],
    ['..', /cannot be '.' or start with '..'/],
    ['..x', /cannot be '.' or start with '..'/],
    ['a\tb', /control character/]
  ])('rejects %j', (name, problem) => {
    expect(checkModelName(name)).toMatch(problem)
  })
})

describe('checkTagKey', () => {
  it.each(['team', 'ci/run_id', 'a b:c/d', 'a..b', 'a/..b', '.a', 'ünï'])(
    'accepts %s',
    key => {
      expect(checkTagKey(key)).toBeUndefined()
    }
  )

  it('accepts a key of 250 characters', () => {
    expect(checkTagKey('k'.repeat(250))).toBeUndefined()
  })

  it('rejects a key of 251 characters', () => {
    expect(checkTagKey('k'.repeat(251))).toMatch(
      /251 characters long; the limit is 250/
    )
  })

  it.each([
    ['', /may contain only/],
    ['a$b', /may contain only/],
    ['a\nb', /may contain only/],
    ['/a', /relative paths/],
    ['a/', /relative paths/],
    ['a//b', /relative paths/],
    ['./a', /relative paths/],
    ['a/./b', /relative paths/],
    ['a/..', /relative paths/],
    ['..', /relative paths/],
    ['..a', /relative paths/]
  ])('rejects %j', (key, problem) => {
    expect(checkTagKey(key)).toMatch(problem)
  })
})

describe('checkAlias', () => {
  it.each(['champion', 'staging-eu', 'a_b', 'v2a', 'va', 'ünï'])(
    'accepts %s',
    alias => {
      expect(checkAlias(alias)).toBeUndefined()
    }
  )

  it('accepts an alias of 255 characters', () => {
    expect(checkAlias('a'.repeat(255))).toBeUndefined()
  })

  it('rejects an alias of 256 characters', () => {
    expect(checkAlias('a'.repeat(256))).toMatch(
      /256 characters long; the limit is 255/
    )
  })

  it.each([
    ['latest', /reserved/],
    ['LaTeSt', /reserved/],
    ['v1', /version numbers/],
    ['V10', /version numbers/],
    ['', /only letters/],
    ['prod.eu', /only letters/],
    ['a/b', /only letters/]
  ])('rejects %j', (alias, problem) => {
    expect(checkAlias(alias)).toMatch(problem)
  })
})
