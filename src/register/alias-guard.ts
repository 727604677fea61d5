import type { AliasGuard } from '../config/alias-guards.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { getRegisteredModel } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'

/** Reads where each alias points now; an unset alias is absent. */
async function readAliases(
  http: HttpClient,
  name: string
): Promise<Map<string, string>> {
  // The alias list of the registered model, not `registered-models/alias`,
  // because for an unset alias MLflow 3.17 returns 400
  // INVALID_PARAMETER_VALUE on that route, the same code as for invalid
  // input.
  const model = await getRegisteredModel(http, name)
  return new Map(model?.aliases.map(entry => [entry.alias, entry.version]))
}

/**
 * Checks, before any alias moves, that each guarded alias points to its
 * expected version (or is unset when `none` is expected). An alias that
 * already points to the new version passes, so a re-run that moved it
 * the first time does not fail.
 */
export async function checkAliasGuards(
  http: HttpClient,
  version: ModelVersion,
  guards: readonly AliasGuard[],
  log: Logger
): Promise<void> {
  if (guards.length === 0) return
  const current = await readAliases(http, version.name)
  for (const guard of guards) {
    const actual = current.get(guard.alias) ?? null
    if (actual === version.version) {
      log.info(
        `Alias '${guard.alias}' already points to version ` +
          `${version.version}; its guard ${guard.text} is not checked again`
      )
      continue
    }
    if (actual !== guard.expectedVersion) {
      throw aliasMismatch(version, guard, actual)
    }
    log.info(
      `Alias '${guard.alias}' points to ${describeTarget(actual)}, as ` +
        `expected by ${guard.text}`
    )
  }
}

/**
 * Reads the aliases back after they moved and fails when another writer
 * has moved a guarded alias since. MLflow has no compare-and-set for
 * aliases, so this read-back is the only race check it allows.
 *
 * NOTE: a write by another pipeline between the guard check and this
 * run's alias update is overwritten without being detected.
 */
export async function confirmGuardedAliases(
  http: HttpClient,
  version: ModelVersion,
  guards: readonly AliasGuard[],
  log: Logger
): Promise<void> {
  if (guards.length === 0) return
  const current = await readAliases(http, version.name)
  for (const guard of guards) {
    const actual = current.get(guard.alias) ?? null
    if (actual !== version.version) {
      throw aliasRace(version, guard, actual)
    }
  }
  log.info(
    `Read back the guarded aliases: ` +
      `${guards.map(guard => guard.alias).join(', ')} point to version ` +
      version.version
  )
}

function describeTarget(version: string | null): string {
  return version === null ? 'no version (unset)' : `version ${version}`
}

function aliasMismatch(
  version: ModelVersion,
  guard: AliasGuard,
  actual: string | null
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'ALIAS_CONFLICT',
      `Alias '${guard.alias}' of registered model '${version.name}' was ` +
        `expected to point to ${describeTarget(guard.expectedVersion)} ` +
        `but points to ${describeTarget(actual)}, so no alias was moved. ` +
        `Version ${version.version} stays registered.`,
      'Another pipeline moved the alias. Check which version should have ' +
        'it, then update `expected-alias-versions` (for example ' +
        `${guard.alias}=${actual ?? 'none'}) and run again.`
    )
  )
}

function aliasRace(
  version: ModelVersion,
  guard: AliasGuard,
  actual: string | null
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'ALIAS_CONFLICT',
      `Alias '${guard.alias}' of registered model '${version.name}' was ` +
        `set to version ${version.version}, but reading it back shows ` +
        `${describeTarget(actual)}: another writer moved it in between.`,
      'Two pipelines moved the alias at the same time. Check which ' +
        'version should have it and set the alias again.'
    )
  )
}
