// Starts the real MLflow servers once for the integration and end-to-end
// projects (jest calls this once per project; the second call finds them
// running) and publishes their URLs to the test workers through
// MLFLOW_TEST_SERVERS. A server that cannot start fails the run.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'

import {
  startMlflowServers,
  stopMlflowServer
} from '../../scripts/mlflow/servers.mjs'

const STATE_ROOT = path.resolve(import.meta.dirname, '../../.test-state')

let started

export default async function globalSetup() {
  if (process.env.MLFLOW_TEST_SERVERS) return
  // Each run gets a folder of its own, so two test runs on one checkout
  // never share or delete each other's server state.
  started ??= (async () => {
    mkdirSync(STATE_ROOT, { recursive: true })
    const stateDir = mkdtempSync(path.join(STATE_ROOT, 'servers-'))
    return { stateDir, ...(await startMlflowServers(stateDir)) }
  })()
  const servers = await started
  process.env.MLFLOW_TEST_SERVERS = JSON.stringify(servers)
}

/** Stops the servers this module started; servers given from outside stay. */
export async function stopStartedServers() {
  if (!started) return
  const servers = await started
  started = undefined
  await Promise.all([
    stopMlflowServer(servers.plain),
    stopMlflowServer(servers.basicAuth)
  ])
  rmSync(servers.stateDir, { recursive: true, force: true })
}
