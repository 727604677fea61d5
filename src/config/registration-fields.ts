import { configError } from '../diagnosis/diagnosis.js'
import { isUnstorable } from '../register/proxy-file-names.js'
import { parseAliasGuards } from './alias-guards.js'
import type { Config, Mode } from './config.js'
import { booleanSchema, parseSetting, quote, settingLabel } from './fields.js'
import type { InputName } from './inputs.js'
import { parseAliases, parseTags } from './lists.js'
import { parseMetricGates } from './metric-gates.js'
import { parseModelLocation } from './model-location.js'
import { MAX_DESCRIPTION_LENGTH, checkModelName } from './registry-rules.js'
import type { Setting } from './settings.js'

/**
 * The settings that describe one registration, whether it goes to a
 * tracking server or into the local registry.
 */
export type RegistrationFields = Pick<
  Config,
  | 'modelName'
  | 'source'
  | 'modelPath'
  | 'artifactPath'
  | 'experimentName'
  | 'description'
  | 'tags'
  | 'aliases'
  | 'aliasGuards'
  | 'metricGates'
  | 'idempotencyKey'
  | 'forceNewVersion'
>

/** Reads one setting by input name; unset inputs are undefined. */
export type SettingReader = (name: InputName) => Setting | undefined

/**
 * Validates the registration's settings. The model name and location are
 * required in `register` mode only; `sync` may filter by model name.
 */
export function parseRegistrationFields(
  get: SettingReader,
  mode: Mode,
  workspace: string
): RegistrationFields {
  const required = (name: InputName): Setting => requireSetting(name, get)
  const modelName = parseModelName(
    mode === 'register' ? required('model-name') : get('model-name')
  )
  const location =
    mode === 'register'
      ? parseModelLocation(get('source'), get('model-path'), workspace)
      : {}
  const aliases = parseAliases(get('aliases'))
  return {
    modelName,
    ...location,
    artifactPath: parseArtifactPath(required('artifact-path')),
    experimentName: required('experiment-name').value,
    ...optional('description', parseDescription(get('description'))),
    tags: parseTags(get('tags')),
    aliases,
    aliasGuards: parseAliasGuards(get('expected-alias-versions'), aliases),
    metricGates: parseMetricGates(
      get('require-metric'),
      aliases,
      'modelPath' in location
    ),
    ...optional('idempotencyKey', get('idempotency-key')?.value),
    forceNewVersion: parseSetting(
      'force-new-version',
      required('force-new-version'),
      booleanSchema,
      'true or false',
      'Set `force-new-version` to true or false.'
    )
  }
}

/** Returns a setting, or throws the error of a required input left empty. */
export function requireSetting(name: InputName, get: SettingReader): Setting {
  const setting = get(name)
  if (setting) return setting
  throw configError(
    `input \`${name}\``,
    'it is required but empty',
    `Set \`${name}\` in the step's \`with:\` block.`
  )
}

function optional<K extends string>(
  key: K,
  value: string | undefined
): Partial<Record<K, string>> {
  return value === undefined || value === ''
    ? {}
    : ({ [key]: value } as Record<K, string>)
}

function parseModelName(setting: Setting | undefined): string {
  if (!setting) return ''
  const problem = checkModelName(setting.value)
  if (!problem) return setting.value
  throw configError(
    settingLabel('model-name', setting),
    `${quote(setting.value)} is not a valid registered model name: ${problem}`,
    'Choose a name such as fraud-model.'
  )
}

function parseArtifactPath(setting: Setting): string {
  const value = setting.value.replace(/^\/+|\/+$/g, '')
  const parts = value.split('/')
  if (value === '' || parts.some(p => p === '' || p === '.' || p === '..')) {
    throw configError(
      settingLabel('artifact-path', setting),
      `${quote(setting.value)} is not a relative path inside a run`,
      'Use a plain relative path such as model.'
    )
  }
  // The model's files go below it, so only its own characters count,
  // and a `?` would end the path of the version's `runs:/` source.
  if (value.includes('?') || isUnstorable(`${value}/file`)) {
    throw configError(
      settingLabel('artifact-path', setting),
      `${quote(setting.value)} holds a character that MLflow refuses or ` +
        "reads otherwise in an artifact path: '#', '?', a '%' followed " +
        'by two hex digits, or a control character',
      'Use a plain relative path such as model.'
    )
  }
  return value
}

function parseDescription(setting: Setting | undefined): string | undefined {
  if (!setting) return undefined
  const { length } = setting.value
  if (length > MAX_DESCRIPTION_LENGTH) {
    throw configError(
      settingLabel('description', setting),
      `it is ${length} characters long; MLflow stores at most ` +
        `${MAX_DESCRIPTION_LENGTH}`,
      'Shorten the description, or store long text as a run artifact.'
    )
  }
  return setting.value
}
