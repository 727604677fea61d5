import { describe, expect, it } from '@jest/globals'

import {
  matchesFilter,
  parseFilter
} from '../../../src/fake-server/search-filter.js'

const ATTRIBUTES = ['name', 'run_id', 'version_number']

const version = {
  name: 'churn-model',
  run_id: 'abc123',
  version_number: 3,
  tags: new Map([['ci.idempotency-key', 'key-1']])
}

function matches(filter: string): boolean {
  return matchesFilter(parseFilter(filter, ATTRIBUTES), (type, key) => {
    if (type === 'tag') return version.tags.get(key)
    return version[key as 'name' | 'run_id' | 'version_number']
  })
}

describe('parseFilter and matchesFilter', () => {
  it.each([
    ["name = 'churn-model'", true],
    ['name = "churn-model"', true],
    ["name != 'churn-model'", false],
    ["name LIKE 'churn%'", true],
    ["name LIKE 'CHURN%'", false],
    ["name ILIKE 'CHURN%'", true],
    ["name LIKE 'churn_model'", true],
    ["run_id IN ('x', 'abc123')", true],
    ["run_id NOT IN ('abc123')", false],
    ['version_number > 2', true],
    ["tags.`ci.idempotency-key` = 'key-1'", true],
    ['tags."ci.idempotency-key" = \'key-1\'', true],
    ["tags.missing = 'key-1'", false],
    ["name = 'churn-model' AND tags.`ci.idempotency-key` = 'key-1'", true],
    ["name = 'churn-model' and run_id = 'other'", false],
    ['', true]
  ])('%s is %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected)
  })
})

describe('parseFilter errors', () => {
  it.each([
    ["name = 'a' OR name = 'b'", 'Invalid clause(s) in filter string: OR'],
    ['bogus', 'Invalid clause(s) in filter string: bogus'],
    ['name = churn', 'Parameter value is either not quoted'],
    ["owner = 'x'", "Invalid attribute key 'owner' specified."],
    ["metrics.x = '1'", "Invalid entity type 'metrics'."],
    ["tags.ci.idempotency-key = 'x'", 'Invalid clause(s) in filter string']
  ])('%s is rejected', (filter, message) => {
    expect(() => parseFilter(filter, ATTRIBUTES)).toThrow(message)
  })
})
