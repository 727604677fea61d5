import path from 'node:path'

import { z } from 'zod'

import type { BundleSettings } from './config.js'
import { parseSetting } from './fields.js'
import { ON_UNAVAILABLE, type InputName } from './inputs.js'
import type { Setting } from './settings.js'

/**
 * Reads `on-unavailable`, `bundle-dir` and `github-token`. A relative
 * bundle directory is resolved against the workspace.
 */
export function parseBundleSettings(
  get: (name: InputName) => Setting | undefined,
  workspace: string
): BundleSettings {
  const onUnavailable = parseSetting(
    'on-unavailable',
    get('on-unavailable') ?? { value: 'bundle', origin: 'default' },
    z.enum(ON_UNAVAILABLE),
    ON_UNAVAILABLE.join(' or '),
    'Set `on-unavailable` to bundle (defer and pass) or fail.'
  )
  const directory = get('bundle-dir')?.value
  const githubToken = get('github-token')?.value
  return {
    onUnavailable,
    ...(directory ? { directory: path.resolve(workspace, directory) } : {}),
    ...(githubToken ? { githubToken } : {})
  }
}
