import { configError } from '../diagnosis/diagnosis.js'
import { checkAttestationPermissions } from '../provenance/attest.js'
import type { Config } from './config.js'

/**
 * Checks, before any request of the run, that `attest: true` can work.
 * The attestation's subject is the model digest, which the action
 * computes only for `model-path` or a source checked with
 * `verify-signature`. Storing it needs the job's ID token and a token
 * with `attestations: write`.
 */
export function checkAttestUse(
  config: Pick<
    Config,
    'attest' | 'mode' | 'dryRun' | 'modelPath' | 'signing' | 'bundle'
  >,
  env: NodeJS.ProcessEnv
): void {
  if (!config.attest || config.mode !== 'register') return
  if (config.modelPath === undefined && !config.signing.verifySignature) {
    throw configError(
      'input `attest`',
      'the attestation names the model by its model digest, which the ' +
        'action computes only for `model-path` or a `source` checked ' +
        'with `verify-signature`',
      'Register from `model-path`, set `verify-signature: true` with the ' +
        'signer to check, or set `attest: false`.'
    )
  }
  // A dry run attests nothing, so it needs no permissions.
  if (config.dryRun) return
  checkAttestationPermissions(env, config.bundle.githubToken ?? '')
}
