import { invalidParameter, MlflowError, notFound } from '../mlflow-error.js'
import type { Tag } from '../params.js'
import {
  compareText,
  parseVersionNumber,
  validateAlias,
  validateAliasName,
  validateModelName
} from './registry-validation.js'

/** A model version's registration status. */
export type VersionStatus =
  'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION'

/** One model version as the fake stores it. */
export interface ModelVersionRecord {
  readonly name: string
  readonly version: number
  readonly creationTimestamp: number
  lastUpdatedTimestamp: number
  description: string
  readonly source: string
  readonly runId: string
  readonly runLink: string
  /** The `get-download-uri` result: the source, resolved for `models:/`. */
  readonly storageLocation: string
  status: VersionStatus
  statusMessage?: string
  /** Reads left that still report PENDING_REGISTRATION. */
  pendingReads: number
  readonly tags: Map<string, string>
  /** MLflow keeps deleted versions as hidden rows, so numbers never repeat. */
  deleted: boolean
}

/** One registered model as the fake stores it. */
export interface RegisteredModelRecord {
  readonly name: string
  readonly creationTimestamp: number
  lastUpdatedTimestamp: number
  description?: string
  readonly tags: Map<string, string>
  /** Alias name to version number. */
  readonly aliases: Map<string, number>
  readonly versions: ModelVersionRecord[]
}

/**
 * The plan new versions follow through the registration statuses.
 * Without a plan, versions are READY at once, as on MLflow's SQL store.
 */
export interface VersionStatusPlan {
  /** Reads of a new version that still return PENDING_REGISTRATION. */
  readonly pendingReads: number
  readonly outcome: 'READY' | 'FAILED_REGISTRATION'
  readonly statusMessage?: string
}

/** The fields of a new model version. */
export interface NewModelVersion {
  readonly name: string
  readonly source: string
  readonly storageLocation: string
  readonly runId: string
  readonly runLink: string
  readonly description: string
  readonly tags: readonly Tag[]
}

/** Registered models, their versions, tags and aliases, in memory. */
export class RegistryStore {
  statusPlan: VersionStatusPlan | undefined
  private readonly models = new Map<string, RegisteredModelRecord>()

  constructor(private readonly now: () => number) {}

