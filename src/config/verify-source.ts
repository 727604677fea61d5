import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** A `models:/<name>/<version>` or `models:/<name>@<alias>` URI. */
export const VERSION_URI = /^models:\/([^/@]+)(?:\/(\d+)|@([\w-]+))\/?$/

/**
 * Validates the `source` of `mode: verify`: the registered model version
 * to check, by number or by alias.
 */
export function parseVerifySource(setting: Setting | undefined): string {
  if (setting && VERSION_URI.test(setting.value)) return setting.value
  throw configError(
    settingLabel('source', setting),
    setting
      ? `${quote(setting.value)} does not name a model version`
      : '`mode: verify` needs the model version to check, and none is set',
    'Set `source` to models:/<name>/<version> or models:/<name>@<alias>.'
  )
}
