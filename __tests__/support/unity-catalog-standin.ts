/**
 * A loopback stand-in for the Unity Catalog model registry endpoints of a
 * Databricks workspace (`/api/2.0/mlflow/unity-catalog/...`). It is a
 * stand-in because no Unity Catalog server with these endpoints can be
 * installed from the package registries this project uses: Databricks
 * serves them only in its hosted workspaces. Requests and responses
 * follow MLflow 3.17.2's `databricks_uc_registry_messages.proto` field by
 * field.
 *
 * The storage is real, one kind per version:
 * - S3: a bucket of moto, with a role's temporary credentials from moto's
 *   STS;
 * - Azure: a container of Azurite, with an account SAS;
 * - GCS: a bucket of fake-gcs-server, with an OAuth token it does not
 *   check;
 * - R2: moto's bucket, with moto's keys;
 * - Databricks default storage: moto's bucket, written through presigned
 *   URLs of the workspace Files API.
 *
 * Finalize lists the storage to check that the files arrived.
 */
import { randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

import { EMPTY_PAYLOAD_HASH, signRequest } from '../../src/auth/sigv4-signer.js'
import type { MotoServer } from './moto-server.js'
import { AZURITE_ACCOUNT, type Azurite } from './uc/azurite.js'
import type { FakeGcs } from './uc/fake-gcs.js'
import {
  presignPut,
  PRESIGNED_PREFIX,
  servePresignedPut,
  type PresignedPut
} from './uc/presigned-gateway.js'

const PREFIX = '/api/2.0/mlflow/unity-catalog/'
/** The workspace Files API, whose routes are keyed as `fs/...`. */
const FS_PREFIX = '/api/2.0/fs/'

/** One model version as the proto's `ModelVersion` message has it. */
export interface UcModelVersion {
  name: string
  version: string
  creation_timestamp: number
  last_updated_timestamp: number
  user_id: string
  description?: string
  source: string
  run_id?: string
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY'
  storage_location: string
  tags: { key: string; value: string }[]
}

interface UcModel {
  name: string
  creation_timestamp: number
  aliases: Map<string, string>
  versions: UcModelVersion[]
}

/** Switches a test can set between runs. */
export interface StandInBehaviour {
  /**
   * The storage kind of new versions: `azure` hands out a SAS for
   * Azurite, and `default` Databricks default storage, written through
   * presigned URLs.
   */
  storage: StorageKind
  /**
   * Hands out credentials that the storage rejects: an Azure SAS that
   * expired an hour ago, or R2 keys with a wrong secret.
   */
  rejectedCredentials: boolean
  /** Asks for SSE-S3 in the credentials' `encryption_details`. */
  sseS3: boolean
  /**
   * How many finalize requests are rejected (HTTP 400) before one
   * succeeds, to leave a version pending as a run that stopped between
   * the upload and the finalize would.
   */
  failFinalize: number
  /**
   * How many model-version creates are stored and then rejected with
   * HTTP 503, as when a response is lost after the create committed.
   */
  failCreateAfterCommit: number
  /**
   * How many presigned upload URLs are issued already expired, signed
   * an hour ago, before valid ones.
   */
  expiredUploadUrls: number
  /**
   * Rejects presigned upload URL requests with 403 PERMISSION_DENIED, as a
   * workspace does for a principal without write access.
   */
  rejectUploadUrls: boolean
  /**
   * The lifetime in milliseconds that credentials report in
   * `expiration_time`, or undefined for the lifetime of moto's role.
   */
  credentialLifetimeMs: number | undefined
}

/** A storage kind that the stand-in can place new versions in. */
export type StorageKind =
  | 's3'
  | 'azure'
  | 'gcs'
  | 'r2'
  | 'default'
  /** Credentials of no kind, as a storage kind newer than the action. */
  | 'unnamed'

/** The bucket of fake-gcs-server that versions are stored in. */
const GCS_BUCKET = 'uc-models'

/** The host of the stand-in's R2 locations; requests go to moto. */
const R2_HOST = 'standin.r2.cloudflarestorage.com'

/** The Azure container that versions in Azurite are stored in. */
const AZURE_CONTAINER = 'models'

/** A running stand-in, its state and the requests it served. */
export interface UnityCatalogStandIn {
  readonly url: string
  readonly models: Map<string, UcModel>
  readonly requests: string[]
  readonly behaviour: StandInBehaviour
  /** The storage secrets handed out, for leak checks. */
  readonly issuedSecrets: string[]
  /** The PUT requests to presigned URLs, in order. */
  readonly presignedPuts: PresignedPut[]
  /** Lists the object keys below a prefix of the moto bucket. */
  listObjects(prefix: string): Promise<string[]>
  /** Returns the response headers of a HEAD request for one object. */
  headObject(key: string): Promise<Headers>
  /** Returns the bytes of one object. */
  getObject(key: string): Promise<Buffer>
  /** Deletes one object, as if an interrupted upload never wrote it. */
  deleteObject(key: string): Promise<void>
  /** Lists the file paths below a storage location, of any kind. */
  storedFiles(location: string): Promise<string[]>
  /** Reads one file below an Azurite or fake-gcs-server location. */
  readStored(location: string, relativePath: string): Promise<Buffer>
  stop(): Promise<void>
}

class UcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

type Body = Record<string, unknown>
type Handler = (query: URLSearchParams, body: Body) => unknown

/** Starts the stand-in, which accepts one Bearer token. */
export async function startUnityCatalogStandIn(options: {
  readonly moto: MotoServer
  readonly token: string
  readonly azurite?: Azurite
  readonly gcs?: FakeGcs
}): Promise<UnityCatalogStandIn> {
  const { moto, azurite, gcs } = options
  await azurite?.createContainer(AZURE_CONTAINER)
  await gcs?.createBucket(GCS_BUCKET)
  const models = new Map<string, UcModel>()
  const requests: string[] = []
  const issuedSecrets: string[] = []
  const behaviour: StandInBehaviour = {
    storage: 's3',
    rejectedCredentials: false,
    sseS3: false,
    failFinalize: 0,
    failCreateAfterCommit: 0,
    expiredUploadUrls: 0,
    rejectUploadUrls: false,
    credentialLifetimeMs: undefined
  }
  const presignedPuts: PresignedPut[] = []
  let origin = ''
  const listObjects = (prefix: string) => listBucket(moto, prefix)
  const storedFiles = async (location: string): Promise<string[]> => {
    const azure = azureLocation(location)
    if (azure) {
      const names = await requireAzurite(azurite).listBlobs(
        AZURE_CONTAINER,
        `${azure}/`
      )
      return names.map(name => name.slice(azure.length + 1))
    }
    const gcsPrefix = /^gs:\/\/[^/]+\/(.*)$/.exec(location)?.[1]
    if (gcsPrefix !== undefined) {
      const names = await requireGcs(gcs).listObjects(
        GCS_BUCKET,
        `${gcsPrefix}/`
      )
      return names.map(name => name.slice(gcsPrefix.length + 1))
    }
    const prefix = location.replace(/^(?:s3|r2):\/\/[^/]+\//, '')
    const keys = await listObjects(`${prefix}/`)
    return keys.map(key => key.slice(prefix.length + 1))
  }

  const model = (name: string): UcModel => {
    const found = models.get(name)
    if (!found) {
      throw new UcError(
        404,
        'RESOURCE_DOES_NOT_EXIST',
        `Registered model '${name}' does not exist.`
      )
    }
    return found
  }
  const version = (name: string, number: string): UcModelVersion => {
    const found = model(name).versions.find(v => v.version === number)
    if (!found) {
      throw new UcError(
        404,
        'RESOURCE_DOES_NOT_EXIST',
        `Model version ${name}/${number} does not exist.`
      )
    }
    return found
  }
  const text = (value: unknown): string =>
    typeof value === 'string' ? value : ''

  const routes: Record<string, Handler> = {
    'POST registered-models/create': (_, body) => {
      const name = text(body.name)
      if (name.split('.').length !== 3) {
        throw new UcError(
          400,
          'INVALID_PARAMETER_VALUE',
          'Model name must specify all three levels: catalog.schema.model.'
        )
      }
      if (models.has(name)) {
        throw new UcError(409, 'ALREADY_EXISTS', `Model '${name}' exists.`)
      }
      const created = {
        name,
        creation_timestamp: Date.now(),
        aliases: new Map<string, string>(),
        versions: []
      }
      models.set(name, created)
      return { registered_model: registeredModelJson(created) }
    },
    'GET registered-models/get': query => ({
      registered_model: registeredModelJson(model(query.get('name') ?? ''))
    }),
    'POST model-versions/create': (_, body) => {
      const target = model(text(body.name))
      const number = String(target.versions.length + 1)
      const now = Date.now()
      const created: UcModelVersion = {
        name: target.name,
        version: number,
        creation_timestamp: now,
        last_updated_timestamp: now,
        user_id: 'ci-service-principal',
        source: text(body.source),
        ...(body.run_id ? { run_id: text(body.run_id) } : {}),
        ...(body.description ? { description: text(body.description) } : {}),
        status: 'PENDING_REGISTRATION',
        storage_location: storageLocation(behaviour, moto, number),
        tags: Array.isArray(body.tags)
          ? (body.tags as { key: string; value: string }[])
          : []
      }
      target.versions.push(created)
      if (behaviour.failCreateAfterCommit > 0) {
        behaviour.failCreateAfterCommit--
        throw new UcError(503, 'TEMPORARILY_UNAVAILABLE', 'Try again.')
      }
      return { model_version: versionJson(target, created) }
    },
    'POST model-versions/generate-temporary-credentials': (_, body) => {
      const found = version(text(body.name), text(body.version))
      if (body.operation !== 'MODEL_VERSION_OPERATION_READ_WRITE') {
        throw new UcError(400, 'INVALID_PARAMETER_VALUE', 'Bad operation.')
      }
      if (found.status !== 'PENDING_REGISTRATION') {
        throw new UcError(
          400,
          'INVALID_PARAMETER_VALUE',
          'Write credentials exist only for pending model versions.'
        )
      }
      const credentials = credentialsJson(found, moto, behaviour, azurite)
      const sas = credentials.azure_user_delegation_sas?.sas_token
      if (sas) {
        issuedSecrets.push(sas, new URLSearchParams(sas).get('sig') ?? sas)
      }
      const oauth = credentials.gcp_oauth_token?.oauth_token
      if (oauth) issuedSecrets.push(oauth)
      const r2 = credentials.r2_temp_credentials
      if (r2) issuedSecrets.push(r2.secret_access_key, r2.session_token ?? '')
      return { credentials }
    },
    'POST model-versions/finalize': async (_, body) => {
      const target = model(text(body.name))
      const found = version(target.name, text(body.version))
      if (behaviour.failFinalize > 0) {
        behaviour.failFinalize--
        throw new UcError(400, 'INVALID_STATE', 'Finalize rejected.')
      }
      const files = await storedFiles(found.storage_location)
      if (!files.includes('MLmodel')) {
        throw new UcError(
          400,
          'INVALID_PARAMETER_VALUE',
          `No MLmodel file at ${found.storage_location}.`
        )
      }
      found.status = 'READY'
      found.last_updated_timestamp = Date.now()
      return { model_version: versionJson(target, found) }
    },
    'GET model-versions/get': query => {
      const target = model(query.get('name') ?? '')
      const found = version(target.name, query.get('version') ?? '')
      return { model_version: versionJson(target, found) }
    },
    'GET model-versions/search': query => {
      const filter = query.get('filter') ?? ''
      const name = /^name\s*=\s*'([^']*)'$/.exec(filter.trim())?.[1]
      if (name === undefined) {
        throw new UcError(
          400,
          'INVALID_PARAMETER_VALUE',
          "Unsupported filter: only name = '<name>' is supported."
        )
      }
      const target = models.get(name)
      if (!target) return { model_versions: [] }
      // Search results carry no tags, so callers confirm with a GET.
      const versions = target.versions.map(v => ({
        ...versionJson(target, v),
        tags: []
      }))
      return { model_versions: versions }
    },
    'POST model-versions/set-tag': (_, body) => {
      const found = version(text(body.name), text(body.version))
      found.tags = found.tags.filter(tag => tag.key !== body.key)
      found.tags.push({ key: text(body.key), value: text(body.value) })
      return {}
    },
    'PATCH model-versions/update': (_, body) => {
      const target = model(text(body.name))
      const found = version(target.name, text(body.version))
      found.description = text(body.description)
      return { model_version: versionJson(target, found) }
    },
    'POST registered-models/alias': (_, body) => {
      const target = model(text(body.name))
      version(target.name, text(body.version))
      target.aliases.set(text(body.alias), text(body.version))
      return {}
    },
    'POST fs/create-upload-url': async (_, body) => {
      if (behaviour.rejectUploadUrls) {
        throw new UcError(403, 'PERMISSION_DENIED', 'No write permission.')
      }
      const key = defaultStorageKey(text(body.path), version, moto)
      const expired = behaviour.expiredUploadUrls > 0
      if (expired) behaviour.expiredUploadUrls--
      const signingDate = new Date(Date.now() - (expired ? 3_600_000 : 0))
      const url = await presignPut(moto, origin, key, signingDate)
      const search = new URL(url).searchParams
      issuedSecrets.push(url, search.get('X-Amz-Signature') ?? url)
      return { url, headers: [] }
    },
    'GET model-versions/get-download-uri': query => ({
      artifact_uri: version(query.get('name') ?? '', query.get('version') ?? '')
        .storage_location
    })
  }

  const server = createServer((request, response) => {
    if (request.url?.startsWith(PRESIGNED_PREFIX)) {
      requests.push(`${request.method ?? ''} presigned`)
      void servePresignedPut(moto, request, response, presignedPuts)
      return
    }
    void serve(request, response, options.token, routes, requests)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`
  return {
    url: origin,
    models,
    requests,
    behaviour,
    issuedSecrets,
    presignedPuts,
    listObjects,
    headObject: key => headObject(moto, key),
    getObject: key => getObject(moto, key),
    deleteObject: key => deleteObject(moto, key),
    storedFiles,
    readStored: (location, relativePath) => {
      const gcsPrefix = /^gs:\/\/[^/]+\/(.*)$/.exec(location)?.[1]
      if (gcsPrefix !== undefined) {
        return requireGcs(gcs).getObject(
          GCS_BUCKET,
          `${gcsPrefix}/${relativePath}`
        )
      }
      return requireAzurite(azurite).getBlob(
        AZURE_CONTAINER,
        `${azureLocation(location) ?? ''}/${relativePath}`
      )
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  token: string,
  routes: Record<string, Handler>,
  requests: string[]
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://stand-in')
  const path = url.pathname.startsWith(FS_PREFIX)
    ? `fs/${url.pathname.slice(FS_PREFIX.length)}`
    : url.pathname.slice(PREFIX.length)
  const route = `${request.method ?? ''} ${path}`
  requests.push(route)
  try {
    if (request.headers.authorization !== `Bearer ${token}`) {
      throw new UcError(401, 'UNAUTHENTICATED', 'Invalid access token.')
    }
    const known =
      url.pathname.startsWith(PREFIX) || url.pathname.startsWith(FS_PREFIX)
    const handler = known ? routes[route] : undefined
    if (!handler) {
      throw new UcError(404, 'ENDPOINT_NOT_FOUND', `No API for ${route}.`)
    }
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = (raw ? JSON.parse(raw) : {}) as Body
    const result = await handler(url.searchParams, body)
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(result))
  } catch (error) {
    const known =
      error instanceof UcError
        ? error
        : new UcError(500, 'INTERNAL_ERROR', String(error))
    response.writeHead(known.status, { 'content-type': 'application/json' })
    response.end(
      JSON.stringify({ error_code: known.code, message: known.message })
    )
  }
}

function storageLocation(
  behaviour: StandInBehaviour,
  moto: MotoServer,
  version: string
): string {
  const path = `models/${randomUUID()}/versions/${version}`
  switch (behaviour.storage) {
    case 'azure':
      return (
        `abfss://${AZURE_CONTAINER}@${AZURITE_ACCOUNT}.` +
        `dfs.core.windows.net/${path}`
      )
    case 'r2':
      return `r2://${moto.bucket}@${R2_HOST}/${path}`
    case 'gcs':
      return `gs://${GCS_BUCKET}/${path}`
    default:
      return `s3://${moto.bucket}/${path}`
  }
}

