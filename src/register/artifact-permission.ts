import { describeCredential } from '../auth/provider.js'
import {
  DiagnosedError,
  diagnose,
  type Diagnosis
} from '../diagnosis/diagnosis.js'
import { HttpError } from '../http/errors.js'
import { classifyFailure } from '../preflight/classify.js'

/** The destination of the refused upload. */
export interface ArtifactWrite {
  readonly experimentId: string
  readonly runId: string
  /** The artifact proxy path of the run's artifact root. */
  readonly root: string
}

/**
 * Rewords MLflow's permission refusal of an artifact upload, which comes
 * after the run writes in the same experiment were allowed. Other
 * failures are returned unchanged.
 */
export function explainArtifactRefusal(
  error: unknown,
  write: ArtifactWrite
): unknown {
  if (!(error instanceof HttpError)) return error
  const diagnosis = classifyFailure(error)
  if (diagnosis.code !== 'FORBIDDEN_PERMISSION') return error
  return new DiagnosedError(artifactRefusal(error, diagnosis, write), {
    cause: error
  })
}

function artifactRefusal(
  error: HttpError,
  diagnosis: Diagnosis,
  write: ArtifactWrite
): Diagnosis {
  const { credential } = error.request
  const user =
    credential.kind === 'basic'
      ? `user '${credential.username}'`
      : describeCredential(credential)
  // MLflow's basic-auth app finds the experiment of an artifact request in
  // the first segment of its path (3.17.2: a numeric id, optionally after
  // `workspaces/<name>/`). Any other path falls back to the default
  // permission, which is READ unless the server sets another.
  const segments = write.root.split('/')
  const first = segments[0] === 'workspaces' ? segments[2] : segments[0]
  const pathReason =
    first === write.experimentId
      ? 'The path starts with the experiment id, so the grant on the ' +
        'experiment should apply; some servers (an artifacts-only server, ' +
        'or versions that resolve such paths wrongly) apply the default ' +
        'permission instead.'
      : 'The path does not start with the experiment id ' +
        `${write.experimentId} ` +
        '(the experiment has a custom artifact location), so the auth app ' +
        'cannot map it to the experiment and applies its default permission.'
  return diagnose(
    'FORBIDDEN_PERMISSION',
    `MLflow allowed ${user} to create run ${write.runId} in experiment ` +
      `${write.experimentId}, but denied the artifact upload to ` +
      `${write.root}. ${pathReason} No model version was created.`,
    `An admin must let ${user} write these artifacts: grant EDIT as the ` +
      "server's default permission or workspace permission, or give the " +
      'experiment an artifact location under its id ' +
      `(mlflow-artifacts:/${write.experimentId}), or upgrade the server.`,
    diagnosis.evidence,
    'MLflow denied the artifact upload'
  )
}
