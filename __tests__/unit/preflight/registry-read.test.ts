import { describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import type { HttpClient } from '../../../src/http/transport.js'
import { readRegistryOrExplain } from '../../../src/preflight/registry-read.js'
import { connectionError, httpError } from '../fixtures/errors.js'

const HTML_500 =
  '<!doctype html><title>500 Internal Server Error</title>' +
  '<h1>Internal Server Error</h1>'

/** Builds a client whose tracking probe succeeds or fails with `probeError`. */
function clientWithProbe(
  probeError?: Error,
  unityCatalog = false
): { http: HttpClient; probes: string[] } {
  const probes: string[] = []
  const http = {
    options: { unityCatalog, log: { debug: () => undefined } },
    route: () => http,
    json: (request: { path: string }) => {
      probes.push(request.path)
      return probeError ? Promise.reject(probeError) : Promise.resolve({})
    }
  }
  return { http: http as unknown as HttpClient, probes }
}

function failingRead(error: Error): () => Promise<never> {
  return () => Promise.reject(error)
}

/** Builds a read that settles with each outcome in turn, and counts calls. */
function readSequence<T>(...outcomes: (Error | T)[]): {
  read: () => Promise<T>
  calls: () => number
} {
  let calls = 0
  const read = (): Promise<T> => {
    const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]
    return outcome instanceof Error
      ? Promise.reject(outcome)
      : Promise.resolve(outcome as T)
  }
  return { read, calls: () => calls }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}

describe('readRegistryOrExplain', () => {
  it('bare 500 with working tracking', async () => {
    const { http, probes } = clientWithProbe()
    const read = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const reads = readSequence(read)
    const error = await caught(readRegistryOrExplain(http, reads.read))

    expect(error).toBeInstanceOf(DiagnosedError)
    const diagnosis = (error as DiagnosedError).diagnosis
    expect(diagnosis.code).toBe('SERVER_CONFIG')
    expect(diagnosis.detail).toContain('no working model registry')
    expect(diagnosis.evidence.status).toBe(500)
    expect(probes).toEqual(['api/2.0/mlflow/experiments/search'])
    expect(reads.calls()).toBe(2)
  })

  it('read after the probe ends a blip', async () => {
    const { http, probes } = clientWithProbe()
    const first = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const reads = readSequence<number>(first, 7)
    const value = await readRegistryOrExplain(http, reads.read)

    expect(value).toBe(7)
    expect(reads.calls()).toBe(2)
    expect(probes).toEqual(['api/2.0/mlflow/experiments/search'])
  })

  it('other failure of the second read is raised', async () => {
    const { http } = clientWithProbe()
    const first = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const second = connectionError('ECONNREFUSED')
    const reads = readSequence(first, second)
    const error = await caught(readRegistryOrExplain(http, reads.read))

    expect(error).toBe(second)
  })

  it('diagnosis uses the second failure', async () => {
    const { http } = clientWithProbe()
    const first = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const second = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const reads = readSequence(first, second)
    const error = await caught(readRegistryOrExplain(http, reads.read))

    expect(error).toBeInstanceOf(DiagnosedError)
    expect((error as DiagnosedError).cause).toBe(second)
  })

  it('failed probe keeps the original error', async () => {
    const { http } = clientWithProbe(connectionError('ECONNRESET'))
    const read = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const reads = readSequence(read)
    const error = await caught(readRegistryOrExplain(http, reads.read))

    expect(error).toBe(read)
    expect(reads.calls()).toBe(1)
  })

  it.each([
    ['503 from a gateway', 503, 'text/html', '<title>503</title>'],
    [
      'MLflow JSON error',
      500,
      'application/json',
      '{"error_code":"INTERNAL_ERROR","message":"boom"}'
    ],
    [
      'database contention',
      500,
      'application/json',
      '{"message":"database is locked"}'
    ]
  ])('%s is not probed', async (_case, status, contentType, body) => {
    const { http, probes } = clientWithProbe()
    const read = httpError(status, { 'content-type': contentType }, body)
    const error = await caught(readRegistryOrExplain(http, failingRead(read)))

    expect(error).toBe(read)
    expect(probes).toEqual([])
  })

  it('Unity Catalog is not probed', async () => {
    const { http, probes } = clientWithProbe(undefined, true)
    const read = httpError(500, { 'content-type': 'text/html' }, HTML_500)
    const error = await caught(readRegistryOrExplain(http, failingRead(read)))

    expect(error).toBe(read)
    expect(probes).toEqual([])
  })

  it('successful read is returned', async () => {
    const { http, probes } = clientWithProbe()
    const value = await readRegistryOrExplain(http, () => Promise.resolve(7))

    expect(value).toBe(7)
    expect(probes).toEqual([])
  })
})
