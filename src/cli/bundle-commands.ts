import path from 'node:path'

import { resolveBundleDir } from '../bundle/bundle-dir.js'
import { bundleIdSchema } from '../bundle/manifest.js'
import { readBundle } from '../bundle/read-bundle.js'
import { DiagnosedError } from '../diagnosis/diagnosis.js'
import { listPendingBundles } from '../sync/find-bundles.js'
import type { CliArgs } from './args.js'
import { inputVariable } from './cli-host.js'
import type { CliStreams } from './main.js'

/** One row of `list`. */
interface BundleRow {
  readonly bundle: string
  readonly model?: string
  readonly createdAt?: string
  readonly lastError?: string
  /** The verification failure; absent for a valid bundle. */
  readonly invalid?: string
}

/**
 * Lists the pending bundles of the bundle directory, each verified, as a
 * table or, with `--json`, as a JSON array. Returns the exit code.
 */
export async function listBundles(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  streams: CliStreams
): Promise<number> {
  const directory = bundleDirectory(args, env)
  const rows: BundleRow[] = []
  for (const bundle of await listPendingBundles(directory)) {
    rows.push(await describeBundle(bundle))
  }
  if (args.json) {
    streams.stdout(`${JSON.stringify(rows, null, 2)}\n`)
    return 0
  }
  streams.stderr(`${rows.length} pending bundles in ${directory}\n`)
  for (const row of rows) {
    const facts = row.invalid
      ? `INVALID: ${row.invalid}`
      : `${row.model ?? ''}  ${row.createdAt ?? ''}  ${row.lastError ?? ''}`
    streams.stdout(`${row.bundle}  ${facts}\n`)
  }
  return 0
}

/**
 * Verifies one bundle and prints its manifest as JSON. Returns 1 when the
 * bundle is invalid and 2 when the id is not a bundle id.
 */
export async function showBundle(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  streams: CliStreams
): Promise<number> {
  const id = args.bundleId ?? ''
  if (!bundleIdSchema.safeParse(id).success) {
    streams.stderr(
      `error: ${JSON.stringify(id)} is not a bundle id. Run ` +
        '`mlflow-register list` to see the pending bundles.\n'
    )
    return 2
  }
  try {
    const bundle = await readBundle(path.join(bundleDirectory(args, env), id))
    streams.stdout(`${JSON.stringify(bundle.manifest, null, 2)}\n`)
    return 0
  } catch (error) {
    if (!(error instanceof DiagnosedError)) throw error
    const { diagnosis } = error
    streams.stderr(`error: ${diagnosis.detail}\nFix: ${diagnosis.fix}\n`)
    return 1
  }
}

function bundleDirectory(args: CliArgs, env: NodeJS.ProcessEnv): string {
  const directory =
    args.flags.get('bundle-dir') ?? env[inputVariable('bundle-dir')]
  return resolveBundleDir(directory === '' ? undefined : directory, env)
}

async function describeBundle(bundle: string): Promise<BundleRow> {
  const name = path.basename(bundle)
  try {
    const { manifest } = await readBundle(bundle)
    return {
      bundle: name,
      model: manifest.registration.modelName,
      createdAt: manifest.createdAt,
      lastError: manifest.lastError.code
    }
  } catch (error) {
    if (!(error instanceof DiagnosedError)) throw error
    return { bundle: name, invalid: error.diagnosis.detail }
  }
}
