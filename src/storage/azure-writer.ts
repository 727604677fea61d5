import { maskSecret } from '../config/secrets.js'
import type { HttpClient } from '../http/transport.js'
import type { Query } from '../http/url.js'
import { encodePath } from '../mlflow/artifacts.js'
import { containerUrl, parseAzureLocation } from './azure-location.js'
import { bufferBody, CHUNK_BYTES, fileBody, readChunks } from './file-chunks.js'
import { storageClient } from './storage-client.js'
import type { StorageFile } from './storage-file.js'
import type { WriterContext, WriterFactory } from './storage-writer.js'

/**
 * The Blob service REST version sent in `x-ms-version`. Version
 * 2021-12-02 supports every operation used here and user delegation SAS.
 */
const BLOB_API_VERSION = '2021-12-02'

/**
 * Writes to an `abfss://` location with `azure_user_delegation_sas`
 * through the Blob REST API. A file up to one chunk is one Put Blob. A
 * larger file is streamed as Put Block requests of one chunk each and
 * committed with Put Block List. MLflow 3.17 writes the same files
 * through the DFS API, and an ADLS Gen2 account serves both APIs on the
 * same data.
 */
export const azureWriter: WriterFactory = context => {
  const sas = context.credentials.azure_user_delegation_sas?.sas_token
  const location = parseAzureLocation(context.location)
  if (sas === undefined || location === undefined) return undefined
  maskSasToken(context, sas)

  const storage = storageClient(
    context,
    containerUrl(context.endpoints.azure, location)
  )
  const sasQuery = Object.fromEntries(
    new URLSearchParams(sas.replace(/^\?/, ''))
  )
  const target: BlobTarget = {
    storage,
    sasQuery,
    uriOf: name =>
      `abfss://${location.container}@${location.account}.` +
      `${location.domainSuffix}/${name}`
  }
  return {
    async put(file) {
      const name = location.prefix
        ? `${location.prefix}/${file.relativePath}`
        : file.relativePath
      if (file.size <= CHUNK_BYTES) await putBlob(target, name, file)
      else await putBlocks(target, name, file)
    }
  }
}

interface BlobTarget {
  readonly storage: HttpClient
  /** The SAS token's parameters, sent with every request. */
  readonly sasQuery: Readonly<Record<string, string>>
  uriOf(name: string): string
}

/**
 * Masks the SAS token and its signature, in every form a log could show
 * them. The signature alone grants the access, and it appears decoded
 * when a URL's query is parsed.
 */
function maskSasToken(context: WriterContext, sas: string): void {
  const mask = context.http.options.mask
  if (mask === undefined) return
  maskSecret(mask, sas)
  maskSecret(mask, sas.replace(/^\?/, ''))
  const signature = new URLSearchParams(sas.replace(/^\?/, '')).get('sig')
  if (signature) maskSecret(mask, signature)
}

async function putBlob(
  target: BlobTarget,
  name: string,
  file: StorageFile
): Promise<void> {
  await send(target, name, {}, fileBody(file), 'upload model file to Azure', {
    'x-ms-blob-type': 'BlockBlob'
  })
}

/** Streams a file as blocks of one chunk each, then commits them. */
async function putBlocks(
  target: BlobTarget,
  name: string,
  file: StorageFile
): Promise<void> {
  const blockIds: string[] = []
  for await (const chunk of readChunks(file)) {
    const blockId = blockIdOf(blockIds.length)
    blockIds.push(blockId)
    await send(
      target,
      name,
      { comp: 'block', blockid: blockId },
      bufferBody(chunk.bytes, 'application/octet-stream'),
      `upload block ${blockIds.length} of a model file to Azure`
    )
  }
  const list = blockIds.map(id => `<Latest>${id}</Latest>`).join('')
  const xml =
    '<?xml version="1.0" encoding="utf-8"?>' + `<BlockList>${list}</BlockList>`
  await send(
    target,
    name,
    { comp: 'blocklist' },
    bufferBody(Buffer.from(xml, 'utf8'), 'application/xml'),
    'commit the blocks of a model file in Azure',
    { 'x-ms-blob-content-type': 'application/octet-stream' }
  )
}

/**
 * Returns a block's id: Base64 of a fixed-width index, because the Blob
 * service requires the ids of one blob to have the same length.
 */
function blockIdOf(index: number): string {
  return Buffer.from(`block-${String(index).padStart(6, '0')}`).toString(
    'base64'
  )
}

async function send(
  target: BlobTarget,
  name: string,
  query: Query,
  body: ReturnType<typeof bufferBody>,
  operation: string,
  headers: Record<string, string> = {}
): Promise<void> {
  await target.storage.send({
    method: 'PUT',
    path: encodePath(name),
    query: { ...query, ...target.sasQuery },
    headers: { 'x-ms-version': BLOB_API_VERSION, ...headers },
    body,
    operation,
    resource: target.uriOf(name),
    idempotent: true
  })
}
