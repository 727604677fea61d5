/**
 * Starts Azurite's Blob service (npm package `azurite`) on loopback in a
 * temporary folder, and signs account SAS tokens for its development
 * account, whose name and key Azurite publishes in its documentation.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { stopChild } from '../moto-server.js'
import { NODE_24, ROOT } from '../spawn-node.js'

/** Azurite's development account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1'
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/' +
  'K1SZFPTOtr/KBHBeksoGMGw=='
const MAIN = path.join(ROOT, 'node_modules/azurite/dist/src/blob/main.js')
const SAS_VERSION = '2021-12-02'

/** A running Azurite Blob service. */
export interface Azurite {
  /** The Blob endpoint of the development account. */
  readonly blobUrl: string
  /**
   * Signs an account SAS for the Blob service; `expiry` in the past
   * makes a token that Azurite rejects as expired.
   */
  accountSas(expiry: Date, permissions?: string): string
  createContainer(name: string): Promise<void>
  /** Lists the blob names below a prefix of a container. */
  listBlobs(container: string, prefix: string): Promise<string[]>
  getBlob(container: string, name: string): Promise<Buffer>
  stop(): Promise<void>
}

/** Starts Azurite; throws when it does not listen within 60 s. */
export async function startAzurite(): Promise<Azurite> {
  const location = await mkdtemp(path.join(tmpdir(), 'azurite-'))
  const child = spawn(
    NODE_24,
    [
      MAIN,
      ...['--blobHost', '127.0.0.1', '--blobPort', '0'],
      ...['--location', location, '--loose', '--skipApiVersionCheck']
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const stop = async () => {
    await stopChild(child)
    await rm(location, { recursive: true, force: true })
  }
  let port: number
  try {
    port = await listeningPort(child)
  } catch (error) {
    await stop()
    throw error
  }
  const blobUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`
  const readSas = accountSas(new Date(Date.now() + 3_600_000))
  return {
    blobUrl,
    accountSas,
    async createContainer(name) {
      const url = `${blobUrl}/${name}?restype=container&${readSas}`
      const response = await fetch(url, { method: 'PUT' })
      if (!response.ok && response.status !== 409) {
        throw new Error(`Azurite create container: ${response.status}`)
      }
    },
    async listBlobs(container, prefix) {
      const query = `restype=container&comp=list&prefix=${encodeURIComponent(prefix)}`
      const response = await fetch(
        `${blobUrl}/${container}?${query}&${readSas}`
      )
      const xml = await response.text()
      if (!response.ok) throw new Error(`Azurite list: ${response.status}`)
      return [...xml.matchAll(/<Name>([^<]*)<\/Name>/g)].map(m => m[1] ?? '')
    },
    async getBlob(container, name) {
      const response = await fetch(`${blobUrl}/${container}/${name}?${readSas}`)
      if (!response.ok) throw new Error(`Azurite get: ${response.status}`)
      return Buffer.from(await response.arrayBuffer())
    },
    stop
  }
}

/** Signs an account SAS (version 2021-12-02) for the Blob service. */
function accountSas(expiry: Date, permissions = 'racwdl'): string {
  const expiryText = expiry.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const fields = {
    sv: SAS_VERSION,
    ss: 'b',
    srt: 'sco',
    sp: permissions,
    se: expiryText,
    spr: 'https,http'
  }
  const stringToSign = [
    AZURITE_ACCOUNT,
    fields.sp,
    fields.ss,
    fields.srt,
    '',
    fields.se,
    '',
    fields.spr,
    fields.sv,
    '',
    ''
  ].join('\n')
  const sig = createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64')
  return new URLSearchParams({ ...fields, sig }).toString()
}

async function listeningPort(child: ChildProcess): Promise<number> {
  let output = ''
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Azurite did not start within 60 s: ${output}`))
    }, 60_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const port = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (port) {
        clearTimeout(timer)
        resolve(Number(port))
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`Azurite exited with code ${code}: ${output}`))
    })
  })
}
