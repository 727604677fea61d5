import {
  readLocalRegistry,
  type InvalidEntry,
  type LocalRegistry,
  type LocalVersion
} from '../bundle/local-registry.js'
import { resolveRegistryDir } from '../config/offline-settings.js'
import type { CliArgs } from './args.js'
import { inputVariable } from './cli-host.js'
import type { CliStreams } from './main.js'
import { countOf } from '../text/plural.js'

/** One version of the local registry, as `list --json` prints it. */
export interface LocalVersionRow {
  readonly kind: 'local'
  readonly bundle: string
  readonly model: string
  readonly version: string
  readonly aliases: readonly string[]
  readonly createdAt: string
  /** The server version by tracking URI, for each server it was synced to. */
  readonly synced: Readonly<Record<string, string>>
  /** The verification failure; absent for a valid version. */
  readonly invalid?: string
}

/** Reads the local registry named by `--registry-dir` or its default. */
export function readRegistryOf(
  args: CliArgs,
  env: NodeJS.ProcessEnv
): Promise<LocalRegistry> {
  const value =
    args.flags.get('registry-dir') ?? env[inputVariable('registry-dir')]
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const setting = value ? { value, origin: 'input' } : undefined
  return readLocalRegistry(resolveRegistryDir(setting, workspace))
}

/** Builds the `list` rows of the local registry, invalid entries last. */
export function localVersionRows(registry: LocalRegistry): LocalVersionRow[] {
  return [
    ...registry.versions.map(describeLocalVersion),
    ...registry.invalid.map(entry => ({
      kind: 'local' as const,
      bundle: entry.bundle,
      model: '',
      version: '',
      aliases: [],
      createdAt: '',
      synced: {},
      invalid: entry.problem
    }))
  ]
}

function describeLocalVersion(entry: LocalVersion): LocalVersionRow {
  return {
    kind: 'local',
    bundle: entry.bundle.manifest.bundleId,
    model: entry.modelName,
    version: entry.version,
    aliases: entry.aliases,
    createdAt: entry.bundle.manifest.createdAt,
    synced: Object.fromEntries(
      Object.entries(entry.synced).map(([uri, record]) => [uri, record.version])
    )
  }
}

/** Prints the local registry's rows as a table. */
export function printLocalVersions(
  registry: LocalRegistry,
  rows: readonly LocalVersionRow[],
  streams: CliStreams
): void {
  if (rows.length === 0) return
  const invalidCount = registry.invalid.length
  const invalidNote = invalidCount ? ` (${invalidCount} invalid)` : ''
  streams.stderr(
    `${countOf(rows.length, 'version')} in the local registry at ` +
      `${registry.directory}${invalidNote}\n`
  )
  for (const row of rows) {
    if (row.invalid) {
      streams.stdout(`${row.bundle}  INVALID: ${row.invalid}\n`)
      continue
    }
    const aliases = row.aliases.length ? `  @${row.aliases.join(' @')}` : ''
    const synced = Object.entries(row.synced)
      .map(([uri, version]) => `  synced to ${uri} as version ${version}`)
      .join('')
    streams.stdout(
      `${row.model}  version ${row.version}${aliases}  ${row.bundle}` +
        `${synced}\n`
    )
  }
}

/**
 * Finds a local version by `<model>/<version>` or by bundle id; returns
 * undefined when the registry has no such version.
 */
export function findLocalVersion(
  registry: LocalRegistry,
  reference: string
): LocalVersion | undefined {
  const named = splitVersionReference(reference)
  return registry.versions.find(entry =>
    named
      ? entry.modelName === named.model && entry.version === named.version
      : entry.bundle.manifest.bundleId === reference
  )
}

/**
 * Splits `<model>/<version>` at its last slash; undefined for a
 * reference without one, which is a bundle id.
 */
function splitVersionReference(
  reference: string
): { model: string; version: string } | undefined {
  const slash = reference.lastIndexOf('/')
  if (slash <= 0) return undefined
  return {
    model: reference.slice(0, slash),
    version: reference.slice(slash + 1)
  }
}

/**
 * Finds an entry of the local registry that failed verification, by
 * bundle id or by the `<model>/<version>` its manifest claims.
 */
export function findInvalidLocalVersion(
  registry: LocalRegistry,
  reference: string
): InvalidEntry | undefined {
  const named = splitVersionReference(reference)
  return registry.invalid.find(entry =>
    named
      ? entry.claimed?.modelName === named.model &&
        entry.claimed.version === named.version
      : entry.bundle === reference
  )
}

/** The JSON that `show` prints for a local version. */
export function showLocalVersion(entry: LocalVersion): string {
  const [row] = localVersionRows({
    directory: '',
    versions: [entry],
    invalid: []
  })
  const manifest = { ...entry.bundle.manifest, local: row }
  return `${JSON.stringify(manifest, null, 2)}\n`
}
