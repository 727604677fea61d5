import type { RunResult } from '../github/outputs.js'
import type { RegisterStep } from '../bundle/defer.js'
import { readProvenance } from './provenance.js'
import { planRegistration } from './plan-registration.js'
import type { RegistrationContext } from './register.js'
import { formatPlannedCall } from './planned-call.js'

/**
 * Runs a registration as a dry run: only the preflight and the lookups,
 * which read, and then logs each write a real run would send, with its
 * JSON body. Masked values in the bodies print as `***` like every log
 * line. The outcome is `dry-run`.
 */
export async function planDryRun(
  step: Pick<RegisterStep, 'host' | 'http' | 'config'>,
  result: RunResult
): Promise<void> {
  const { host, http, config } = step
  const progress: RegistrationContext['progress'] = {}
  const plan = await planRegistration({
    http,
    config,
    provenance: readProvenance(host.env),
    log: host.log,
    progress
  })
  if (progress.preflight) result.preflight = progress.preflight
  result.plan = plan
  result.outcome = 'dry-run'
  const reuse = plan.reusedVersion
    ? `version ${plan.reusedVersion} would be reused (same idempotency key)`
    : 'a new version would be created'
  await host.log.group(
    `Dry run: ${reuse}; ${plan.calls.length} writes planned`,
    () => {
      for (const call of plan.calls) host.log.info(formatPlannedCall(call))
      return Promise.resolve()
    }
  )
  host.log.info('Dry run: nothing was written to the tracking server.')
}
