/**
 * The action's inputs: one table that `action.yml`, the CLI flags and the
 * configuration reader are all generated from, so the three cannot drift.
 */

/** One action input, as declared in `action.yml` and as a CLI flag. */
export interface InputSpec {
  /** The kebab-case input name, also the CLI flag without `--`. */
  readonly name: string
  /** One or two sentences for `action.yml` and `--help`. */
  readonly description: string
  /** The value used when neither the input nor a variable is set. */
  readonly default?: string
  /** Environment variables read, in order, when the input is empty. */
  readonly env?: readonly string[]
  /** Whether the value is a credential that must be masked. */
  readonly secret?: boolean
  /** Whether the value is true or false, so a CLI flag may omit it. */
  readonly boolean?: boolean
  /** The CLI commands that take this input as a `--<name>` flag. */
  readonly commands: readonly CliCommand[]
}

/** The auth modes the action can use; `auto` picks one from the credentials. */
export const AUTH_MODES = [
  'auto',
  'none',
  'basic',
  'bearer',
  'sigv4',
  'hokusai',
  'oauth-client-credentials',
  'github-oidc',
  'databricks'
] as const

/** The ways `github-oidc` can turn the job's ID token into a credential. */
export const OIDC_EXCHANGES = [
  'token-exchange',
  'client-assertion',
  'id-token'
] as const

/**
 * The action's modes: register a version, only prove the setup, register
 * the pending bundles of deferred registrations, or check a version's
 * files against its signature.
 */
export const MODES = ['register', 'preflight', 'sync', 'verify'] as const

/**
 * The signing methods of a registration: none, an EC private key, or
 * keyless Sigstore.
 */
export const SIGNING_METHODS = ['none', 'key', 'sigstore'] as const

/**
 * The `offline` choices: `auto` registers into the local registry only
 * when no tracking server is configured, `true` always does, and `false`
 * requires a tracking server.
 */
export const OFFLINE_CHOICES = ['auto', 'true', 'false'] as const

/** The choices for a registration whose tracking server is unavailable. */
export const ON_UNAVAILABLE = ['bundle', 'fail'] as const

/**
 * The CLI commands that take input flags: `list` and `show` take only the
 * directories, and `fake-server` takes none.
 */
export type CliCommand =
  'register' | 'preflight' | 'sync' | 'verify' | 'list' | 'show'

/**
 * The commands that send requests to a tracking server, and so take its
 * settings.
 */
const SERVER_COMMANDS = ['register', 'preflight', 'sync', 'verify'] as const

