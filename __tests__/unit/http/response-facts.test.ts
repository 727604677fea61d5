import { describe, expect, it } from '@jest/globals'

import {
  excerpt,
  parseErrorBody,
  readResponseFacts
} from '../../../src/http/response-facts.js'

describe('parseErrorBody', () => {
  it.each([
    [
      'MLflow JSON',
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' },
      {
        shape: 'mlflow',
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: 'not found'
      }
    ],
    [
      'MLflow JSON without a message',
      { error_code: 'INTERNAL_ERROR' },
      { shape: 'mlflow', errorCode: 'INTERNAL_ERROR', message: '' }
    ],
    [
      'a message alone',
      { message: 'Unauthorized' },
      { shape: 'message', message: 'Unauthorized' }
    ],
    [
      'a nested code and message',
      { error: { code: 'PERMISSION_DENIED', message: 'no' } },
      { shape: 'nested', errorCode: 'PERMISSION_DENIED', message: 'no' }
    ],
    [
      'a nested error_code',
      { error: { error_code: 'BAD_REQUEST', message: 'bad' } },
      { shape: 'nested', errorCode: 'BAD_REQUEST', message: 'bad' }
    ],
    [
      'a nested message without a code',
      { error: { message: 'no' } },
      { shape: 'nested', message: 'no' }
    ],
    [
      'a FastAPI detail',
      { detail: 'Not authenticated' },
      { shape: 'detail', message: 'Not authenticated' }
    ],
    [
      'a FastAPI detail with an error',
      { detail: 'Token expired', error: 'invalid_token' },
      { shape: 'detail', errorCode: 'invalid_token', message: 'Token expired' }
    ],
    [
      'a FastAPI validation detail',
      { detail: [{ loc: ['body'], msg: 'field required' }] },
      {
        shape: 'detail',
        message: '[{"loc":["body"],"msg":"field required"}]'
      }
    ]
  ])('reads %s', (_, body, expected) => {
    expect(parseErrorBody(JSON.stringify(body))).toEqual(expected)
  })

  it.each([
    ['HTML', '<html><title>Login</title></html>'],
    ['plain text', 'Permission denied'],
    ['an empty body', ''],
    ['a JSON array', '[1, 2]'],
    ['a JSON string', '"error"'],
    ['JSON null', 'null'],
    ['an empty object', '{}'],
    ['a string error', '{"error": "unauthorized"}'],
    ['a number message', '{"message": 42}']
  ])('reads no error from %s', (_, body) => {
    expect(parseErrorBody(body)).toBeUndefined()
  })
})

describe('readResponseFacts', () => {
  it('reads the headers that identify the responder', () => {
    const facts = readResponseFacts(
      401,
      {
        'content-type': 'text/html; charset=utf-8',
        server: 'nginx/1.27',
        via: '1.1 proxy.test',
        'www-authenticate': 'Basic realm="mlflow"',
        location: 'https://login.test/',
        'retry-after': '5'
      },
      ''
    )
    expect(facts).toEqual({
      status: 401,
      body: '',
      contentType: 'text/html; charset=utf-8',
      server: 'nginx/1.27',
      via: '1.1 proxy.test',
      wwwAuthenticate: 'Basic realm="mlflow"',
      location: 'https://login.test/',
      retryAfter: '5'
    })
  })

  it('joins a repeated header', () => {
    const facts = readResponseFacts(
      401,
      { 'www-authenticate': ['Bearer', 'Basic realm="x"'] },
      ''
    )
    expect(facts.wwwAuthenticate).toBe('Bearer, Basic realm="x"')
  })

  it('leaves out empty and missing headers', () => {
    const facts = readResponseFacts(500, { server: '', via: undefined }, '')
    expect(facts).toEqual({ status: 500, body: '' })
  })

  it('reads the error body', () => {
    const body = '{"error_code": "PERMISSION_DENIED", "message": "no"}'
    expect(readResponseFacts(403, {}, body).errorBody).toEqual({
      shape: 'mlflow',
      errorCode: 'PERMISSION_DENIED',
      message: 'no'
    })
  })

  it('reads the HTML title, whitespace collapsed', () => {
    const body = '<html><head><TITLE lang="en">\n  Sign in\n to SSO </TITLE>'
    expect(readResponseFacts(200, {}, body).pageTitle).toBe('Sign in to SSO')
  })

  it('has no title for an empty title element', () => {
    const facts = readResponseFacts(200, {}, '<title> </title>')
    expect(facts).not.toHaveProperty('pageTitle')
  })

  it('keeps an excerpt of the body', () => {
    const facts = readResponseFacts(502, {}, '<h1>Bad\n\n  Gateway</h1>\n')
    expect(facts.body).toBe('<h1>Bad Gateway</h1>')
  })
})

describe('excerpt', () => {
  it('keeps a body of 500 characters whole', () => {
    const body = 'x'.repeat(500)
    expect(excerpt(body)).toBe(body)
  })

  it('cuts a longer body at 500 characters', () => {
    expect(excerpt('x'.repeat(501))).toBe(`${'x'.repeat(500)}...`)
  })

  it('collapses whitespace before cutting', () => {
    expect(excerpt(`  a \n\t b  `)).toBe('a b')
  })
})
