import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'

import { requestIdToken } from '../../../src/auth/github-id-token.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'

const RUNNER_TOKEN = 'runner-request-token-7c1d'
const ID_TOKEN = 'header.payload-for-audience.signature'

/** What the runner's token service received. */
const seen: { url?: string | undefined; authorization?: string | undefined } =
  {}
let answer = { status: 200, body: JSON.stringify({ value: ID_TOKEN }) }
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.url = request.url
    seen.authorization = request.headers.authorization
    response.writeHead(answer.status, { 'content-type': 'application/json' })
    response.end(answer.body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}/token?api-version=2.0`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

afterEach(() => {
  delete process.env.HTTP_PROXY
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  answer = { status: 200, body: JSON.stringify({ value: ID_TOKEN }) }
})

function offerToken(): void {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = url
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = RUNNER_TOKEN
}

async function failure(): Promise<DiagnosedError> {
  try {
    await requestIdToken('sigstore')
  } catch (error) {
    if (error instanceof DiagnosedError) return error
    throw error
  }
  throw new Error('expected the request to fail')
}

describe('requestIdToken', () => {
  it('returns the token for the audience', async () => {
    offerToken()
    expect(await requestIdToken('sigstore')).toBe(ID_TOKEN)
    expect(seen.url).toBe('/token?api-version=2.0&audience=sigstore')
    expect(seen.authorization).toBe(`Bearer ${RUNNER_TOKEN}`)
  })

  it('sends the request through HTTP_PROXY', async () => {
    offerToken()
    // The test server acts as the proxy and receives the absolute URL.
    process.env.HTTP_PROXY = new URL(url).origin
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL =
      'http://runner.example.test/token?api-version=2.0'
    expect(await requestIdToken('sigstore')).toBe(ID_TOKEN)
    expect(seen.url).toBe(
      'http://runner.example.test/token?api-version=2.0&audience=sigstore'
    )
  })

  it('writes nothing to standard output', async () => {
    offerToken()
    const write = jest.spyOn(process.stdout, 'write')
    try {
      await requestIdToken('sigstore')
      expect(write).not.toHaveBeenCalled()
    } finally {
      write.mockRestore()
    }
  })

  it('fails without the runner variables', async () => {
    const error = await failure()
    expect(error.diagnosis.code).toBe('AUTH_REFRESH')
    expect(error.diagnosis.detail).toContain('offers no ID token')
  })

  it('names the status of a refusal', async () => {
    offerToken()
    answer = { status: 403, body: '{"message":"forbidden"}' }
    expect((await failure()).diagnosis.detail).toContain('HTTP 403')
  })

  it('quotes nothing of a malformed response', async () => {
    offerToken()
    answer = { status: 200, body: `not json ${ID_TOKEN}` }
    const error = await failure()
    expect(error.diagnosis.detail).toContain('contains no token')
    expect(error.diagnosis.detail).not.toContain(ID_TOKEN)
  })
})
