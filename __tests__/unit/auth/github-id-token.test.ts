import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import {
  checkIdTokenAvailable,
  readClaims
} from '../../../src/auth/github-id-token.js'
import { parseOidcSettings } from '../../../src/config/oidc-settings.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const REQUEST_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}

let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'oidc-events-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function eventFile(name: string, payload: unknown): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify(payload))
  return file
}

function pullRequest(head: string, fork: boolean) {
  return {
    pull_request: {
      head: { repo: { full_name: head, fork } },
      base: { repo: { full_name: 'hokusai/mlflow-register' } }
    }
  }
}

describe('checkIdTokenAvailable', () => {
  it('accepts a job with both variables', () => {
    expect(() => {
      checkIdTokenAvailable(REQUEST_ENV)
    }).not.toThrow()
  })

  it.each([
    ['no variables', {}],
    ['the URL alone', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/t' }],
    ['the token alone', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' }]
  ])('asks for id-token: write with %s', (_, env) => {
    const { diagnosis } = diagnosedErrorOf(() => {
      checkIdTokenAvailable(env)
    })

    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.fix).toContain('id-token: write')
  })

  it.each([
    ['a fork flag', pullRequest('someone/mlflow-register', true)],
    ['another head repository', pullRequest('someone/copy', false)]
  ])('names forks for a pull request with %s', (name, payload) => {
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile(`${name}.json`, payload)
    }
    const { diagnosis } = diagnosedErrorOf(() => {
      checkIdTokenAvailable(env)
    })

    expect(diagnosis.detail).toContain('pull request from a fork')
  })

  it('treats a same-repository pull request as missing permission', () => {
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile(
        'same.json',
        pullRequest('hokusai/mlflow-register', false)
      )
    }
    const { diagnosis } = diagnosedErrorOf(() => {
      checkIdTokenAvailable(env)
    })

    expect(diagnosis.fix).toContain('id-token: write')
  })

  it('names the input that needs the token', () => {
    const use = {
      input: 'signing',
      setting: 'signing is sigstore',
      forkFix: 'Set `signing: none` for forks.',
      outsideFix: 'Outside GitHub Actions, use `signing: key`.'
    }
    const { diagnosis } = diagnosedErrorOf(() => {
      checkIdTokenAvailable({}, use)
    })

    expect(diagnosis.detail).toContain('signing is sigstore')
    expect(diagnosis.fix).toContain('use `signing: key`')
    expect(diagnosis.invalidSetting).toBe('input `signing`')
  })
})

describe('readClaims', () => {
  function jwt(claims: unknown): string {
    const part = (value: unknown) =>
      Buffer.from(JSON.stringify(value)).toString('base64url')
    return `${part({ alg: 'RS256' })}.${part(claims)}.signature`
  }

  it('reads iss, sub, aud and exp', () => {
    const claims = readClaims(
      jwt({ iss: 'https://gh', sub: 'repo:o/r', aud: 'api', exp: 10 })
    )
    expect(claims).toEqual({
      iss: 'https://gh',
      sub: 'repo:o/r',
      aud: 'api',
      exp: 10
    })
  })

  it('joins an audience list', () => {
    expect(readClaims(jwt({ aud: ['a', 'b'] })).aud).toBe('a b')
  })

  it('returns empty claims for a token that is no JWT', () => {
    expect(readClaims('not-a-jwt')).toEqual({ iss: '', sub: '', aud: '' })
  })
})

describe('parseOidcSettings', () => {
  function parse(inputs: InputValues) {
    const settings = settingsFrom(inputs)
    return parseOidcSettings(name => settings.get(name))
  }

  it('returns nothing when no OIDC input is set', () => {
    expect(parse({})).toEqual({})
  })

  it('leaves an unset exchange absent', () => {
    expect(parse({ 'oidc-audience': 'api' })).toEqual({
      oidc: { audience: 'api' }
    })
  })

  it('reads an explicit token-exchange', () => {
    expect(parse({ 'oidc-exchange': 'token-exchange' })).toEqual({
      oidc: { exchange: 'token-exchange' }
    })
  })

  it('rejects an unknown exchange', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse({ 'oidc-exchange': 'saml' })
    )
    expect(diagnosis.title).toBe('Invalid input `oidc-exchange`')
  })
})
