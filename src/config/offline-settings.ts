import path from 'node:path'

import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import type { Config } from './config.js'
import { booleanSchema, parseSetting, settingLabel } from './fields.js'
import { OFFLINE_CHOICES, type InputName } from './inputs.js'
import {
  parseRegistrationFields,
  type RegistrationFields
} from './registration-fields.js'
import type { Setting, Settings } from './settings.js'

/**
 * Why a registration goes into the local registry: the `offline` input
 * is true, or no tracking URI is set and `offline` is `auto`.
 */
export type OfflineReason = 'offline-input' | 'no-tracking-uri'

/** The validated configuration of an offline registration. */
export interface OfflineConfig extends RegistrationFields {
  readonly mode: 'register'
  readonly offline: {
    readonly reason: OfflineReason
    /** The local registry's directory, absolute. */
    readonly registryDir: string
  }
  /** The origin of each setting: `input`, a variable's name or `default`. */
  readonly origins: ReadonlyMap<InputName, string>
}

/** Tells an offline configuration from one for a tracking server. */
export function isOffline(
  config: Config | OfflineConfig
): config is OfflineConfig {
  return 'offline' in config
}

const offlineSchema = z
  .string()
  .toLowerCase()
  .pipe(z.enum([...OFFLINE_CHOICES, '1', '0', 'yes', 'no']))
  .transform(value => {
    if (value === '1' || value === 'yes') return 'true'
    if (value === '0' || value === 'no') return 'false'
    return value
  })

/**
 * Returns the configuration of an offline registration, or undefined when
 * this run talks to a tracking server. Offline applies to `register`
 * only, because `preflight` and `sync` exist to reach a server.
 */
export function parseOfflineConfig(
  settings: Settings,
  workspace: string
): OfflineConfig | undefined {
  const get = (name: InputName): Setting | undefined => settings.get(name)
  const setting = get('offline')
  const choice = setting
    ? parseSetting(
        'offline',
        setting,
        offlineSchema,
        'auto, true or false',
        'Set `offline` to true, false, or leave it unset for auto.'
      )
    : 'auto'
  if (choice === 'false') return undefined
  if (choice === 'auto' && get('tracking-uri')) return undefined
  const mode = get('mode')?.value ?? 'register'
  if (mode !== 'register') {
    if (choice === 'auto') return undefined
    throw configError(
      settingLabel('offline', setting),
      `offline is true, but \`mode: ${mode}\` needs a tracking server`,
      'Remove `offline`, and set `tracking-uri` to the MLflow server.'
    )
  }
  const signing = get('signing')
  if (signing && signing.value !== 'none') {
    throw configError(
      settingLabel('signing', signing),
      'a registration into the local registry is not signed',
      'Set `tracking-uri` to register on a server, or set `signing` to none.'
    )
  }
  rejectSourceChecks(get)
  const origins = new Map<InputName, string>()
  for (const [name, value] of settings) origins.set(name, value.origin)
  return {
    mode: 'register',
    ...parseRegistrationFields(get, 'register', workspace),
    offline: {
      reason: choice === 'true' ? 'offline-input' : 'no-tracking-uri',
      registryDir: resolveRegistryDir(get('registry-dir'), workspace)
    },
    origins
  }
}

/**
 * Rejects `verify-signature` and `digest-source`, because the local
 * registry neither verifies nor digests a source, and a sync of it would
 * register the source unchecked.
 */
function rejectSourceChecks(
  get: (name: InputName) => Setting | undefined
): void {
  const checks = [
    ['verify-signature', "verify the source's signature"],
    ['digest-source', "compute the source's model digest"]
  ] as const
  for (const [name, check] of checks) {
    const setting = get(name)
    if (!setting) continue
    const enabled = parseSetting(
      name,
      setting,
      booleanSchema,
      'true or false',
      `Set \`${name}\` to true or false.`
    )
    if (!enabled) continue
    throw configError(
      settingLabel(name, setting),
      `a registration into the local registry does not ${check}`,
      `Set \`tracking-uri\` to register on a server, or remove \`${name}\`.`
    )
  }
}

/**
 * Returns the local registry's directory: the `registry-dir` input, or
 * `.mlflow-register/registry` in the workspace. Unlike bundles, the local
 * registry is kept after a sync, so it lives in the workspace and not in
 * RUNNER_TEMP.
 */
export function resolveRegistryDir(
  setting: Setting | undefined,
  workspace: string
): string {
  if (setting?.value) return path.resolve(workspace, setting.value)
  return path.join(workspace, '.mlflow-register', 'registry')
}
