import net from 'node:net'
import path from 'node:path'

import { afterEach, describe, expect, it, jest } from '@jest/globals'

import { runCli } from '../../../src/cli/main.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const BASE: InputValues = {
  'model-name': 'fraud-model',
  source: 'runs:/0a1b2c/model'
}

function parse(inputs: InputValues) {
  return parseConfig(settingsFrom({ ...BASE, ...inputs }, {}), ROOT)
}

describe('plain http with credentials', () => {
  it.each([
    [{ token: 'tok-1' }],
    [{ username: 'ci', password: 'pw' }],
    [{ 'auth-mode': 'bearer', token: 'tok-1' }],
    [{ 'extra-headers': 'CF-Access-Client-Secret: s3cret' }]
  ])('is rejected for a remote host: %j', inputs => {
    const error = diagnosedErrorOf(() =>
      parse({ 'tracking-uri': 'http://mlflow.test', ...inputs })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('`tracking-uri`')
    expect(error.diagnosis.fix).toContain('`allow-insecure-http: true`')
  })

  it('names no credential in the error', () => {
    const error = diagnosedErrorOf(() =>
      parse({ 'tracking-uri': 'http://ci:pw-9f2e@mlflow.test' })
    )
    expect(JSON.stringify(error.diagnosis)).not.toContain('pw-9f2e')
    expect(error.message).not.toContain('pw-9f2e')
  })

  it.each([
    'http://127.0.0.1:5000',
    'http://localhost:5000',
    'http://[::1]:5000',
    'https://mlflow.test'
  ])('is accepted for %s', url => {
    expect(
      parse({ 'tracking-uri': url, token: 'tok-1' }).trackingUri.href
    ).toBeDefined()
  })

  it('is accepted with allow-insecure-http', () => {
    const config = parse({
      'tracking-uri': 'http://mlflow.test',
      token: 'tok-1',
      'allow-insecure-http': 'true'
    })
    expect(config.trackingUri.protocol).toBe('http:')
  })

  it('is accepted without credentials', () => {
    const config = parse({ 'tracking-uri': 'http://mlflow.test' })
    expect(config.auth.mode).toBe('auto')
  })
})

describe('plain http rejection', () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })

  // 192.0.2.1 is in TEST-NET-1 (RFC 5737), which is never routed; the
  // spy fails the connection at once, so nothing leaves the machine.
  it('happens before any connection', async () => {
    const hosts: unknown[] = []
    jest
      .spyOn(net.Socket.prototype, 'connect')
      .mockImplementation(function refuse(this: net.Socket, ...args) {
        hosts.push(args[0])
        throw new Error('connection attempted')
      })
    let text = ''
    const code = await runCli(
      ['preflight', '--tracking-uri=http://192.0.2.1:5000', '--max-attempts=1'],
      { MLFLOW_TRACKING_TOKEN: 'tok-4b1d90', GITHUB_WORKSPACE: ROOT },
      {
        stdout: chunk => (text += chunk),
        stderr: chunk => (text += chunk)
      }
    )
    expect(hosts).toEqual([])
    expect(code).toBe(2)
    expect(text).toContain('CLIENT_CONFIG')
    expect(text).not.toContain('tok-4b1d90')
  })
})
