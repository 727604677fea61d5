import { maskSecret, type MaskSecret } from './secrets.js'

/** Static AWS credentials, as the AWS SDKs read them from the environment. */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Present for temporary credentials, such as an assumed role's. */
  readonly sessionToken?: string
}

/**
 * The variables that `aws-actions/configure-aws-credentials` exports and
 * the AWS SDKs read first.
 */
export const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN'
] as const

/**
 * Masks every AWS credential variable that is set, in all its forms. The
 * access key id is masked too, as configure-aws-credentials does.
 */
export function maskAwsCredentials(
  env: NodeJS.ProcessEnv,
  mask: MaskSecret
): void {
  for (const name of AWS_CREDENTIAL_VARIABLES) {
    const value = env[name]?.trim()
    if (value) maskSecret(mask, value)
  }
}

/**
 * Reads the AWS credentials from the environment. Returns what is set,
 * complete or not; the SigV4 provider reports what is missing.
 */
export function readAwsCredentials(
  env: NodeJS.ProcessEnv
): Partial<AwsCredentials> {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === '' ? undefined : value
  }
  const accessKeyId = read('AWS_ACCESS_KEY_ID')
  const secretAccessKey = read('AWS_SECRET_ACCESS_KEY')
  const sessionToken = read('AWS_SESSION_TOKEN')
  return {
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(secretAccessKey ? { secretAccessKey } : {}),
    ...(sessionToken ? { sessionToken } : {})
  }
}