  /** Creates a registered model; a taken name is RESOURCE_ALREADY_EXISTS. */
  createModel(
    name: string,
    tags: readonly Tag[],
    description: string | undefined
  ): RegisteredModelRecord {
    validateModelName(name)
    if (this.models.has(name)) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Registered Model (name=${name}) already exists.`
      )
    }
    const time = this.now()
    const model: RegisteredModelRecord = {
      name,
      creationTimestamp: time,
      lastUpdatedTimestamp: time,
      ...(description === undefined ? {} : { description }),
      tags: new Map(tags.map(tag => [tag.key, tag.value])),
      aliases: new Map(),
      versions: []
    }
    this.models.set(name, model)
    return model
  }

  /** Finds a registered model by exact name. */
  findModel(name: string): RegisteredModelRecord | undefined {
    return this.models.get(name)
  }

  /** Gets a registered model or raises MLflow's not-found error. */
  getModel(name: string): RegisteredModelRecord {
    const model = this.models.get(name)
    if (!model) {
      throw notFound(`Registered Model with name=${name} not found`)
    }
    return model
  }

  /** Lists every registered model, sorted by name as MLflow sorts them. */
  listModels(): RegisteredModelRecord[] {
    return [...this.models.values()].sort((a, b) => compareText(a.name, b.name))
  }

  /** Removes a registered model with its versions and aliases. */
  deleteModel(name: string): void {
    this.getModel(name)
    this.models.delete(name)
  }

  /** Marks a model changed now. */
  touch(model: RegisteredModelRecord): void {
    model.lastUpdatedTimestamp = this.now()
  }

  /** Marks a version changed now. */
  touchVersion(version: ModelVersionRecord): void {
    version.lastUpdatedTimestamp = this.now()
  }

  /** Creates a version numbered one above the highest ever used. */
  createVersion(fields: NewModelVersion): ModelVersionRecord {
    validateModelName(fields.name)
    const model = this.getModel(fields.name)
    const time = this.now()
    const highest = Math.max(0, ...model.versions.map(v => v.version))
    const plan = this.statusPlan
    const version: ModelVersionRecord = {
      name: fields.name,
      version: highest + 1,
      creationTimestamp: time,
      lastUpdatedTimestamp: time,
      description: fields.description,
      source: fields.source,
      runId: fields.runId,
      runLink: fields.runLink,
      storageLocation: fields.storageLocation,
      status: plan ? 'PENDING_REGISTRATION' : 'READY',
      pendingReads: plan?.pendingReads ?? 0,
      tags: new Map(fields.tags.map(tag => [tag.key, tag.value])),
      deleted: false
    }
    model.versions.push(version)
    model.lastUpdatedTimestamp = time
    return version
  }

  /** Gets a live version or raises MLflow's not-found error. */
  getVersion(name: string, version: string): ModelVersionRecord {
    const number = parseVersionNumber(version)
    const found = this.models
      .get(name)
      ?.versions.find(v => v.version === number && !v.deleted)
    if (!found) {
      throw notFound(
        `Model Version (name=${name}, version=${number}) not found`
      )
    }
    return found
  }

  /**
   * Gets a version for a client read, advancing the status plan: each
   * read spends one pending read, and the read after the last one finds
   * the planned outcome.
   */
  readVersion(name: string, version: string): ModelVersionRecord {
    const found = this.getVersion(name, version)
    if (found.status !== 'PENDING_REGISTRATION') return found
    if (found.pendingReads > 0) {
      found.pendingReads--
      return found
    }
    found.status = this.statusPlan?.outcome ?? 'READY'
    const message = this.statusPlan?.statusMessage
    if (message !== undefined) found.statusMessage = message
    return found
  }

  /** Lists every live version, newest change first, as MLflow sorts. */
  listVersions(): ModelVersionRecord[] {
    const versions = [...this.models.values()].flatMap(model =>
      model.versions.filter(v => !v.deleted)
    )
    return versions.sort(
      (a, b) =>
        b.lastUpdatedTimestamp - a.lastUpdatedTimestamp ||
        compareText(a.name, b.name) ||
        b.version - a.version
    )
  }

  /** Hides a version and drops its aliases; its number stays taken. */
  deleteVersion(name: string, version: string): void {
    const found = this.getVersion(name, version)
    const model = this.getModel(name)
    for (const [alias, target] of model.aliases) {
      if (target === found.version) model.aliases.delete(alias)
    }
    found.deleted = true
    this.touch(model)
  }

  /** The newest live version, which is the latest of stage "None". */
  latestVersion(name: string): ModelVersionRecord | undefined {
    const live = this.getModel(name).versions.filter(v => !v.deleted)
    return live.at(-1)
  }

  /** Points an alias at an existing version. */
  setAlias(name: string, alias: string, version: string): void {
    validateAlias(alias)
    const model = this.getModel(name)
    const found = this.getVersion(name, version)
    model.aliases.set(alias, found.version)
  }

  /** Removes an alias; removing a missing alias is not an error. */
  deleteAlias(name: string, alias: string): void {
    validateAliasName(alias)
    this.getModel(name).aliases.delete(alias)
  }

  /**
   * Resolves an alias. MLflow rejects a missing alias with 400
   * INVALID_PARAMETER_VALUE, not 404, and resolves `latest` itself.
   */
  versionByAlias(name: string, alias: string): ModelVersionRecord {
    validateAliasName(alias)
    const model = this.getModel(name)
    if (alias.toLowerCase() === 'latest') {
      const latest = this.latestVersion(name)
      if (!latest) {
        throw notFound(`Latest version not found for model ${name}.`)
      }
      return latest
    }
    const target = model.aliases.get(alias)
    if (target === undefined) {
      throw invalidParameter(`Registered model alias ${alias} not found.`)
    }
    return this.getVersion(name, String(target))
  }

  /** Clears every registered model. */
  clear(): void {
    this.models.clear()
  }
}
