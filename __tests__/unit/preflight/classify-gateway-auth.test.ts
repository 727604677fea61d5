import { describe, expect, it } from '@jest/globals'

import { classifyFailure } from '../../../src/preflight/classify.js'
import { readBasicRealm } from '../../../src/preflight/classify-gateway-auth.js'
import {
  BASIC_CREDENTIAL,
  BEARER_CREDENTIAL,
  httpError
} from '../fixtures/errors.js'

/** The 401 page and headers of nginx 1.22.1 with `auth_basic`. */
const NGINX_401_PAGE =
  '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n' +
  '<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n' +
  '<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n'
const NGINX_401_HEADERS = {
  'content-type': 'text/html',
  server: 'nginx/1.22.1',
  'www-authenticate': 'Basic realm="Corp gateway"'
}
const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://mlflow.org/docs/latest/' +
  'auth/index.html#authenticating-to-mlflow on how to authenticate.'
const NGINX_RESPONDER =
  'an HTML page titled "401 Authorization Required" (Server: nginx/1.22.1)'

describe('readBasicRealm', () => {
  it.each<[string, string | undefined]>([
    ['Basic realm="mlflow"', 'mlflow'],
    ['basic realm="Corp gateway", charset="UTF-8"', 'Corp gateway'],
    ['Basic charset="UTF-8", realm="corp"', 'corp'],
    ['Basic realm=corp', 'corp'],
    ['Basic realm="say \\"hi\\""', 'say "hi"'],
    ['Basic', ''],
    ['Bearer realm="corp"', undefined],
    ['', undefined]
  ])('%s gives %s', (challenge, realm) => {
    expect(readBasicRealm(challenge)).toBe(realm)
  })
})

describe('401 from nginx auth_basic in front of MLflow', () => {
  it('bearer token blames the proxy', () => {
    const diagnosis = classifyFailure(
      httpError(401, NGINX_401_HEADERS, NGINX_401_PAGE, {
        credential: BEARER_CREDENTIAL
      })
    )
    expect(diagnosis.code).toBe('AUTH_REJECTED')
    expect(diagnosis.detail).toBe(
      'A proxy or gateway in front of MLflow asked for its own Basic ' +
        'credentials for get registered model. The 401 response was ' +
        `${NGINX_RESPONDER}, with WWW-Authenticate: Basic realm="Corp ` +
        'gateway", and its realm "Corp gateway" is not the realm "mlflow" ' +
        "that MLflow's basic-auth app uses. The action sent a Bearer " +
        'token in Authorization, which the proxy does not take, so MLflow ' +
        'did not see the request.'
    )
    expect(diagnosis.fix).toContain('If MLflow behind it needs no')
    expect(diagnosis.fix).toContain('`extra-headers`')
    expect(diagnosis.fix).toContain('`auth_basic_user_file`')
  })

  it('bearer token never claims MLflow wants Basic', () => {
    const diagnosis = classifyFailure(
      httpError(401, NGINX_401_HEADERS, NGINX_401_PAGE, {
        credential: BEARER_CREDENTIAL
      })
    )
    expect(diagnosis.detail).not.toContain('accepts only a username')
    expect(diagnosis.fix).not.toMatch(/^Use `auth-mode: basic`/)
  })

  it('basic credentials point at the proxy users', () => {
    const diagnosis = classifyFailure(
      httpError(401, NGINX_401_HEADERS, NGINX_401_PAGE, {
        credential: BASIC_CREDENTIAL
      })
    )
    expect(diagnosis.code).toBe('AUTH_REJECTED')
    expect(diagnosis.detail).toContain('realm "Corp gateway"')
    expect(diagnosis.detail).toContain('(Server: nginx/1.22.1)')
    expect(diagnosis.detail).toContain(
      "The proxy rejected the Basic credentials for user 'ci-bot', so " +
        'MLflow did not check them.'
    )
    expect(diagnosis.detail).not.toContain('password is wrong')
    expect(diagnosis.fix).toMatch(
      /^Check `username` and `password` against the proxy's users/
    )
    expect(diagnosis.fix).not.toContain('An admin can reset it')
  })

  it('no credentials name the proxy', () => {
    const diagnosis = classifyFailure(
      httpError(401, NGINX_401_HEADERS, NGINX_401_PAGE)
    )
    expect(diagnosis.code).toBe('AUTH_MISSING')
    expect(diagnosis.detail).toMatch(/^A proxy or gateway in front of MLflow/)
    expect(diagnosis.detail).toContain('The action sent no credentials.')
    expect(diagnosis.fix).toMatch(
      /^Set `username` and `password` to a user and password from the proxy/
    )
  })

  it('challenge without a realm is the proxy', () => {
    const diagnosis = classifyFailure(
      httpError(401, { server: 'envoy', 'www-authenticate': 'Basic' }, '', {
        credential: BASIC_CREDENTIAL
      })
    )
    expect(diagnosis.detail).toContain(
      'WWW-Authenticate: Basic, without the realm "mlflow"'
    )
    expect(diagnosis.detail).toContain('The proxy rejected')
  })

  it('MLflow text with another realm is the proxy', () => {
    const diagnosis = classifyFailure(
      httpError(
        401,
        { 'www-authenticate': 'Basic realm="corp"' },
        NOT_AUTHENTICATED,
        { credential: BEARER_CREDENTIAL }
      )
    )
    expect(diagnosis.detail).toContain('in front of MLflow')
    expect(diagnosis.detail).not.toContain('accepts only a username')
  })
})

