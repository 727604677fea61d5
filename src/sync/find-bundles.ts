import { readdir } from 'node:fs/promises'
import path from 'node:path'

import { bundleIdSchema } from '../bundle/manifest.js'

/**
 * Lists the pending bundles in a bundle directory, oldest first (bundle
 * ids start with their UTC time). Staging directories (`.partial-*`),
 * lock files and anything else that is not a bundle id are left out; a
 * missing directory has no bundles.
 */
export async function listPendingBundles(directory: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(directory, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return entries
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .filter(name => bundleIdSchema.safeParse(name).success)
    .sort()
    .map(name => path.join(directory, name))
}
