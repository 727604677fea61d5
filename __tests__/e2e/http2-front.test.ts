import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { createPrivateCa, type PrivateCa } from '../support/pki.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import { parseCliOutputs, runCli } from '../support/run-cli.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import type { ProcessResult } from '../support/spawn-node.js'
import { startTlsFront, type TlsFront } from '../support/tls-front.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

// undici offers h2 in ALPN, and the bundles load its HTTP/2 client only
// when a server picks it. These runs go through nginx with HTTP/2 on, so
// they use that client, uploads included.
let ca: PrivateCa
let front: TlsFront

beforeAll(async () => {
  ca = createPrivateCa('HTTP2 Root CA')
  front = await startTlsFront(
    testServers().plain.url,
    ca.issueServer('server', ['127.0.0.1']),
    { http2: true }
  )
})

afterAll(async () => {
  await front.stop()
})

describe('action over HTTP/2', () => {
  let result: ActionResult
  let before: number

  beforeAll(async () => {
    before = front.protocols().length
    result = await runAction({
      inputs: {
        'tracking-uri': front.url,
        'model-name': uniqueModelName('e2e-h2-action'),
        'model-path': 'examples/model',
        'ca-cert': ca.cert,
        aliases: 'champion'
      }
    })
  })

  it('registers the uploaded model', () => {
    expect(result.outputs.outcome).toBe('registered')
    expect(result.exitCode).toBe(0)
  })

  it('sends every request over HTTP/2', () => {
    const protocols = front.protocols().slice(before)
    expect(protocols.length).toBeGreaterThan(5)
    expect(new Set(protocols)).toEqual(new Set(['HTTP/2.0']))
  })
})

describe('CLI over HTTP/2', () => {
  let result: ProcessResult
  let before: number

  beforeAll(async () => {
    before = front.protocols().length
    result = await runCli([
      'register',
      ...['--tracking-uri', front.url, '--ca-cert', ca.cert],
      ...['--model-name', uniqueModelName('e2e-h2-cli')],
      ...['--model-path', 'examples/model', '--json']
    ])
  })

  it('registers the uploaded model', () => {
    expect(result.exitCode).toBe(0)
    expect(parseCliOutputs(result.stdout)).toMatchObject({
      outcome: 'registered',
      'model-version': '1'
    })
  })

  it('sends every request over HTTP/2', () => {
    const protocols = front.protocols().slice(before)
    expect(protocols.length).toBeGreaterThan(5)
    expect(new Set(protocols)).toEqual(new Set(['HTTP/2.0']))
  })
})