describe('401 with Basic credentials from a non-MLflow responder', () => {
  it('JSON gateway with a Bearer challenge', () => {
    const diagnosis = classifyFailure(
      httpError(
        401,
        {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer realm="api"'
        },
        '{"message": "Unauthorized"}',
        { credential: BASIC_CREDENTIAL }
      )
    )
    expect(diagnosis.code).toBe('AUTH_REJECTED')
    expect(diagnosis.detail).toBe(
      "The 401 response to the Basic credentials for user 'ci-bot' on " +
        'get registered model was a gateway or auth plugin (JSON without ' +
        'error_code), with WWW-Authenticate: Bearer realm="api". That is ' +
        "not one of MLflow's responses, so most likely a proxy, gateway " +
        'or auth plugin in front of MLflow rejected the credentials, not ' +
        "MLflow's basic-auth app."
    )
    expect(diagnosis.fix).toContain('`extra-headers`')
  })

  it('empty body without a challenge', () => {
    const diagnosis = classifyFailure(
      httpError(401, { server: 'envoy' }, '', {
        credential: BASIC_CREDENTIAL
      })
    )
    expect(diagnosis.detail).toContain(
      'was an empty body (Server: envoy), without a WWW-Authenticate ' +
        'challenge.'
    )
  })
})

describe("401 from MLflow's basic-auth app behind nginx", () => {
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    server: 'nginx/1.22.1',
    'www-authenticate': 'Basic realm="mlflow"'
  }

  it('wrong password blames the MLflow user', () => {
    const diagnosis = classifyFailure(
      httpError(401, headers, NOT_AUTHENTICATED, {
        credential: BASIC_CREDENTIAL
      })
    )
    expect(diagnosis.code).toBe('AUTH_REJECTED')
    expect(diagnosis.detail).toBe(
      "MLflow's basic-auth app rejected the Basic credentials for user " +
        "'ci-bot': the user does not exist or the password is wrong."
    )
  })

  it('bearer token asks for auth-mode basic', () => {
    const diagnosis = classifyFailure(
      httpError(401, headers, NOT_AUTHENTICATED, {
        credential: BEARER_CREDENTIAL
      })
    )
    expect(diagnosis.detail).toContain('accepts only a username')
    expect(diagnosis.fix).toBe(
      'Use `auth-mode: basic` with `username` and `password`.'
    )
  })
})

describe('responder at the start of a sentence', () => {
  it('401 detail starts with a capital', () => {
    const diagnosis = classifyFailure(
      httpError(
        401,
        { 'content-type': 'text/html', server: 'nginx' },
        '<html><title>401 Authorization Required</title></html>',
        { credential: BEARER_CREDENTIAL }
      )
    )
    expect(diagnosis.detail).toMatch(
      /^An HTML page titled "401 [^"]*" \(Server: nginx\) rejected/
    )
  })

  it('413 detail starts with a capital', () => {
    const diagnosis = classifyFailure(
      httpError(
        413,
        { 'content-type': 'text/html', server: 'nginx' },
        '<html><title>413 Request Entity Too Large</title></html>'
      )
    )
    expect(diagnosis.detail).toMatch(/^An HTML page titled "413 /)
  })

  it('503 detail starts with a capital', () => {
    const diagnosis = classifyFailure(httpError(503, { via: '1.1 lb' }, ''))
    expect(diagnosis.detail).toMatch(/^An empty body \(Via: 1\.1 lb\)/)
  })
})
