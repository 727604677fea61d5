import { describe, expect, it } from '@jest/globals'

import { describeUrl, joinUrl } from '../../../src/http/url.js'

describe('joinUrl', () => {
  it.each([
    ['https://h.test/mlflow', 'https://h.test/mlflow/api/2.0/mlflow/x'],
    ['https://h.test/mlflow/', 'https://h.test/mlflow/api/2.0/mlflow/x'],
    ['https://h.test/mlflow//', 'https://h.test/mlflow/api/2.0/mlflow/x'],
    ['https://h.test', 'https://h.test/api/2.0/mlflow/x'],
    ['https://h.test/', 'https://h.test/api/2.0/mlflow/x']
  ])('keeps the base path of %s', (base, expected) => {
    expect(joinUrl(new URL(base), '/api/2.0/mlflow/x').href).toBe(expected)
  })

  it('repeats keys for array query values', () => {
    const url = joinUrl(new URL('https://h.test'), 'a', {
      k: ['1', '2'],
      u: undefined
    })
    expect(url.search).toBe('?k=1&k=2')
  })
})

describe('describeUrl', () => {
  it('drops user info and query', () => {
    expect(describeUrl('https://u:p@h.test/a?token=x#f')).toBe(
      'https://h.test/a'
    )
  })
})