export const INPUTS = [
  {
    name: 'mode',
    commands: [],
    description:
      '`register` registers a model version; `preflight` only checks that ' +
      'the server is reachable, is MLflow and accepts the credentials; ' +
      '`sync` registers the pending bundles of deferred registrations; ' +
      '`verify` checks the files of the version in `source` against its ' +
      '`model.sig` signature.',
    default: 'register'
  },
  {
    name: 'tracking-uri',
    commands: SERVER_COMMANDS,
    description:
      'URL of the MLflow tracking server, including any path prefix it is ' +
      'served under, the ARN of a SageMaker MLflow tracking server, ' +
      '`databricks` for the workspace in `databricks-host` (or in a ' +
      'Databricks CLI profile), or `databricks://<profile>`.',
    env: ['MLFLOW_TRACKING_URI']
  },
  {
    name: 'registry-uri',
    commands: SERVER_COMMANDS,
    description:
      'URL of the MLflow server for registry calls (registered models, ' +
      'model versions, aliases), when it is not the tracking server; ' +
      '`databricks-uc` for Unity Catalog or `databricks` for the ' +
      'workspace registry of `databricks-host`, each also with ' +
      '`://<profile>` for a Databricks CLI profile. The workspace may be ' +
      'another server than the tracking server.',
    env: ['MLFLOW_REGISTRY_URI']
  },
  {
    name: 'sagemaker-endpoint',
    commands: SERVER_COMMANDS,
    description:
      'URL that replaces the endpoint derived from a SageMaker ARN ' +
      'tracking URI, such as a VPC endpoint. Requests are still signed ' +
      "for the ARN's region.",
    env: ['SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT']
  },
  {
    name: 'databricks-host',
    commands: SERVER_COMMANDS,
    description:
      'URL of the Databricks workspace that a `databricks` tracking URI ' +
      'names, such as https://dbc-1234.cloud.databricks.com.',
    env: ['DATABRICKS_HOST']
  },
  {
    name: 'databricks-token',
    commands: SERVER_COMMANDS,
    description: 'Databricks personal access token for `databricks-host`.',
    env: ['DATABRICKS_TOKEN'],
    secret: true
  },
  {
    name: 'databricks-client-id',
    commands: SERVER_COMMANDS,
    description:
      'Application ID of the Databricks service principal, for OAuth ' +
      'machine-to-machine tokens or GitHub OIDC federation.',
    env: ['DATABRICKS_CLIENT_ID']
  },
  {
    name: 'databricks-client-secret',
    commands: SERVER_COMMANDS,
    description: 'OAuth secret of the Databricks service principal.',
    env: ['DATABRICKS_CLIENT_SECRET'],
    secret: true
  },
  {
    name: 'databricks-profile',
    commands: SERVER_COMMANDS,
    description:
      'Profile of the Databricks CLI config file to read the workspace ' +
      'URL and credentials from, when the URI is a bare `databricks` or ' +
      '`databricks-uc`. Inputs and DATABRICKS_* variables win over the ' +
      "profile's keys. Without it, the `DEFAULT` profile is read when " +
      'neither the workspace URL nor any credential is set.',
    env: ['DATABRICKS_CONFIG_PROFILE']
  },
  {
    name: 'databricks-config-file',
    commands: SERVER_COMMANDS,
    description:
      'Path of the Databricks CLI config file that holds the profiles. ' +
      'Defaults to `~/.databrickscfg`.',
    env: ['DATABRICKS_CONFIG_FILE']
  },
  {
    name: 'model-name',
    commands: ['register', 'preflight', 'sync'],
    description: 'Name of the registered model to add a version to.'
  },
  {
    name: 'source',
    commands: ['register', 'verify'],
    description:
      'Where the model already is: a `runs:/<run-id>/<path>`, ' +
      '`models:/...` or artifact URI. Give this or `model-path`.'
  },
  {
    name: 'model-path',
    commands: ['register'],
    description:
      'Local MLflow model directory (with an `MLmodel` file) to upload ' +
      "through the server's artifact proxy and register. Give this or " +
      '`source`.'
  },
  {
    name: 'artifact-path',
    commands: ['register'],
    description: 'Path inside the run where `model-path` is uploaded.',
    default: 'model'
  },
  {
    name: 'experiment-name',
    commands: ['register'],
    description:
      'Experiment that holds the run created for a `model-path` upload; ' +
      'created when missing.',
    env: ['MLFLOW_EXPERIMENT_NAME'],
    default: 'mlflow-register'
  },
  {
    name: 'description',
    commands: ['register'],
    description: 'Description of the new model version, up to 5000 characters.'
  },
  {
    name: 'tags',
    commands: ['register'],
    description:
      'Model version tags, one `key=value` per line. CI provenance tags ' +
      'are added automatically.'
  },
  {
    name: 'aliases',
    commands: ['register'],
    description:
      'Aliases to point at the new version, separated by commas or ' +
      'newlines (for example `champion`).'
  },
  {
    name: 'expected-alias-versions',
    commands: ['register'],
    description:
      'Versions the aliases must point to before they move, such as ' +
      '`champion=3`, or `champion=none` for an alias that must be unset; ' +
      'separated by commas or newlines. On a mismatch the new version ' +
      'stays registered, no alias moves and the step fails with ' +
      '`ALIAS_CONFLICT`.'
  },
  {
    name: 'require-metric',
    commands: ['register'],
    description:
      "Conditions on the source run's metrics that must hold before the " +
      'aliases move, one per line: `val_auc >= 0.91`, or ' +
      '`val_loss <= champion` to compare with the version the first ' +
      'alias points to now. A failed condition leaves the aliases where ' +
      'they are.'
  },
  {
    name: 'auth-mode',
    commands: SERVER_COMMANDS,
    description:
      '`auto` (default) picks `sigv4` for a SageMaker ARN tracking URI, ' +
      'else `basic` when a username and password are set, else `hokusai` ' +
      'for a Hokusai API key (`hk_...`), `databricks` for a `databricks` ' +
      'tracking URI, else `bearer` when a token is ' +
      'set, else `oauth-client-credentials` when a client ID and secret ' +
      'are set, else `none`. `sigv4` signs with the AWS credentials in ' +
      'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. ' +
      '`hokusai` sends `token` or HOKUSAI_API_KEY to the Hokusai platform. ' +
      '`databricks` sends `databricks-token`, or gets an OAuth token for ' +
      '`databricks-client-id` and `databricks-client-secret`.',
    default: 'auto'
  },
  {
    name: 'username',
    commands: SERVER_COMMANDS,
    description: 'Username for HTTP Basic authentication.',
    env: ['MLFLOW_TRACKING_USERNAME']
  },
  {
    name: 'password',
    commands: SERVER_COMMANDS,
    description: 'Password for HTTP Basic authentication.',
    env: ['MLFLOW_TRACKING_PASSWORD'],
    secret: true
  },
  {
    name: 'token',
    commands: SERVER_COMMANDS,
    description: 'Bearer token or API key.',
    env: ['MLFLOW_TRACKING_TOKEN'],
    secret: true
  },
  {
    name: 'token-header',
    commands: SERVER_COMMANDS,
    description:
      'Header that carries `token`. `Authorization` sends ' +
      '`Bearer <token>`; any other header (such as `X-API-Key`) sends the ' +
      'token as it is.',
    default: 'Authorization'
  },
  {
    name: 'token-endpoint',
    commands: SERVER_COMMANDS,
    description:
      'OAuth token endpoint URL for `oauth-client-credentials`. Give this ' +
      'or `oauth-issuer`.'
  },
  {
    name: 'oauth-issuer',
    commands: SERVER_COMMANDS,
    description:
      'OAuth issuer URL; the token endpoint is read from its ' +
      '`/.well-known/openid-configuration`. Give this or `token-endpoint`.'
  },
  {
    name: 'client-id',
    commands: SERVER_COMMANDS,
    description: 'OAuth client ID for the client credentials grant.'
  },
  {
    name: 'client-secret',
    commands: SERVER_COMMANDS,
    description: 'OAuth client secret for the client credentials grant.',
    secret: true
  },
  {
    name: 'scope',
    commands: SERVER_COMMANDS,
    description: 'OAuth scopes to request, separated by spaces.'
  },
  {
    name: 'audience',
    commands: SERVER_COMMANDS,
    description:
      'Value of the `audience` parameter of the token request, for ' +
      'providers that take one (such as Auth0).'
  },
  {
    name: 'resource',
    commands: SERVER_COMMANDS,
    description:
      'Resource indicator (RFC 8707) of the token request: the absolute ' +
      'URI of the API the access token is for.'
  },
  {
    name: 'client-auth',
    commands: SERVER_COMMANDS,
    description:
      'How the client authenticates at the token endpoint: `basic` (HTTP ' +
      'Basic header) or `post` (client ID and secret in the form body).',
    default: 'basic'
  },
  {
    name: 'ca-cert',
    commands: SERVER_COMMANDS,
    description:
      'Path to a PEM bundle of CA certificates to trust for the tracking ' +
      "server (a private CA), instead of Node's bundled roots.",
    env: ['MLFLOW_TRACKING_SERVER_CERT_PATH']
  },
  {
    name: 'client-cert',
    commands: SERVER_COMMANDS,
    description:
      'Path to a PEM client certificate for mutual TLS, or to one PEM ' +
      'file that holds the certificate and its private key.',
    env: ['MLFLOW_TRACKING_CLIENT_CERT_PATH']
  },
  {
    name: 'client-key',
    commands: SERVER_COMMANDS,
    description:
      'Path to the PEM private key of `client-cert`, when the key is in a ' +
      'file of its own.'
  },
  {
    name: 'client-key-passphrase',
    commands: SERVER_COMMANDS,
    description: 'Passphrase of an encrypted client key.',
    secret: true
  },
  {
    name: 'insecure-tls',
    commands: SERVER_COMMANDS,
    description:
      "Do not verify the tracking server's TLS certificate. For tests " +
      'only: anyone on the network path could read the credentials.',
    env: ['MLFLOW_TRACKING_INSECURE_TLS'],
    boolean: true
  },
  {
    name: 'allow-insecure-http',
    commands: SERVER_COMMANDS,
    description:
      'Send credentials to a tracking server over plain `http` on a host ' +
      'other than loopback. Only for trusted networks: anyone on the path ' +
      'can read them.',
    default: 'false'
  },
  {
    name: 'extra-headers',
    commands: SERVER_COMMANDS,
    description:
      'Headers sent only to the tracking server, one `Name: value` per ' +
      'line, such as the service-token headers of an access proxy. The ' +
      'values are masked.'
  },
  {
    name: 'oidc-audience',
    commands: SERVER_COMMANDS,
    description:
      'Audience (`aud`) of the GitHub ID token that `github-oidc` ' +
      'requests; the relying party checks it.'
  },
  // This input has no default in action.yml, because the runner would fill
  // it in and the Azure preset could not tell an explicit `token-exchange`
  // from an unset input.
  {
    name: 'oidc-exchange',
    commands: SERVER_COMMANDS,
    description:
      'How `github-oidc` uses the ID token: `token-exchange` (RFC 8693 at ' +
      '`token-endpoint`), `client-assertion` (client credentials with the ' +
      'ID token as the JWT client assertion) or `id-token` (sent as the ' +
      'Bearer token). Defaults to `token-exchange`. The Azure preset ' +
      '(`azure-tenant-id`) accepts only `client-assertion`.'
  },
  {
    name: 'azure-tenant-id',
    commands: SERVER_COMMANDS,
    description:
      'Microsoft Entra tenant ID for `github-oidc` with Azure ML: the ID ' +
      'token is the client assertion of `azure-client-id` in this tenant.',
    env: ['AZURE_TENANT_ID']
  },
  {
    name: 'azure-client-id',
    commands: SERVER_COMMANDS,
    description:
      'Client ID of the Entra app registration or managed identity whose ' +
      'federated credential trusts the job.',
    env: ['AZURE_CLIENT_ID']
  },
  {
    name: 'azure-authority-host',
    commands: SERVER_COMMANDS,
    description:
      'Entra authority that issues the token, for sovereign clouds such ' +
      'as https://login.microsoftonline.us. Defaults to ' +
      'https://login.microsoftonline.com.',
    env: ['AZURE_AUTHORITY_HOST']
  },
  {
    name: 'dry-run',
    commands: ['register'],
    description:
      'Only check and plan a registration: run the preflight and the ' +
      'lookups, which read, and print each write a real run would send ' +
      '(method, path, JSON body), without sending any. The outcome is ' +
      '`dry-run`.',
    default: 'false',
    boolean: true
  },
  {
    name: 'idempotency-key',
    commands: ['register'],
    description:
      'Key that identifies this registration across re-runs. Defaults to ' +
      'a hash of the repository, workflow run, model name and source.'
  },
  {
    name: 'force-new-version',
    commands: ['register'],
    description:
      'Create a new version even when one with the same idempotency key ' +
      'exists.',
    default: 'false',
    boolean: true
  },
  {
    name: 'wait-timeout',
    commands: ['register', 'sync'],
    description: 'Seconds to wait for the new version to become `READY`.',
    default: '300'
  },
  {
    name: 'request-timeout',
    commands: SERVER_COMMANDS,
    description: 'Seconds to wait for each HTTP response.',
    default: '60'
  },
  {
    name: 'max-attempts',
    commands: SERVER_COMMANDS,
    description:
      'Attempts per request when the server is unavailable (connection ' +
      'refused, timeouts, 429, 5xx), with exponential backoff.',
    default: '5'
  },
  {
    name: 'retry-max-time',
    commands: SERVER_COMMANDS,
    description:
      'Seconds that the retries of one request may take in all, waits ' +
      'included. A retry that would start later is not made.',
    default: '120'
  },
  {
    name: 'retry-initial-delay',
    commands: SERVER_COMMANDS,
    description:
      'Seconds before the first retry of a request, such as 0.5. Each ' +
      'later wait doubles, up to 15 s, and is drawn at random below that ' +
      'ceiling (full jitter). A `Retry-After` header replaces the wait, ' +
      'up to 60 s.',
    default: '0.5'
  },
  {
    name: 'on-unavailable',
    commands: ['register'],
    description:
      'What a registration does when the server is still unavailable once ' +
      'retries are spent: `bundle` writes a registry bundle for a later ' +
      '`sync` and ends with outcome `deferred`; `fail` writes it too and ' +
      'fails the step.',
    default: 'bundle'
  },
  {
    name: 'bundle-dir',
    commands: ['register', 'sync', 'list', 'show'],
    description:
      'Directory for registry bundles, written when a registration is ' +
      'deferred and read by `sync`. Defaults to ' +
      '`$RUNNER_TEMP/mlflow-register/bundles` on a runner, else ' +
      '`.mlflow-register/bundles` in the workspace.',
    env: ['MLFLOW_REGISTER_BUNDLE_DIR']
  },
  {
    name: 'offline',
    commands: ['register'],
    description:
      '`true` registers into the local registry in `registry-dir` and ' +
      'sends no request; a later `sync` registers it on a server. `auto` ' +
      'does the same, with a warning, when no tracking URI is set; ' +
      '`false` fails without a tracking URI.',
    env: ['MLFLOW_REGISTER_OFFLINE']
  },
  {
    name: 'registry-dir',
    commands: ['register', 'sync', 'list', 'show'],
    description:
      'Directory of the local registry that offline registrations write ' +
      'and `sync` registers on the server. Defaults to ' +
      '`.mlflow-register/registry` in the workspace.',
    env: ['MLFLOW_REGISTER_REGISTRY_DIR']
  },
  {
    name: 'report-path',
    commands: ['preflight'],
    description:
      'File for the preflight report, redacted so it can be attached to a ' +
      'bug report. Defaults to ' +
      '`$RUNNER_TEMP/mlflow-register/preflight-report.md` on a runner, ' +
      'else `.mlflow-register/preflight-report.md` in the workspace.'
  },
  {
    name: 'attest',
    commands: ['register'],
    description:
      'Create a GitHub build provenance attestation of the model after ' +
      'registering it, with the registered model name and the model ' +
      'digest as subject; with a `source`, the digest is computed as ' +
      '`digest-source` does, unless `verify-signature` is set. ' +
      'Needs the permissions `id-token: write` and `attestations: write`, ' +
      'and `github-token`.',
    default: 'false',
    boolean: true
  },
  {
    name: 'signing',
    commands: ['register', 'sync'],
    description:
      '`key` signs the model files with `signing-key` and uploads the ' +
      'signature as `model.sig` beside them, in the OpenSSF model signing ' +
      "format; `sigstore` signs them keylessly with the job's GitHub ID " +
      'token (needs `id-token: write`) through Fulcio and Rekor; `none` ' +
      'does not sign.',
    default: 'none'
  },
  {
    name: 'signing-key',
    commands: ['register', 'sync'],
    description:
      'PEM private key (EC on P-256 or P-384, PKCS#8 or SEC1) for ' +
      '`signing: key`. Pass it from a secret; it is masked and never ' +
      'written to disk.',
    secret: true
  },
  {
    name: 'verify-key',
    commands: ['register', 'verify'],
    description:
      'PEM public key, or the path of a file holding one, that checks ' +
      'key signatures in `mode: verify` and with `verify-signature`.'
  },
  {
    name: 'verify-signature',
    commands: ['register'],
    description:
      'Whether to check the signature of a `runs:/` or `models:/` source ' +
      'before registering it, with `verify-key` or the certificate ' +
      'identity.',
    default: 'false',
    boolean: true
  },
  {
    name: 'digest-source',
    description:
      'Whether to compute the model digest of a `runs:/` or `models:/` ' +
      'source by streaming its files through the artifact proxy of the ' +
      'tracking server, and store it as the `mlflow_register.model_digest` ' +
      'version tag and the `model-digest` output.',
    default: 'false',
    boolean: true,
    commands: ['register']
  },
  {
    name: 'certificate-identity',
    commands: ['register', 'verify'],
    description:
      'Expected signer identity of a keyless Sigstore signature, such as ' +
      'the workflow URL `https://github.com/org/repo/.github/workflows/' +
      'release.yml@refs/heads/main`.'
  },
  {
    name: 'certificate-oidc-issuer',
    commands: ['register', 'verify'],
    description:
      'Expected OIDC issuer of a keyless Sigstore signature, such as ' +
      '`https://token.actions.githubusercontent.com`.'
  },
  {
    name: 'sigstore-fulcio-url',
    commands: ['register', 'sync'],
    description:
      'Base URL of the Fulcio certificate authority for `signing: ' +
      'sigstore`.',
    default: 'https://fulcio.sigstore.dev'
  },
  {
    name: 'sigstore-rekor-url',
    commands: ['register', 'sync'],
    description:
      'Base URL of the Rekor transparency log for `signing: sigstore`.',
    default: 'https://rekor.sigstore.dev'
  },
  {
    name: 'sigstore-trusted-root',
    commands: ['register', 'verify'],
    description:
      'Path of the Sigstore trusted root JSON (`trusted_root.json`) that ' +
      'keyless signatures are verified against, with ' +
      '`certificate-identity`. It is read from disk and never fetched.'
  },
  {
    name: 'github-token',
    commands: ['register', 'sync'],
    description:
      'Token for the GitHub REST API, used by `sync` to find bundles in ' +
      'cache entries and artifacts of earlier runs and to delete them once ' +
      'registered (`actions: write`), and by `attest` to store the ' +
      'attestation (`attestations: write`); pass the `github.token` of ' +
      'the job.',
    env: ['GITHUB_TOKEN'],
    secret: true
  }
] as const satisfies readonly InputSpec[]

