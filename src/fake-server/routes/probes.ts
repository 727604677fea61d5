import { jsonText, textResponse } from '../exchange.js'
import type { Route, RouteContext } from '../state.js'

function health() {
  return textResponse(200, 'OK', 'text/plain; charset=utf-8')
}

function version(context: RouteContext) {
  return textResponse(200, context.settings.mlflowVersion)
}

/** Returns MLflow 3.17.2's server-info response for a SQL store. */
function serverInfo() {
  return jsonText(
    200,
    JSON.stringify({
      store_type: 'SqlStore',
      workspaces_enabled: false,
      trace_archival_enabled: false,
      multipart_uploads_enabled: false,
      multipart_downloads_enabled: false,
      presigned_upload_run_id_supported: true,
      presigned_upload_model_id_supported: true,
      features_enabled: { gateway: true }
    })
  )
}

/** Health, version and server-info probes. */
export const probeRoutes: readonly Route[] = [
  { method: 'GET', path: '/health', handle: health },
  { method: 'GET', path: '/version', handle: version },
  {
    method: 'GET',
    path: '/api/3.0/mlflow/server-info',
    handle: serverInfo,
    mlflow3Only: true
  }
]
