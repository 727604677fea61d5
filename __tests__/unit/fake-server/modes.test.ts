import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'

import { afterEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send, sendJson } from './fake-http.js'

let server: FakeServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts'

describe('--no-serve-artifacts mode', () => {
  it('rejects upload with FastAPI 503 JSON', async () => {
    server = await startFakeServer({ serveArtifacts: false })
    const reply = await send(server, `${ARTIFACTS}/0/a.txt`, {
      method: 'PUT',
      body: 'x'
    })
    expect(reply.status).toBe(503)
    expect(JSON.parse(reply.text)).toEqual({
      detail:
        'Artifact serving is disabled. Run `mlflow server` with ' +
        '`--serve-artifacts` to enable.'
    })
  })

  it('rejects listing with Flask 503 text', async () => {
    server = await startFakeServer({ serveArtifacts: false })
    const reply = await send(server, `${ARTIFACTS}?path=0`)
    expect(reply.status).toBe(503)
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(reply.text).toBe(
      'Endpoint: /api/2.0/mlflow-artifacts/artifacts disabled due to the ' +
        'mlflow server running with `--no-serve-artifacts`. To enable ' +
        'artifacts server functionality, run `mlflow server` with ' +
        '`--serve-artifacts`'
    )
  })

  it('gives experiments a local artifact location', async () => {
    server = await startFakeServer({ serveArtifacts: false })
    const reply = await sendJson(
      server,
      `${api('experiments/get')}?experiment_id=0`
    )
    expect(reply.body.experiment).toMatchObject({
      artifact_location: expect.stringMatching(/^\/.*\/mlruns\/0$/)
    })
  })
})

describe('MLflow 2 mode', () => {
  it('returns 404 for logged-model routes', async () => {
    server = await startFakeServer({ mlflowVersion: '2.22.1' })
    const reply = await send(server, api('logged-models/search'), {
      json: { experiment_ids: ['0'] }
    })
    expect(reply.status).toBe(404)
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8')
  })

  it('reports its version', async () => {
    server = await startFakeServer({ mlflowVersion: '2.22.1' })
    expect((await send(server, '/version')).text).toBe('2.22.1')
  })
})

describe('static prefix', () => {
  it('serves routes below the prefix', async () => {
    server = await startFakeServer({ staticPrefix: '/mlflow/' })
    expect(server.url).toBe(`${server.origin}/mlflow`)
    const reply = await send(
      server,
      `/mlflow${api('registered-models/search')}`
    )
    expect(reply.status).toBe(200)
  })

  it('returns 404 without the prefix', async () => {
    server = await startFakeServer({ staticPrefix: '/mlflow' })
    const reply = await send(server, api('registered-models/search'))
    expect(reply.status).toBe(404)
  })

  it('moves /health below the prefix', async () => {
    server = await startFakeServer({ staticPrefix: '/mlflow' })
    expect((await send(server, '/mlflow/health')).status).toBe(200)
    expect((await send(server, '/health')).status).toBe(404)
  })
})

describe('temporary artifact directory', () => {
  async function fakeDirectories(): Promise<string[]> {
    const entries = await readdir(tmpdir())
    return entries.filter(entry => entry.startsWith('mlflow-fake-'))
  }

  it('stores files and is removed on close', async () => {
    const before = await fakeDirectories()
    server = await startFakeServer({ artifactStorage: 'temp-dir' })
    await send(server, `${ARTIFACTS}/0/a/b.txt`, { method: 'PUT', body: 'xyz' })
    const reply = await send(server, `${ARTIFACTS}/0/a/b.txt`)
    expect(reply.text).toBe('xyz')
    const created = (await fakeDirectories()).filter(d => !before.includes(d))
    expect(created).toHaveLength(1)
    await server.close()
    server = undefined
    const left = (await fakeDirectories()).filter(d => created.includes(d))
    expect(left).toEqual([])
  })
})
