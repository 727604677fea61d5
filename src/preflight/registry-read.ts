import { z } from 'zod'

import { DiagnosedError } from '../diagnosis/diagnosis.js'
import { HttpError, isRequestError } from '../http/errors.js'
import { REGISTRY_PATHS, type HttpClient } from '../http/transport.js'
import { API } from '../mlflow/api-paths.js'
import { classifyBrokenRegistry, isBareServerError } from './classify-http.js'

const searchResponse = z.looseObject({})

const TRACKING_PROBE = 'search experiments'

/**
 * Runs the preflight's registry read. When it fails with a bare HTTP 500,
 * sends one tracking request to the server that serves the registry. If
 * that request succeeds, the server runs, so the registry is read once
 * more: a short outage may have ended while the first read was retried.
 * Only when that read fails with a bare HTTP 500 too does the failure
 * become SERVER_CONFIG, rather than an outage that the action would defer
 * into a bundle that could never sync. A successful second read is
 * returned, and any other failure of it is raised unchanged, as is the
 * original error when the tracking request fails.
 */
export async function readRegistryOrExplain<T>(
  http: HttpClient,
  read: () => Promise<T>
): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof HttpError) || !isBareServerError(error)) {
      throw error
    }
    const registry = http.route({ path: REGISTRY_PATHS[0] })
    // Unity Catalog is not MLflow's own server, so a working tracking API
    // there proves nothing about its registry.
    if (registry.options.unityCatalog === true) throw error
    if (!(await tracksExperiments(registry))) throw error
    return readAgainOrExplain(read)
  }
}

/** Reads the registry again after the tracking request succeeded. */
async function readAgainOrExplain<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof HttpError) || !isBareServerError(error)) {
      throw error
    }
    throw new DiagnosedError(classifyBrokenRegistry(error, TRACKING_PROBE), {
      cause: error
    })
  }
}

/**
 * Sends one experiment search to `http`'s own server. It is sent once,
 * without retries, because the registry read before it already spent the
 * retry budget. Any failure means "unknown", not "broken registry".
 */
async function tracksExperiments(http: HttpClient): Promise<boolean> {
  try {
    await http.json(
      {
        method: 'GET',
        path: `${API}/experiments/search`,
        query: { max_results: 1 },
        operation: TRACKING_PROBE,
        idempotent: false
      },
      searchResponse
    )
    return true
  } catch (error) {
    if (!isRequestError(error)) throw error
    http.options.log.debug(
      `The tracking probe after a registry failure failed too: ` + error.message
    )
    return false
  }
}
