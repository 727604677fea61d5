/**
 * A loopback stand-in for the GitHub services that @actions/artifact 6
 * and @actions/cache 6 talk to on a runner, so the real libraries run
 * unmodified in tests:
 * - the results service's Twirp JSON API (ArtifactService, and
 *   CacheService for cache v2) under ACTIONS_RESULTS_URL;
 * - an Azure Blob data plane for the signed URLs it hands out (Put Blob,
 *   Put Block, Put Block List and GET);
 * - the REST endpoints that list and delete a repository's artifacts and
 *   cache entries, and redirect to an artifact's zip, under
 *   GITHUB_API_URL.
 * It listens on 127.0.0.1 only and keeps everything in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { buffer } from 'node:stream/consumers'

/** A cache entry, as saved through CacheService. */
export interface StoredCache {
  readonly id: number
  readonly key: string
  readonly version: string
  readonly blob: string
  readonly created: number
  finalized: boolean
  size: number
}

/** An artifact, as uploaded through ArtifactService. */
export interface StoredArtifact {
  readonly id: number
  readonly name: string
  readonly runBackendId: string
  readonly jobBackendId: string
  /** The numeric workflow run id the REST API shows. */
  readonly runId: number
  readonly blob: string
  readonly created: string
  finalized: boolean
  size: number
}

/** A running stand-in. */
export interface GitHubServices {
  /** ACTIONS_RESULTS_URL and GITHUB_API_URL. */
  readonly url: string
  /** The REST token the stand-in accepts. */
  readonly token: string
  readonly caches: StoredCache[]
  readonly artifacts: StoredArtifact[]
  /** Every request, as `METHOD path`. */
  readonly requests: string[]
  /** Builds the runtime token of a new workflow run. */
  runtimeToken(): string
  close(): Promise<void>
}

type Json = Record<string, unknown>
type Reply = readonly [status: number, body: Json]

const TWIRP = /^\/twirp\/github\.actions\.results\.api\.v1\.(\w+)\/(\w+)$/
const REST =
  /^\/repos\/[^/]+\/[^/]+\/actions\/(caches|artifacts)(?:\/(\d+))?(\/zip)?$/

/** Starts the stand-in on a free loopback port. */
export async function startGitHubServices(): Promise<GitHubServices> {
  const state = new ServiceState()
  const server = createServer((request, response) => {
    state.handle(request, response).catch((error: unknown) => {
      sendJson(response, 500, { code: 'internal', msg: String(error) })
    })
  })
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: state.base,
    token: state.token,
    caches: state.caches,
    artifacts: state.artifacts,
    requests: state.requests,
    runtimeToken: () => state.newRuntimeToken(),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      })
  }
}

class ServiceState {
  base = ''
  readonly token = `ghs_${randomBytes(12).toString('hex')}`
  readonly caches: StoredCache[] = []
  readonly artifacts: StoredArtifact[] = []
  readonly requests: string[] = []
  private readonly blobs = new Map<string, Buffer>()
  private readonly blocks = new Map<string, Map<string, Buffer>>()
  private readonly runIds = new Map<string, number>()
  private nextId = 1