/**
 * Maps a Files API path of a model version in default storage,
 * `/Models/<catalog>/<schema>/<model>/<version>/<file>`, to its object
 * key in moto's bucket, below the version's storage location.
 */
function defaultStorageKey(
  path: string,
  version: (name: string, number: string) => UcModelVersion,
  moto: MotoServer
): string {
  const match = /^\/Models\/([^/]+)\/([^/]+)\/([^/]+)\/(\d+)\/(.+)$/.exec(path)
  if (!match) {
    throw new UcError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Path '${path}' is not a file of a model version.`
    )
  }
  const [, catalog, schema, model, number, file] = match
  const found = version(`${catalog}.${schema}.${model}`, number ?? '')
  if (found.status !== 'PENDING_REGISTRATION') {
    throw new UcError(
      403,
      'PERMISSION_DENIED',
      'Upload URLs exist only for pending model versions.'
    )
  }
  const prefix = found.storage_location.replace(`s3://${moto.bucket}/`, '')
  return `${prefix}/${file ?? ''}`
}

/** Returns the blob name prefix of an `abfss://` location. */
function azureLocation(location: string): string | undefined {
  return /^abfss:\/\/[^/]+\/(.*)$/.exec(location)?.[1]
}

function requireGcs(gcs: FakeGcs | undefined): FakeGcs {
  if (!gcs) throw new Error('the stand-in was started without fake-gcs')
  return gcs
}

function requireAzurite(azurite: Azurite | undefined): Azurite {
  if (!azurite) throw new Error('the stand-in was started without Azurite')
  return azurite
}

function credentialsJson(
  version: UcModelVersion,
  moto: MotoServer,
  behaviour: StandInBehaviour,
  azurite: Azurite | undefined
) {
  const rejected = behaviour.rejectedCredentials
  const lifetime = behaviour.credentialLifetimeMs
  const expiration =
    lifetime === undefined
      ? Date.parse(moto.temporary.expiration)
      : Date.now() + lifetime
  if (behaviour.storage === 'default') {
    return { storage_mode: 'DEFAULT_STORAGE', expiration_time: expiration }
  }
  if (behaviour.storage === 'unnamed') {
    return { storage_mode: 'CUSTOMER_HOSTED', expiration_time: expiration }
  }
  if (version.storage_location.startsWith('gs:')) {
    return {
      gcp_oauth_token: { oauth_token: `ya29.standin-${randomUUID()}` },
      expiration_time: expiration
    }
  }
  if (version.storage_location.startsWith('r2:')) {
    const secret = moto.temporary.secretAccessKey
    return {
      r2_temp_credentials: {
        access_key_id: moto.temporary.accessKeyId,
        secret_access_key: rejected ? `${secret.slice(1)}x` : secret,
        session_token: moto.temporary.sessionToken
      },
      expiration_time: expiration
    }
  }
  if (version.storage_location.startsWith('abfss:')) {
    const sasExpiration = rejected ? Date.now() - 3_600_000 : expiration
    const sas = requireAzurite(azurite).accountSas(new Date(sasExpiration))
    return {
      azure_user_delegation_sas: { sas_token: sas },
      expiration_time: sasExpiration
    }
  }
  return {
    aws_temp_credentials: {
      access_key_id: moto.temporary.accessKeyId,
      secret_access_key: moto.temporary.secretAccessKey,
      session_token: moto.temporary.sessionToken
    },
    expiration_time: expiration,
    storage_mode: 'CUSTOMER_HOSTED',
    ...(behaviour.sseS3
      ? {
          encryption_details: {
            sse_encryption_details: { algorithm: 'AWS_SSE_S3' }
          }
        }
      : {})
  }
}

function registeredModelJson(model: UcModel) {
  return {
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.creation_timestamp,
    user_id: 'ci-service-principal',
    aliases: [...model.aliases].map(([alias, version]) => ({
      alias,
      version
    })),
    tags: []
  }
}

function versionJson(model: UcModel, version: UcModelVersion) {
  const aliases = [...model.aliases]
    .filter(([, target]) => target === version.version)
    .map(([alias]) => ({ alias, version: version.version }))
  return { ...version, aliases }
}

/** Sends a request to moto's S3, signed with the IAM user's keys. */
async function sendSigned(
  moto: MotoServer,
  method: 'GET' | 'HEAD' | 'DELETE',
  url: URL
): Promise<Response> {
  const headers = await signRequest(
    { method, url, headers: {}, payloadHash: EMPTY_PAYLOAD_HASH },
    moto.user,
    { region: 'us-east-1', service: 's3' },
    { signingDate: new Date(), sendPayloadHash: true, escapePath: false }
  )
  return fetch(url, { method, headers })
}

async function getObject(moto: MotoServer, key: string): Promise<Buffer> {
  const url = new URL(`${moto.url}/${moto.bucket}/${key}`)
  const response = await sendSigned(moto, 'GET', url)
  if (!response.ok) throw new Error(`S3 GET returned ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

async function deleteObject(moto: MotoServer, key: string): Promise<void> {
  const url = new URL(`${moto.url}/${moto.bucket}/${key}`)
  const response = await sendSigned(moto, 'DELETE', url)
  if (!response.ok) throw new Error(`S3 DELETE returned ${response.status}`)
}

async function headObject(moto: MotoServer, key: string): Promise<Headers> {
  const url = new URL(`${moto.url}/${moto.bucket}/${key}`)
  const response = await sendSigned(moto, 'HEAD', url)
  if (!response.ok) throw new Error(`S3 HEAD returned ${response.status}`)
  return response.headers
}

/** Lists object keys with moto's S3 ListObjectsV2, signed as the user. */
async function listBucket(moto: MotoServer, prefix: string): Promise<string[]> {
  const url = new URL(`${moto.url}/${moto.bucket}`)
  url.searchParams.set('list-type', '2')
  url.searchParams.set('prefix', prefix)
  const response = await sendSigned(moto, 'GET', url)
  const xml = await response.text()
  if (!response.ok) throw new Error(`S3 list returned ${response.status}`)
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map(match => match[1] ?? '')
}
