import { lstat } from 'node:fs/promises'
import path from 'node:path'

import { resolveBundleDir } from '../bundle/bundle-dir.js'
import { bundleIdSchema } from '../bundle/manifest.js'
import { readBundle } from '../bundle/read-bundle.js'
import { DiagnosedError } from '../diagnosis/diagnosis.js'
import { readFailedSync } from '../sync/failed-sync.js'
import { listPendingBundles } from '../sync/find-bundles.js'
import { countOf } from '../text/plural.js'
import type { CliArgs } from './args.js'
import { inputVariable } from './cli-host.js'
import type { CliStreams } from './main.js'
import {
  findInvalidLocalVersion,
  findLocalVersion,
  localVersionRows,
  printLocalVersions,
  readRegistryOf,
  showLocalVersion
} from './registry-commands.js'

/** One pending bundle, as `list --json` prints it. */
interface BundleRow {
  readonly kind: 'pending'
  readonly bundle: string
  readonly model?: string
  readonly createdAt?: string
  /**
   * The diagnosis code of the newest failure: the last failed sync's,
   * or the deferral's when no sync failed.
   */
  readonly lastError?: string
  /** When that failure happened. */
  readonly lastErrorAt?: string
  /** The verification failure; absent for a valid bundle. */
  readonly invalid?: string
}

/**
 * Lists the pending bundles of the bundle directory and the versions of
 * the local registry, each verified, as tables or, with `--json`, as one
 * JSON array whose rows have a `kind`. Returns the exit code.
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
  const registry = await readRegistryOf(args, env)
  const localRows = localVersionRows(registry)
  if (args.json) {
    streams.stdout(`${JSON.stringify([...rows, ...localRows], null, 2)}\n`)
    return 0
  }
  const invalidCount = rows.filter(row => row.invalid).length
  const invalidNote = invalidCount ? ` (${invalidCount} invalid)` : ''
  streams.stderr(
    `${countOf(rows.length, 'pending bundle')} in ` +
      `${directory}${invalidNote}\n`
  )
  for (const row of rows) {
    const facts = row.invalid
      ? `INVALID: ${row.invalid}`
      : `${row.model ?? ''}  ${row.createdAt ?? ''}  ${lastErrorText(row)}`
    streams.stdout(`${row.bundle}  ${facts}\n`)
  }
  printLocalVersions(registry, localRows, streams)
  return 0
}

/** Gives a row's newest error, with its time when a sync failed later. */
function lastErrorText(row: BundleRow): string {
  const code = row.lastError ?? ''
  const later = row.lastErrorAt && row.lastErrorAt !== row.createdAt
  return later ? `${code} (sync failed at ${row.lastErrorAt})` : code
}

/**
 * Verifies one pending bundle, or one local version given as its bundle
 * id or as `<model>/<version>`, and prints its manifest as JSON. Returns
 * 1 when it is invalid or missing and 2 when the id is neither a bundle
 * id nor `<model>/<version>`.
 */
export async function showBundle(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  streams: CliStreams
): Promise<number> {
  const id = args.bundleId ?? ''
  const pending = path.join(bundleDirectory(args, env), id)
  if (id.includes('/') || !(await isDirectory(pending))) {
    const registry = await readRegistryOf(args, env)
    const local = findLocalVersion(registry, id)
    if (local) {
      streams.stdout(showLocalVersion(local))
      return 0
    }
    const invalid = findInvalidLocalVersion(registry, id)
    if (invalid) {
      return verifyAndPrint(
        path.join(registry.directory, invalid.bundle),
        streams
      )
    }
    if (isVersionReference(id)) {
      streams.stderr(
        `error: version ${id} was not found in the local registry at ` +
          `${registry.directory}. Run \`mlflow-register list\` to see ` +
          'what is there.\n'
      )
      return 1
    }
  }
  if (!bundleIdSchema.safeParse(id).success) {
    // `model/latest` and the like name a version without its number.
    const expected = id.includes('/')
      ? 'a bundle id, nor <model>/<version> with a version number such ' +
        'as fraud-model/3'
      : 'a bundle id'
    streams.stderr(
      `error: ${JSON.stringify(id)} is not ${expected}. Run ` +
        '`mlflow-register list` to see what is there.\n'
    )
    return 2
  }
  if (!(await isDirectory(pending))) {
    streams.stderr(
      `error: no bundle ${id} is in ${path.dirname(pending)}, and no ` +
        'version of the local registry has that name. Run ' +
        '`mlflow-register list` to see what is there.\n'
    )
    return 1
  }
  return verifyAndPrint(pending, streams)
}

/**
 * Verifies one bundle and prints its manifest as JSON, or the reason it
 * failed verification. Returns the exit code, 0 or 1.
 */
async function verifyAndPrint(
  bundlePath: string,
  streams: CliStreams
): Promise<number> {
  try {
    const bundle = await readBundle(bundlePath)
    streams.stdout(`${JSON.stringify(bundle.manifest, null, 2)}\n`)
    // The manifest keeps the deferral's error; a later failed sync is
    // recorded beside the bundle.
    const failedSync = await readFailedSync(bundlePath)
    if (failedSync) {
      streams.stderr(
        `The last sync failed at ${failedSync.failedAt}: ` +
          `${failedSync.code}: ${failedSync.title}\n`
      )
    }
    return 0
  } catch (error) {
    if (!(error instanceof DiagnosedError)) throw error
    const { diagnosis } = error
    streams.stderr(`error: ${diagnosis.detail}\nFix: ${diagnosis.fix}\n`)
    return 1
  }
}

/** Returns whether `id` has the form `<model>/<version>`, e.g. `m/1`. */
function isVersionReference(id: string): boolean {
  return /^[^/.][^/]*(\/[^/]+)*\/[1-9][0-9]*$/.test(id)
}

async function isDirectory(target: string): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined)
  return info?.isDirectory() ?? false
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
    const failedSync = await readFailedSync(bundle)
    return {
      kind: 'pending',
      bundle: name,
      model: manifest.registration.modelName,
      createdAt: manifest.createdAt,
      lastError: failedSync?.code ?? manifest.lastError?.code ?? '',
      lastErrorAt:
        failedSync?.failedAt ?? (manifest.lastError ? manifest.createdAt : '')
    }
  } catch (error) {
    if (!(error instanceof DiagnosedError)) throw error
    return { kind: 'pending', bundle: name, invalid: error.diagnosis.detail }
  }
}
