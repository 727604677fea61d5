import { artifactPermission } from '../auth/rules.js'
import {
  compactErrorResponse,
  jsonText,
  messageResponse,
  textResponse,
  type FakeResponse
} from '../exchange.js'
import { MlflowError, notFound } from '../mlflow-error.js'
import { optionalString, parseParams } from '../params.js'
import type { Route, RouteContext } from '../state.js'
import { safeArtifactPath } from './artifact-paths.js'

const API = '/api/2.0/mlflow-artifacts/artifacts'

/**
 * The artifact proxy of MLflow 3.17.2. Uploads and downloads are FastAPI
 * routes (JSON `{"detail"}` errors); listing and deleting are Flask
 * routes (plain-text 503 when `--no-serve-artifacts` is set).
 */

const FASTAPI_DISABLED = jsonText(
  503,
  JSON.stringify({
    detail:
      'Artifact serving is disabled. Run `mlflow server` with ' +
      '`--serve-artifacts` to enable.'
  })
)

function flaskDisabled(rule: string): FakeResponse {
  return textResponse(
    503,
    `Endpoint: ${rule} disabled due to the mlflow server running with ` +
      '`--no-serve-artifacts`. To enable artifacts server functionality, ' +
      'run `mlflow server` with `--serve-artifacts`'
  )
}

function detail(status: number, text: string): FakeResponse {
  return jsonText(status, JSON.stringify({ detail: text }))
}

/** Decodes the path of a native artifact route, or returns its error. */
function nativePath(context: RouteContext): string | FakeResponse {
  try {
    return safeArtifactPath(context.params.artifactPath ?? '')
  } catch (error) {
    if (error instanceof MlflowError) return compactErrorResponse(error)
    throw error
  }
}

async function uploadArtifact(context: RouteContext): Promise<FakeResponse> {
  if (!context.settings.serveArtifacts) return FASTAPI_DISABLED
  const path = nativePath(context)
  if (typeof path !== 'string') return path
  if (path.endsWith('/')) {
    return detail(
      400,
      "Artifact path must include a filename (cannot end with '/')."
    )
  }
  await context.state.artifacts.put(path, context.request.body)
  return { status: 200, headers: {}, body: '' }
}

async function downloadArtifact(context: RouteContext): Promise<FakeResponse> {
  if (!context.settings.serveArtifacts) return FASTAPI_DISABLED
  const path = nativePath(context)
  if (typeof path !== 'string') return path
  const data = await context.state.artifacts.get(path)
  if (data === undefined) {
    if (context.state.artifacts.isDirectory(path)) {
      return detail(
        400,
        `Artifact path refers to a directory, not a file: '${path}'`
      )
    }
    return compactErrorResponse(notFound(`No such artifact: '${path}'`))
  }
  const name = path.split('/').at(-1) ?? path
  return {
    status: 200,
    headers: {
      'content-type': guessMimeType(name),
      'content-disposition': `attachment; filename=${name}`
    },
    body: data
  }
}

function listArtifacts(context: RouteContext): FakeResponse {
  if (!context.settings.serveArtifacts) return flaskDisabled(API)
  const params = parseParams(context.request, { path: optionalString })
  const path = safeArtifactPath(params.path ?? '')
  const files = context.state.artifacts.list(path).map(entry => ({
    path: entry.path,
    is_dir: entry.isDir,
    ...(entry.fileSize === undefined ? {} : { file_size: entry.fileSize })
  }))
  return messageResponse(files.length > 0 ? { files } : {})
}

async function deleteArtifact(context: RouteContext): Promise<FakeResponse> {
  if (!context.settings.serveArtifacts) {
    return flaskDisabled(`${API}/<path:artifact_path>`)
  }
  const path = safeArtifactPath(context.params.artifactPath ?? '')
  await context.state.artifacts.delete(path)
  return messageResponse({})
}

const TEXT_EXTENSIONS = new Set(
  (
    'txt log err cfg conf cnf cf ini properties prop hocon toml yaml yml ' +
    'xml json js py py3 csv tsv md rst ipynb'
  ).split(' ')
)

const MIME_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  zip: 'application/zip',
  gz: 'application/gzip',
  pdf: 'application/pdf'
}

/** MLflow's MIME guess: text for known text files and MLmodel. */
function guessMimeType(name: string): string {
  if (name === 'MLmodel' || name === 'MLproject') return 'text/plain'
  const extension = name.includes('.') ? (name.split('.').at(-1) ?? '') : ''
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain'
  return MIME_TYPES[extension] ?? 'application/octet-stream'
}

function canRead(context: RouteContext): boolean {
  const path = context.params.artifactPath ?? context.request.query.get('path')
  return artifactPermission(context, path ?? '').canRead
}

function canUpdate(context: RouteContext): boolean {
  return artifactPermission(context, context.params.artifactPath ?? '')
    .canUpdate
}

function canManage(context: RouteContext): boolean {
  return artifactPermission(context, context.params.artifactPath ?? '')
    .canManage
}

/** The artifact proxy routes. */
export const artifactProxyRoutes: readonly Route[] = [
  {
    method: 'PUT',
    path: `${API}/*artifactPath`,
    handle: uploadArtifact,
    authorize: canUpdate,
    engine: 'fastapi'
  },
  {
    method: 'GET',
    path: `${API}/*artifactPath`,
    handle: downloadArtifact,
    authorize: canRead,
    engine: 'fastapi'
  },
  { method: 'GET', path: API, handle: listArtifacts, authorize: canRead },
  {
    method: 'DELETE',
    path: `${API}/*artifactPath`,
    handle: deleteArtifact,
    authorize: canManage
  }
]
