import { describe, expect, it } from '@jest/globals'

import { readResponseFacts } from '../../../src/http/response-facts.js'
import type { ResponderHeaders } from '../../../src/http/errors.js'
import {
  describeResponder,
  foreignHeaders,
  identifyResponder,
  isMlflowResponder,
  proxyHeaders,
  type Responder
} from '../../../src/preflight/responder.js'

const MLFLOW_JSON = '{"error_code": "PERMISSION_DENIED", "message": "no"}'
const HOST_CHECK =
  'Invalid Host header - possible DNS rebinding attack detected'
const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://mlflow.org/docs/latest/' +
  'auth/index.html#authenticating-to-mlflow on how to authenticate.'

describe('identifyResponder', () => {
  it.each<[string, Record<string, string>, string, Responder]>([
    ['MLflow JSON', {}, MLFLOW_JSON, 'mlflow'],
    [
      'MLflow JSON in HTML',
      { 'content-type': 'text/html' },
      MLFLOW_JSON,
      'mlflow'
    ],
    ['the host check', {}, HOST_CHECK, 'mlflow-host-check'],
    ['the CORS check', {}, 'Cross-origin request blocked', 'mlflow-cors'],
    [
      'Permission denied labelled HTML',
      { 'content-type': 'text/html; charset=utf-8' },
      'Permission denied',
      'mlflow-auth'
    ],
    [
      'Permission denied with a newline',
      {},
      'Permission denied\n',
      'mlflow-auth'
    ],
    ['the not-authenticated text', {}, NOT_AUTHENTICATED, 'mlflow-auth'],
    [
      'the mlflow Basic realm',
      { 'www-authenticate': 'Basic realm="mlflow"' },
      '',
      'mlflow-auth'
    ],
    [
      'another Basic realm',
      { 'www-authenticate': 'Basic realm="corp"' },
      '',
      'unknown'
    ],
    [
      'an auth plugin denial',
      {},
      '{"message": "Permission denied"}',
      'mlflow-auth-plugin'
    ],
    ['a message JSON', {}, '{"message": "Unauthorized"}', 'json-gateway'],
    ['a FastAPI detail', {}, '{"detail": "Not authenticated"}', 'json-gateway'],
    ['a nested error', {}, '{"error": {"message": "no"}}', 'json-gateway'],
    [
      'a nested MLflow code',
      {},
      '{"error": {"code": "PERMISSION_DENIED", "message": "no"}}',
      'mlflow-nested'
    ],
    [
      'a nested foreign code',
      {},
      '{"error": {"code": "Forbidden", "message": "no"}}',
      'json-gateway'
    ],
    ['an HTML page', {}, '<html><body>Forbidden</body></html>', 'html-page'],
    ['a doctype', {}, '<!DOCTYPE html><p>x</p>', 'html-page'],
    ['a bare title', {}, '<title>Login</title>', 'html-page'],
    ['a longer denial text', {}, 'Permission denied: ask IT', 'unknown'],
    ['plain text', {}, 'Forbidden', 'unknown'],
    ['an empty body', {}, '', 'unknown']
  ])('identifies %s', (_, headers, body, expected) => {
    const facts = readResponseFacts(403, headers, body)
    expect(identifyResponder(facts)).toBe(expected)
  })
})

describe('identifyResponder with earlier headers', () => {
  const denied = (headers: Record<string, string>) =>
    readResponseFacts(403, headers, 'Permission denied')

  it.each<[string, Record<string, string>, ResponderHeaders, Responder]>([
    [
      'a new Server and Via',
      { server: 'envoy', via: '1.1 corp' },
      { server: 'uvicorn' },
      'conflicting'
    ],
    ['a new Via', { via: '1.1 corp' }, {}, 'conflicting'],
    [
      'another Server',
      { server: 'envoy' },
      { server: 'uvicorn' },
      'conflicting'
    ],
    [
      'the same Server',
      { server: 'uvicorn' },
      { server: 'uvicorn' },
      'mlflow-auth'
    ],
    [
      'headers a proxy stamps on all',
      { server: 'nginx', via: '1.1 corp' },
      { server: 'nginx', via: '1.1 corp' },
      'mlflow-auth'
    ],
    ['a Server header dropped', {}, { server: 'uvicorn' }, 'mlflow-auth']
  ])('%s', (_, headers, earlier, expected) => {
    expect(identifyResponder(denied(headers), earlier)).toBe(expected)
  })

  it('compares nothing without earlier headers', () => {
    const response = denied({ server: 'envoy', via: '1.1 corp' })
    expect(identifyResponder(response)).toBe('mlflow-auth')
  })

  it('leaves a foreign page alone', () => {
    const response = readResponseFacts(
      403,
      { server: 'envoy' },
      '<html><title>403</title></html>'
    )
    expect(identifyResponder(response, { server: 'uvicorn' })).toBe('html-page')
  })

  it('lists only the new headers', () => {
    const response = denied({ server: 'uvicorn', via: '1.1 corp' })
    expect(foreignHeaders(response, { server: 'uvicorn' })).toEqual([
      'Via: 1.1 corp'
    ])
  })
})

