import type { Host } from './host.js'

/**
 * Wraps a host so that every value it masks is also kept in `secrets`,
 * for checks that nothing written to disk contains one.
 */
export function recordSecrets(host: Host): {
  host: Host
  secrets: readonly string[]
} {
  const secrets: string[] = []
  const recording: Host = {
    log: host.log,
    env: host.env,
    getInput: name => host.getInput(name),
    setSecret: value => {
      secrets.push(value)
      host.setSecret(value)
    },
    setOutput: (name, value) => {
      host.setOutput(name, value)
    },
    writeSummary: markdown => host.writeSummary(markdown),
    wording: host.wording,
    setFailed: message => {
      host.setFailed(message)
    },
    bundleStore: host.bundleStore,
    attestationIssuer: host.attestationIssuer
  }
  return { host: recording, secrets }
}
