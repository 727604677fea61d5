/** Arranges registry and tracking objects on a contract target. */
import {
  createExperimentResponse,
  modelVersionResponse,
  runResponse,
  type ModelVersion,
  type RunInfo
} from '../../../src/mlflow/schemas.js'
import { uniqueModelName } from '../../support/servers.js'
import { api, callOk, type Caller } from './client.js'
import { requireAdmin, type ContractTarget } from './targets.js'

/** Creates a registered model with a unique name and returns the name. */
export async function createModel(
  target: ContractTarget,
  options: { readonly as?: Caller; readonly body?: object } = {}
): Promise<string> {
  const name = uniqueModelName('contract')
  await callOk(target, 'POST', api('registered-models/create'), {
    json: { name, ...options.body },
    ...(options.as ? { as: options.as } : {})
  })
  return name
}

/** Creates a model version from an `s3://` source, which needs no run. */
export async function createVersion(
  target: ContractTarget,
  name: string,
  body: object = {}
): Promise<ModelVersion> {
  const reply = await callOk(target, 'POST', api('model-versions/create'), {
    json: { name, source: 's3://contract-bucket/model', ...body }
  })
  return modelVersionResponse.parse(reply).model_version
}

/** Creates an experiment with a unique name and returns its id. */
export async function createExperiment(
  target: ContractTarget
): Promise<string> {
  const reply = await callOk(target, 'POST', api('experiments/create'), {
    json: { name: uniqueModelName('contract-experiment') }
  })
  return createExperimentResponse.parse(reply).experiment_id
}

/** Creates a run in a new experiment and returns its info. */
export async function createRun(target: ContractTarget): Promise<RunInfo> {
  const experimentId = await createExperiment(target)
  const reply = await callOk(target, 'POST', api('runs/create'), {
    json: { experiment_id: experimentId, run_name: 'contract-run' }
  })
  return runResponse.parse(reply).run.info
}

/** Grants a user a permission on a registered model or experiment. */
export async function grant(
  target: ContractTarget,
  username: string,
  resource: {
    readonly type: 'registered_model' | 'experiment'
    readonly id: string
  },
  permission: string
): Promise<void> {
  await callOk(target, 'POST', '/api/3.0/mlflow/users/permissions/grant', {
    json: {
      username,
      resource_type: resource.type,
      resource_id: resource.id,
      permission
    },
    as: requireAdmin(target)
  })
}

/** Uploads one file through the artifact proxy. */
export async function putArtifact(
  target: ContractTarget,
  path: string,
  content: string
): Promise<void> {
  await callOk(target, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`, {
    body: Buffer.from(content)
  })
}
