import { describe, expect, it } from '@jest/globals'

import { describeUrl, isLoopbackHost, joinUrl } from '../../../src/http/url.js'

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

  it.each(['api/x', '/api/x', '//api/x'])(
    'joins path %s without a double slash',
    path => {
      expect(joinUrl(new URL('https://h.test/m'), path).href).toBe(
        'https://h.test/m/api/x'
      )
    }
  )

  it('keeps the origin for a path that looks like a URL', () => {
    const url = joinUrl(new URL('https://h.test/m'), '//other.test/x')
    expect(url.origin).toBe('https://h.test')
  })

  it('repeats keys for array query values', () => {
    const url = joinUrl(new URL('https://h.test'), 'a', {
      k: ['1', '2'],
      u: undefined
    })
    expect(url.search).toBe('?k=1&k=2')
  })

  it('writes numbers and booleans as text', () => {
    const url = joinUrl(new URL('https://h.test'), 'a', {
      max_results: 1,
      exact: true
    })
    expect(url.search).toBe('?max_results=1&exact=true')
  })

  it('encodes query values', () => {
    const url = joinUrl(new URL('https://h.test'), 'a', {
      filter: "name='a b&c'"
    })
    expect(url.searchParams.get('filter')).toBe("name='a b&c'")
    expect(url.search).not.toContain('&c')
  })

  it('leaves the base URL unchanged', () => {
    const base = new URL('https://h.test/m')
    joinUrl(base, 'api/x', { a: '1' })
    expect(base.href).toBe('https://h.test/m')
  })
})

describe('describeUrl', () => {
  it('drops user info and query', () => {
    expect(describeUrl('https://u:p@h.test/a?token=x#f')).toBe(
      'https://h.test/a'
    )
  })

  it('drops user info and query of a URL object', () => {
    const url = new URL('https://u:p@[::1]:8443/a%20b/c?token=x#f')
    expect(describeUrl(url)).toBe('https://[::1]:8443/a%20b/c')
  })

  it('drops the default port of a URL object', () => {
    expect(describeUrl(new URL('https://h.test:443/a'))).toBe(
      'https://h.test/a'
    )
  })

  it('describes a URL object of another scheme', () => {
    expect(describeUrl(new URL('s3://u:p@bucket/key?x=1'))).toBe(
      's3://bucket/key'
    )
  })

  it('keeps the port and path of a URL object', () => {
    expect(describeUrl(new URL('http://127.0.0.1:5000/m/api'))).toBe(
      'http://127.0.0.1:5000/m/api'
    )
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['mlflow.test', false],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['127.example.com', false]
  ])('%s: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
