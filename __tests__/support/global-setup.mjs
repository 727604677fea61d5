// Starts the real MLflow servers once for the integration and end-to-end
// projects (jest calls this once per project; the second call finds them
// running) and publishes their URLs to the test workers through
// MLFLOW_TEST_SERVERS. A server that cannot start fails the run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import {
  startMlflowServers,
  stopMlflowServer
} from '../../scripts/mlflow/servers.mjs'

export const STATE_DIR = path.resolve(import.meta.dirname, '../../.test-state')

let started

export default async function globalSetup() {
  if (process.env.MLFLOW_TEST_SERVERS) return
  started ??= (async () => {
    rmSync(STATE_DIR, { recursive: true, force: true })
    mkdirSync(STATE_DIR, { recursive: true })
    const servers = await startMlflowServers(STATE_DIR)
    writeFileSync(path.join(STATE_DIR, 'servers.json'), JSON.stringify(servers))
    return servers
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
}
