/**
 * Diagnosis codes: stable identifiers for each kind of failure. They are
 * outputs of the action, so renaming one is a breaking change, and each has
 * a heading in `docs/troubleshooting.md`.
 */
export const DIAGNOSIS_CODES = {
  CLIENT_CONFIG: 'The action is configured wrongly',
  UNREACHABLE: 'The tracking server cannot be reached',
  SERVER_UNAVAILABLE: 'The tracking server is unavailable',
  NOT_MLFLOW: 'Something other than MLflow answered',
  BASE_PATH: 'The MLflow API is not at this URL',
  PROXY_LOGIN: 'An access proxy answered with a login page',
  PROXY_AUTH: 'The outbound HTTP proxy requires authentication',
  TLS_UNTRUSTED: "The server's TLS certificate is not trusted",
  TLS_HOSTNAME: "The server's TLS certificate is for another host name",
  TLS_PROTOCOL: 'The port does not speak TLS',
  TLS_CLIENT_CERT: 'The server requires a client certificate',
  AUTH_MISSING: 'The server requires credentials and none were sent',
  AUTH_REJECTED: 'The server rejected the credentials',
  AUTH_IDENTITY: 'The server has no user for the accepted credentials',
  AUTH_REFRESH: 'The OAuth token request failed',
  FORBIDDEN_PERMISSION: 'MLflow denied permission for this operation',
  FORBIDDEN_NON_MLFLOW: 'A 403 came from something other than MLflow',
  SERVER_CONFIG: 'The tracking server is configured wrongly',
  UNSUPPORTED_FEATURE: 'The server does not support what this needs',
  SOURCE_NOT_FOUND: 'The model source holds no model',
  MODEL_SIGNATURE_MISSING: 'Unity Catalog requires a model signature',
  UNSUPPORTED_STORAGE: "The action cannot write to the model's storage",
  STORAGE_REJECTED: 'The storage rejected the temporary credentials',
  PAYLOAD_TOO_LARGE: 'A request body was larger than the server accepts',
  TIMEOUT_PENDING: 'The model version did not become READY in time',
  REGISTRATION_FAILED: 'The registry failed to register the version',
  METRIC_GATE_FAILED: 'A metric gate kept the aliases where they were',
  ALIAS_CONFLICT: 'An alias did not point to the expected version',
  MLFLOW_ERROR: 'MLflow rejected a request',
  BUNDLE_INVALID: 'A registry bundle failed verification',
  SIGSTORE_SIGNING_FAILED: 'Signing with Sigstore failed',
  SIGNATURE_INVALID: 'The model signature failed verification',
  SIGNER_IDENTITY_MISMATCH: 'The signature is from another identity',
  SIGNER_ISSUER_MISMATCH: 'The signing identity is from another issuer',
  ATTESTATION_PERMISSION: 'The job lacks a permission attestations need',
  ATTESTATION_FAILED: 'Creating the provenance attestation failed',
  SIGNATURE_MISSING: 'The model has no model.sig signature file',
  MODEL_DIGEST_MISMATCH: 'The model files differ from the signed digest'
} as const

/** A stable diagnosis code, such as `AUTH_REJECTED`. */
export type DiagnosisCode = keyof typeof DIAGNOSIS_CODES

/**
 * Codes of failures that may clear up on their own: only these are retried,
 * and only these may later lead to a deferred registration.
 */
export const AVAILABILITY_CODES: ReadonlySet<DiagnosisCode> = new Set([
  'UNREACHABLE',
  'SERVER_UNAVAILABLE'
])
