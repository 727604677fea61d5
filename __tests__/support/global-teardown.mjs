// Stops the MLflow servers that global-setup.mjs started. Jest calls this
// once per project; the second call finds nothing left to stop.
import { stopStartedServers } from './global-setup.mjs'

export default async function globalTeardown() {
  await stopStartedServers()
}
