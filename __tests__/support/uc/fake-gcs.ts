/**
 * Starts fake-gcs-server (built into .tools/bin by
 * scripts/install-go-tools.sh) on loopback with plain http and an
 * in-memory backend, and reads back the objects it stores.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

import { freePort, stopChild, waitForPort } from '../moto-server.js'
import { ROOT } from '../spawn-node.js'

const BINARY = path.join(ROOT, '.tools/bin/fake-gcs-server')

/** A running fake-gcs-server. */
export interface FakeGcs {
  /** The JSON API endpoint, as STORAGE_EMULATOR_HOST takes it. */
  readonly url: string
  createBucket(name: string): Promise<void>
  /** Lists the object names below a prefix of a bucket. */
  listObjects(bucket: string, prefix: string): Promise<string[]>
  getObject(bucket: string, name: string): Promise<Buffer>
  stop(): Promise<void>
}

/** Starts fake-gcs-server; throws when it is missing or does not listen. */
export async function startFakeGcs(): Promise<FakeGcs> {
  if (!existsSync(BINARY)) {
    throw new Error(
      `${BINARY} is missing: run scripts/install-go-tools.sh to build it.`
    )
  }
  const port = await freePort()
  const child = spawn(
    BINARY,
    [
      ...['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port)],
      ...['-backend', 'memory', '-public-host', `127.0.0.1:${port}`]
    ],
    { stdio: 'ignore' }
  )
  try {
    await waitForPort(port, child, 'fake-gcs-server')
  } catch (error) {
    await stopChild(child)
    throw error
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    async createBucket(name) {
      const response = await fetch(`${url}/storage/v1/b`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name })
      })
      if (!response.ok && response.status !== 409) {
        throw new Error(`fake-gcs-server create bucket: ${response.status}`)
      }
    },
    async listObjects(bucket, prefix) {
      const query = `prefix=${encodeURIComponent(prefix)}`
      const response = await fetch(`${url}/storage/v1/b/${bucket}/o?${query}`)
      if (!response.ok) throw new Error(`fake-gcs list: ${response.status}`)
      const body = (await response.json()) as { items?: { name: string }[] }
      return (body.items ?? []).map(item => item.name)
    },
    async getObject(bucket, name) {
      const response = await fetch(
        `${url}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?alt=media`
      )
      if (!response.ok) throw new Error(`fake-gcs get: ${response.status}`)
      return Buffer.from(await response.arrayBuffer())
    },
    stop: () => stopChild(child)
  }
}