describe('describeResponder', () => {
  const facts = (headers: Record<string, string>, body: string) =>
    readResponseFacts(403, headers, body)

  it.each<[Responder, string]>([
    ['mlflow', 'MLflow (JSON error)'],
    ['mlflow-auth', "MLflow's basic-auth app"],
    ['mlflow-host-check', "MLflow's host-header check"],
    ['mlflow-cors', "MLflow's cross-origin check"]
  ])('names %s without proxy headers', (responder, expected) => {
    const response = facts({ server: 'nginx' }, 'x')
    expect(describeResponder(responder, response)).toBe(expected)
  })

  it('names an HTML page by title, Server and Via', () => {
    const response = facts(
      { server: 'nginx', via: '1.1 google' },
      '<html><title>403 Forbidden</title></html>'
    )
    expect(describeResponder('html-page', response)).toBe(
      'an HTML page titled "403 Forbidden" (Server: nginx, Via: 1.1 google)'
    )
  })

  it('names a gateway by its Server', () => {
    const response = facts({ server: 'envoy' }, '{"message": "no"}')
    expect(describeResponder('json-gateway', response)).toBe(
      'a gateway or auth plugin (JSON without error_code) (Server: envoy)'
    )
  })

  it('names a nested error by its code', () => {
    const response = facts(
      { server: 'envoy' },
      '{"error": {"code": "Forbidden", "message": "no"}}'
    )
    expect(describeResponder('json-gateway', response)).toBe(
      'a gateway or auth plugin (nested JSON error with the code ' +
        'Forbidden) (Server: envoy)'
    )
  })

  it('names a nested MLflow error', () => {
    const response = facts(
      {},
      '{"error": {"code": "PERMISSION_DENIED", "message": "no"}}'
    )
    expect(describeResponder('mlflow-nested', response)).toBe(
      'an MLflow distribution or auth plugin (nested JSON error ' +
        'PERMISSION_DENIED)'
    )
  })

  it('quotes both signals of a conflict', () => {
    const response = facts({ server: 'envoy' }, 'Permission denied')
    expect(
      describeResponder('conflicting', response, { server: 'uvicorn' })
    ).toBe(
      "a response shaped like MLflow's basic-auth app but with Server: " +
        'envoy, which the earlier MLflow JSON response of this server did ' +
        'not carry (it had Server: uvicorn)'
    )
  })

  it('names an empty body', () => {
    expect(describeResponder('unknown', facts({}, ''))).toBe('an empty body')
  })

  it('names plain text', () => {
    expect(describeResponder('unknown', facts({}, 'Forbidden'))).toBe(
      "plain text that is not MLflow's"
    )
  })

  it('names JSON by its content type', () => {
    const response = facts(
      { 'content-type': 'application/json; charset=utf-8' },
      '{"status": "ok"}'
    )
    expect(describeResponder('unknown', response)).toBe(
      "JSON that is not MLflow's"
    )
  })

  it('names a problem+json body as JSON', () => {
    const response = facts(
      { 'content-type': 'application/problem+json' },
      '{"title": "Forbidden"'
    )
    expect(describeResponder('unknown', response)).toBe(
      "JSON that is not MLflow's"
    )
  })

  it('names another media type', () => {
    const response = facts({ 'content-type': 'text/csv' }, 'a,b')
    expect(describeResponder('unknown', response)).toBe(
      "a body of type text/csv that is not MLflow's"
    )
  })
})

describe('proxyHeaders', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['uvicorn', { server: 'uvicorn' }, []],
    ['gunicorn with a version', { server: 'gunicorn/23.0.0' }, []],
    ['Werkzeug', { server: 'Werkzeug/3.1.3 Python/3.11.9' }, []],
    ['nginx', { server: 'nginx/1.22.1' }, ['Server: nginx/1.22.1']],
    ['a Via header', { server: 'uvicorn', via: '1.1 lb' }, ['Via: 1.1 lb']],
    ['no headers', {}, []]
  ])('%s', (_, headers, expected) => {
    expect(proxyHeaders(readResponseFacts(403, headers, ''))).toEqual(expected)
  })
})

describe('isMlflowResponder', () => {
  it.each<[Responder, boolean]>([
    ['mlflow', true],
    ['mlflow-auth', true],
    ['mlflow-host-check', true],
    ['mlflow-cors', true],
    ['mlflow-nested', true],
    ['conflicting', false],
    ['json-gateway', false],
    ['html-page', false],
    ['unknown', false]
  ])('%s: %s', (responder, expected) => {
    expect(isMlflowResponder(responder)).toBe(expected)
  })
})
