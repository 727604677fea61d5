import { z } from 'zod'

/**
 * zod schemas for the MLflow REST answers the action reads. MLflow omits
 * empty fields (no `tags: []`), so lists default to empty, and unknown
 * fields are kept so newer servers validate too.
 */

const tag = z.object({ key: z.string(), value: z.string() })

export const modelVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  status: z.string().optional(),
  status_message: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  model_id: z.string().optional(),
  description: z.string().optional(),
  /** Where Unity Catalog expects the version's files, such as s3://... */
  storage_location: z.string().optional(),
  tags: z.array(tag).default([]),
  /** Unity Catalog lists `{alias, version}` objects, MLflow bare names. */
  aliases: z
    .array(
      z.union([
        z.string(),
        z.looseObject({ alias: z.string() }).transform(entry => entry.alias)
      ])
    )
    .default([]),
  user_id: z.string().optional(),
  /** Milliseconds since the epoch; int64 values may come as strings. */
  creation_timestamp: z.coerce.number().optional()
})

/** A model version as MLflow returns it. */
export type ModelVersion = z.infer<typeof modelVersionSchema>

const modelAlias = z.object({ alias: z.string(), version: z.string() })

/** An alias of a registered model and the version it points to. */
export type ModelAlias = z.infer<typeof modelAlias>

export const registeredModelSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  tags: z.array(tag).default([]),
  aliases: z.array(modelAlias).default([]),
  /** The newest version of each stage; only the number is read. */
  latest_versions: z.array(z.looseObject({ version: z.string() })).default([])
})

/** A registered model as MLflow returns it. */
export type RegisteredModel = z.infer<typeof registeredModelSchema>

export const getRegisteredModelResponse = z.object({
  registered_model: registeredModelSchema
})

export const modelVersionResponse = z.object({
  model_version: modelVersionSchema
})

export const searchModelVersionsResponse = z.object({
  model_versions: z.array(modelVersionSchema).default([]),
  next_page_token: z.string().optional()
})

export const experimentResponse = z.object({
  experiment: z.looseObject({
    experiment_id: z.string(),
    name: z.string(),
    lifecycle_stage: z.string().optional()
  })
})

export const createExperimentResponse = z.object({
  experiment_id: z.string()
})

const runInfo = z.looseObject({
  run_id: z.string(),
  experiment_id: z.string(),
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional()
})

/** The `info` part of a run. */
export type RunInfo = z.infer<typeof runInfo>

export const runResponse = z.object({
  run: z.looseObject({ info: runInfo })
})

/** The runs that `runs/search` returns; MLflow omits `runs` when none match. */
export const searchRunsResponse = z.object({
  runs: z.array(z.looseObject({ info: runInfo })).default([])
})

// MLflow sends NaN and infinite metric values as the strings "NaN",
// "Infinity" and "-Infinity", which zod's number schema rejects.
const metric = z.object({
  key: z.string(),
  value: z.union([z.number(), z.string().transform(Number)])
})

/** A run's latest metric values, params and tags. */
export const runDataResponse = z.object({
  run: z.looseObject({
    info: runInfo,
    data: z
      .looseObject({
        metrics: z.array(metric).default([]),
        params: z.array(tag).default([]),
        tags: z.array(tag).default([])
      })
      .default({ metrics: [], params: [], tags: [] })
  })
})

/** A run with its data as MLflow returns it. */
export type RunWithData = z.infer<typeof runDataResponse>['run']

export const downloadUriResponse = z.object({ artifact_uri: z.string() })

export const listArtifactsResponse = z.object({
  root_uri: z.string().optional(),
  files: z
    .array(
      z.object({
        path: z.string(),
        is_dir: z.boolean().default(false),
        file_size: z.union([z.number(), z.string()]).optional()
      })
    )
    .default([]),
  next_page_token: z.string().optional()
})

const loggedModel = z.looseObject({
  info: z.looseObject({
    model_id: z.string(),
    name: z.string().optional(),
    source_run_id: z.string().optional(),
    artifact_uri: z.string().optional()
  })
})

/** An MLflow 3 logged model. */
export type LoggedModel = z.infer<typeof loggedModel>

export const getLoggedModelResponse = z.object({ model: loggedModel })

export const searchLoggedModelsResponse = z.object({
  models: z.array(loggedModel).default([]),
  next_page_token: z.string().optional()
})

export const emptyResponse = z.looseObject({})
