import type {
  ModelVersionRecord,
  RegisteredModelRecord
} from '../store/registry.js'

/** Formats tags as MLflow's list; undefined when empty, as MLflow omits it. */
export function tagsJson(
  tags: ReadonlyMap<string, string>
): { key: string; value: string }[] | undefined {
  if (tags.size === 0) return undefined
  return [...tags].map(([key, value]) => ({ key, value }))
}

/** Lists the aliases that point at one version, sorted as MLflow sorts them. */
export function versionAliases(
  model: RegisteredModelRecord | undefined,
  version: number
): string[] {
  if (!model) return []
  return [...model.aliases]
    .filter(([, target]) => target === version)
    .map(([alias]) => alias)
    .sort()
}

/**
 * Formats a model version in MLflow's JSON: `version` is a string, timestamps
 * are numbers, and the SQL store's empty strings (`description`, `run_id`,
 * `run_link`) are sent, while empty lists are left out.
 */
export function modelVersionJson(
  version: ModelVersionRecord,
  aliases: readonly string[] = []
): object {
  return omitUndefined({
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    current_stage: 'None',
    description: version.description,
    source: version.source,
    run_id: version.runId,
    status: version.status,
    status_message: version.statusMessage,
    tags: tagsJson(version.tags),
    run_link: version.runLink,
    aliases: aliases.length > 0 ? [...aliases] : undefined
  })
}

/**
 * Formats a registered model in MLflow's JSON, with the latest version of stage
 * "None" (without its aliases) and every alias sorted by name.
 */
export function registeredModelJson(model: RegisteredModelRecord): object {
  const latest = model.versions.filter(v => !v.deleted).at(-1)
  const aliases = [...model.aliases]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, version]) => ({ alias, version: String(version) }))
  return omitUndefined({
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    description: model.description,
    latest_versions: latest ? [modelVersionJson(latest)] : undefined,
    tags: tagsJson(model.tags),
    aliases: aliases.length > 0 ? aliases : undefined
  })
}

/** Drops the undefined fields of an object, keeping the key order. */
export function omitUndefined(fields: Record<string, unknown>): object {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined)
  )
}
