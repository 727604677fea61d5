import { checkAttestationPermissions } from '../provenance/attest.js'
import type { Config } from './config.js'

/**
 * Checks, before any request of the run, that `attest: true` can work.
 * The attestation's subject is the model digest, which the action
 * computes for `model-path`, and for a `source` from its verified
 * signature or by streaming its files down. Storing it needs the job's
 * ID token and a token with `attestations: write`.
 */
export function checkAttestUse(
  config: Pick<Config, 'attest' | 'mode' | 'dryRun' | 'bundle'>,
  env: NodeJS.ProcessEnv
): void {
  if (!config.attest || config.mode !== 'register') return
  // A dry run attests nothing, so it needs no permissions.
  if (config.dryRun) return
  checkAttestationPermissions(env, config.bundle.githubToken ?? '')
}