/** The name of an input declared in {@link INPUTS}. */
export type InputName = (typeof INPUTS)[number]['name']

/** The outputs the action sets, with their descriptions. */
export const OUTPUTS = [
  {
    name: 'outcome',
    description:
      '`registered` (a new version), `reused` (an earlier run already ' +
      'registered it), `checked` (preflight mode), `deferred` (the server ' +
      'was unavailable and a bundle was written), `registered-locally` ' +
      '(offline, into the local registry), `synced` (sync mode), ' +
      '`dry-run` (nothing was written), `verified` (verify mode) or ' +
      '`failed`.'
  },
  { name: 'model-name', description: 'Name of the registered model.' },
  {
    name: 'model-version',
    description:
      'The model version number; offline, the number in the local ' +
      'registry, which the server may number differently on sync.'
  },
  {
    name: 'model-uri',
    description: 'URI of the version, `models:/<name>/<version>`.'
  },
  {
    name: 'model-url',
    description: "Link to the version's page in the MLflow UI."
  },
  { name: 'auth-mode', description: 'The auth mode that was used.' },
  {
    name: 'comparison',
    description:
      'JSON comparison of the new version with the version the first ' +
      'alias pointed to: metrics, params, signature, flavors, tags, ' +
      'provenance and metric gate results. Empty when no alias is set.'
  },
  {
    name: 'diagnosis',
    description:
      'Diagnosis code when the step failed or was deferred, for example ' +
      '`AUTH_REJECTED`.'
  },
  {
    name: 'bundle-path',
    description:
      'Directory of the registry bundle written by a deferral, or of the ' +
      'version written into the local registry offline.'
  },
  {
    name: 'bundle-artifact',
    description:
      'Name of the workflow artifact the bundle was uploaded as, when the ' +
      'upload succeeded.'
  },
  {
    name: 'bundle-key',
    description:
      'Actions cache key the bundle was saved under, when the save ' +
      'succeeded.'
  },
  {
    name: 'sync-report',
    description:
      'JSON list of the bundles a sync handled, each with its model, ' +
      'status (`synced`, `already-registered`, `failed` or `skipped`), ' +
      'version and diagnosis code.'
  },
  {
    name: 'planned-calls',
    description:
      'JSON list of the writes a dry run planned, each with `method`, ' +
      '`path`, `body` and `operation`; placeholders in angle brackets ' +
      'stand for values known only on a real run, such as ids and times. ' +
      'Empty unless `dry-run` is true.'
  },
  {
    name: 'report-path',
    description: 'File of the redacted preflight report (preflight mode).'
  },
  {
    name: 'attestation-url',
    description:
      "Link to the model's build provenance attestation on GitHub, when " +
      '`attest` is true.'
  },
  {
    name: 'model-digest',
    description:
      'SHA-256 model digest of the OpenSSF model signing format (the ' +
      'subject digest of the signed statement), when the files were ' +
      'hashed: for every `model-path`, and for a `source` with ' +
      '`verify-signature`, `digest-source` or `attest`, or in `verify` mode.'
  }
] as const

/** The name of an output declared in {@link OUTPUTS}. */
export type OutputName = (typeof OUTPUTS)[number]['name']