  /** Returns an unsigned JWT whose `scp` names new run and job ids. */
  newRuntimeToken(): string {
    const encode = (value: Json): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url')
    const scope = `Actions.Results:${randomUUID()}:${randomUUID()}`
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ scp: scope })}.x`
  }

  async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', this.base)
    const body = await buffer(request)
    this.requests.push(`${request.method ?? ''} ${url.pathname}`)

    const twirp = TWIRP.exec(url.pathname)
    if (twirp && request.method === 'POST') {
      if (!request.headers.authorization?.startsWith('Bearer ')) {
        sendJson(response, 401, { code: 'unauthenticated', msg: 'no token' })
        return
      }
      const input = JSON.parse(body.toString('utf8') || '{}') as Json
      const [status, reply] = this.twirp(twirp[1] ?? '', twirp[2] ?? '', input)
      sendJson(response, status, reply)
      return
    }
    if (url.pathname.startsWith('/devstoreaccount1/')) {
      this.blob(request.method ?? '', url, body, response)
      return
    }
    const rest = REST.exec(url.pathname)
    if (rest) {
      if (request.headers.authorization !== `token ${this.token}`) {
        sendJson(response, 401, { message: 'Bad credentials' })
        return
      }
      this.rest(request.method ?? '', rest, url, response)
      return
    }
    sendJson(response, 404, { message: `no route ${url.pathname}` })
  }

  private twirp(service: string, method: string, input: Json): Reply {
    const handlers: Record<string, (input: Json) => Reply> = {
      'CacheService/CreateCacheEntry': value => this.createCache(value),
      'CacheService/FinalizeCacheEntryUpload': value =>
        this.finalizeCache(value),
      'CacheService/GetCacheEntryDownloadURL': value => this.findCache(value),
      'ArtifactService/CreateArtifact': value => this.createArtifact(value),
      'ArtifactService/FinalizeArtifact': value => this.finalizeArtifact(value),
      'ArtifactService/ListArtifacts': value => this.listArtifacts(value),
      'ArtifactService/GetSignedArtifactURL': value =>
        this.signedArtifactUrl(value)
    }
    const handler = handlers[`${service}/${method}`]
    if (!handler) return [404, { code: 'bad_route', msg: method }]
    return handler(input)
  }

  private createCache(input: Json): Reply {
    const key = String(input.key)
    const version = String(input.version)
    if (this.caches.some(c => c.key === key && c.version === version)) {
      return [200, { ok: false, message: 'cache entry already exists' }]
    }
    const id = this.nextId++
    const blob = `/devstoreaccount1/actions-cache/${id}`
    this.caches.push({
      id,
      key,
      version,
      blob,
      created: Date.now() + id,
      finalized: false,
      size: 0
    })
    return [200, { ok: true, signed_upload_url: this.signed(blob) }]
  }

  private finalizeCache(input: Json): Reply {
    const entry = this.caches.find(
      c => c.key === input.key && c.version === input.version && !c.finalized
    )
    if (!entry || !this.blobs.has(entry.blob)) {
      return [200, { ok: false, message: 'nothing uploaded' }]
    }
    entry.finalized = true
    entry.size = Number(input.size_bytes ?? 0)
    return [200, { ok: true, entry_id: String(entry.id) }]
  }

  /** Matches an exact key first, then each key as a prefix, newest first. */
  private findCache(input: Json): Reply {
    const candidates = this.caches
      .filter(c => c.finalized && c.version === input.version)
      .sort((a, b) => b.created - a.created)
    const keys = [
      String(input.key),
      ...((input.restore_keys as string[] | undefined) ?? [])
    ]
    const hit =
      candidates.find(c => c.key === input.key) ??
      keys
        .map(prefix => candidates.find(c => c.key.startsWith(prefix)))
        .find(found => found !== undefined)
    if (!hit) return [200, { ok: false }]
    return [
      200,
      {
        ok: true,
        signed_download_url: this.signed(hit.blob),
        matched_key: hit.key
      }
    ]
  }

  private createArtifact(input: Json): Reply {
    const runBackendId = String(input.workflow_run_backend_id)
    const name = String(input.name)
    if (
      this.artifacts.some(
        a => a.runBackendId === runBackendId && a.name === name
      )
    ) {
      return [409, { code: 'already_exists', msg: 'artifact exists' }]
    }
    if (!this.runIds.has(runBackendId)) {
      this.runIds.set(runBackendId, 1000 + this.runIds.size)
    }
    const id = this.nextId++
    const file = `${encodeURIComponent(name)}.zip`
    const blob = `/devstoreaccount1/actions-results/${runBackendId}/${file}`
    this.artifacts.push({
      id,
      name,
      runBackendId,
      jobBackendId: String(input.workflow_job_run_backend_id),
      runId: this.runIds.get(runBackendId) ?? 0,
      blob,
      created: new Date().toISOString(),
      finalized: false,
      size: 0
    })
    return [200, { ok: true, signed_upload_url: this.signed(blob) }]
  }

  private finalizeArtifact(input: Json): Reply {
    const artifact = this.artifacts.find(
      a =>
        a.runBackendId === input.workflow_run_backend_id &&
        a.name === input.name &&
        !a.finalized
    )
    if (!artifact) return [404, { code: 'not_found', msg: 'no artifact' }]
    artifact.finalized = true
    artifact.size = Number(input.size ?? 0)
    return [200, { ok: true, artifact_id: String(artifact.id) }]
  }

  private listArtifacts(input: Json): Reply {
    const listed = this.artifacts
      .filter(
        a => a.finalized && a.runBackendId === input.workflow_run_backend_id
      )
      .filter(
        a => input.name_filter === undefined || a.name === input.name_filter
      )
      .map(a => ({
        workflow_run_backend_id: a.runBackendId,
        workflow_job_run_backend_id: a.jobBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.size),
        created_at: a.created
      }))
    return [200, { artifacts: listed }]
  }

  private signedArtifactUrl(input: Json): Reply {
    const artifact = this.artifacts.find(
      a =>
        a.finalized &&
        a.runBackendId === input.workflow_run_backend_id &&
        a.name === input.name
    )
    if (!artifact) return [404, { code: 'not_found', msg: 'no artifact' }]
    return [200, { signed_url: this.signed(artifact.blob) }]
  }

  private blob(
    method: string,
    url: URL,
    body: Buffer,
    response: ServerResponse
  ): void {
    const name = url.pathname
    if (!url.searchParams.get('sig')) {
      sendJson(response, 403, { error: 'missing signature' })
      return
    }
    if (method === 'GET') {
      const data = this.blobs.get(name)
      if (!data) {
        sendJson(response, 404, { error: 'BlobNotFound' })
        return
      }
      response.writeHead(200, {
        'content-length': data.length,
        'content-type': name.endsWith('.zip')
          ? 'application/zip'
          : 'application/octet-stream'
      })
      response.end(data)
      return
    }
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      const staged = this.blocks.get(name) ?? new Map<string, Buffer>()
      staged.set(url.searchParams.get('blockid') ?? '', body)
      this.blocks.set(name, staged)
    } else if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<Latest>([^<]*)<\//g)]
      const staged = this.blocks.get(name) ?? new Map<string, Buffer>()
      const parts = ids.map(match => staged.get(match[1] ?? ''))
      if (parts.some(part => part === undefined)) {
        sendJson(response, 400, { error: 'unknown block' })
        return
      }
      this.blobs.set(name, Buffer.concat(parts as Buffer[]))
      this.blocks.delete(name)
    } else {
      this.blobs.set(name, body)
    }
    response.writeHead(201, {
      etag: `"0x${randomBytes(8).toString('hex')}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': randomUUID(),
      'x-ms-version': '2024-11-04',
      'content-length': '0'
    })
    response.end()
  }

  private rest(
    method: string,
    route: RegExpExecArray,
    url: URL,
    response: ServerResponse
  ): void {
    const [, kind, id, zip] = route
    if (kind === 'caches') {
      this.restCaches(method, url, response)
      return
    }
    const artifact = this.artifacts.find(a => String(a.id) === id)
    if (id === undefined && method === 'GET') {
      const listed = this.artifacts.filter(a => a.finalized)
      sendJson(response, 200, {
        total_count: listed.length,
        artifacts: listed.map(a => this.restArtifact(a))
      })
    } else if (!artifact) {
      sendJson(response, 404, { message: 'Not Found' })
    } else if (zip && method === 'GET') {
      response.writeHead(302, { location: this.signed(artifact.blob) })
      response.end()
    } else if (method === 'DELETE') {
      this.artifacts.splice(this.artifacts.indexOf(artifact), 1)
      response.writeHead(204)
      response.end()
    } else {
      sendJson(response, 405, { message: 'Method not allowed' })
    }
  }

  private restCaches(method: string, url: URL, response: ServerResponse) {
    const key = url.searchParams.get('key') ?? ''
    if (method === 'DELETE') {
      const deleted = this.caches.filter(c => c.key === key)
      for (const entry of deleted)
        this.caches.splice(this.caches.indexOf(entry), 1)
      const status = deleted.length > 0 ? 200 : 404
      sendJson(response, status, {
        total_count: deleted.length,
        actions_caches: deleted.map(c => restCache(c))
      })
      return
    }
    const listed = this.caches.filter(c => c.finalized && c.key.startsWith(key))
    sendJson(response, 200, {
      total_count: listed.length,
      actions_caches: listed.map(c => restCache(c))
    })
  }

  private restArtifact(artifact: StoredArtifact): Json {
    return {
      id: artifact.id,
      node_id: `A_${String(artifact.id)}`,
      name: artifact.name,
      size_in_bytes: artifact.size,
      url: `${this.base}/artifacts/${String(artifact.id)}`,
      archive_download_url: `${this.base}/artifacts/${String(artifact.id)}/zip`,
      expired: false,
      created_at: artifact.created,
      updated_at: artifact.created,
      expires_at: null,
      workflow_run: { id: artifact.runId }
    }
  }

  private signed(blob: string): string {
    const signature = randomBytes(8).toString('hex')
    return `${this.base}${blob}?sv=2024-11-04&sig=${signature}`
  }
}

function restCache(entry: StoredCache): Json {
  return {
    id: entry.id,
    key: entry.key,
    ref: 'refs/heads/main',
    version: entry.version,
    created_at: new Date(entry.created).toISOString(),
    last_accessed_at: new Date(entry.created).toISOString(),
    size_in_bytes: entry.size
  }
}

function sendJson(response: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text)
  })
  response.end(text)
}
