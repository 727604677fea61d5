export const id = 711;
export const ids = [711];
export const modules = {

/***/ 75711:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCli: () => (/* binding */ runCli)
});

// EXTERNAL MODULE: ./src/diagnosis/diagnosis.ts
var diagnosis_diagnosis = __webpack_require__(62196);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 9 modules
var schemas = __webpack_require__(27597);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core = __webpack_require__(88532);
;// CONCATENATED MODULE: ./src/config/fields.ts


/** Quotes a received value for an error message, shortened when long. */
function quote(value) {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
}
/** Names a setting as the user set it: the input or its variable. */
function settingLabel(name, setting) {
    if (setting?.label)
        return `${setting.label} (input \`${name}\`)`;
    if (setting && setting.origin !== 'input' && setting.origin !== 'default') {
        return `environment variable ${setting.origin} (input \`${name}\`)`;
    }
    return `input \`${name}\``;
}
/**
 * Parses one setting with a zod schema and turns a failure into an error
 * that names the input, what was expected, what was received and the fix.
 */
function parseSetting(name, setting, schema, expected, fix) {
    const result = schema.safeParse(setting.value);
    if (result.success)
        return result.data;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `expected ${expected}, got ${quote(setting.value)}`, fix);
}
/** A whole number of seconds, converted to milliseconds. */
const secondsSchema = schemas/* string */.YjP()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(schemas/* number */.aig().int().min(1).max(86_400))
    .transform(seconds => seconds * 1000);
/**
 * A number of seconds from 0 to 60 with at most three decimals, converted
 * to whole milliseconds.
 */
const delaySchema = schemas/* string */.YjP()
    .regex(/^\d{1,2}(\.\d{1,3})?$/)
    .transform(Number)
    .pipe(schemas/* number */.aig().min(0).max(60))
    .transform(seconds => Math.round(seconds * 1000));
/** A whole number of attempts. */
const attemptsSchema = schemas/* string */.YjP()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(schemas/* number */.aig().int().min(1).max(20));
/** A boolean in the spellings YAML and shells use. */
const booleanSchema = schemas/* string */.YjP()
    .toLowerCase()
    .pipe(schemas/* enum */.k5n(['true', 'false', '1', '0', 'yes', 'no']))
    .transform(value => ['true', '1', 'yes'].includes(value));

;// CONCATENATED MODULE: ./src/config/extra-headers.ts



/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Headers the action or the HTTP stack sets itself. Framing and
 * connection headers would corrupt requests; credentials have their own
 * inputs, and proxy credentials belong in the proxy URL.
 */
const RESERVED = new Set([
    'authorization',
    'connection',
    'content-length',
    'content-type',
    'expect',
    'host',
    'keep-alive',
    'proxy-authorization',
    'proxy-connection',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade'
]);
const headerLineSchema = schemas/* string */.YjP()
    .transform((line, context) => {
    const colon = line.indexOf(':');
    if (colon < 0) {
        context.addIssue({
            code: 'custom',
            message: 'has no ":"; expected `Name: value`'
        });
        return core/* NEVER */.tm;
    }
    return {
        name: line.slice(0, colon).trim(),
        value: line.slice(colon + 1).trim()
    };
})
    .superRefine((header, context) => {
    if (!HEADER_NAME.test(header.name)) {
        context.addIssue({
            code: 'custom',
            message: `has the header name ${JSON.stringify(header.name)}, which is ` +
                'not a valid HTTP header name'
        });
    }
    else if (header.value === '') {
        context.addIssue({
            code: 'custom',
            message: `gives header ${header.name} an empty value`
        });
    }
    else if (hasControlCharacter(header.value)) {
        context.addIssue({
            code: 'custom',
            message: `gives header ${header.name} a value with control characters`
        });
    }
});
/** Returns whether a value contains a control character other than a tab. */
function hasControlCharacter(value) {
    for (let index = 0; index < value.length; index++) {
        const code = value.charCodeAt(index);
        if ((code < 0x20 && code !== 0x09) || code === 0x7f)
            return true;
    }
    return false;
}
/**
 * Returns the values in an `extra-headers` setting, read as loosely as
 * possible, so they can be masked before the setting is validated and
 * before any message could show one.
 */
function extraHeaderValues(raw) {
    return (raw ?? '').split(/\r?\n/).flatMap(line => {
        const colon = line.indexOf(':');
        const value = colon < 0 ? line.trim() : line.slice(colon + 1).trim();
        return value === '' ? [] : [value];
    });
}
/**
 * Parses `extra-headers`: one `Name: value` per line, blank lines
 * skipped. Names must be valid, unique and not ones the action sets
 * itself (`tokenHeader` carries the token).
 */
function parseExtraHeaders(setting, tokenHeader) {
    if (!setting)
        return [];
    const label = settingLabel('extra-headers', setting);
    const headers = new Map();
    for (const [index, line] of setting.value.split(/\r?\n/).entries()) {
        if (line.trim() === '')
            continue;
        const result = headerLineSchema.safeParse(line);
        if (!result.success) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `line ${index + 1} ${result.error.issues[0]?.message ?? 'is invalid'}`, 'Write one header per line as `Name: value`, for example ' +
                '`CF-Access-Client-Id: ${{ secrets.CF_ACCESS_CLIENT_ID }}`.');
        }
        const header = result.data;
        checkName(label, header.name, tokenHeader, headers);
        headers.set(header.name.toLowerCase(), header);
    }
    return [...headers.values()];
}
function checkName(label, name, tokenHeader, seen) {
    const lower = name.toLowerCase();
    if (RESERVED.has(lower) || lower === tokenHeader.toLowerCase()) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `header ${name} is set by the action itself`, lower === 'authorization' || lower === tokenHeader.toLowerCase()
            ? 'Send credentials with `token` (and `token-header`) or ' +
                '`username` and `password` instead.'
            : 'Remove it; proxy credentials belong in the HTTPS_PROXY URL.');
    }
    if (seen.has(lower)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `header ${name} is given twice`, 'Give each header once.');
    }
}

;// CONCATENATED MODULE: ./src/config/inputs.ts
/**
 * The action's inputs: one table that `action.yml`, the CLI flags and the
 * configuration reader are all generated from, so the three cannot drift.
 */
/** The auth modes the action can use; `auto` picks one from the credentials. */
const AUTH_MODES = [
    'auto',
    'none',
    'basic',
    'bearer',
    'sigv4',
    'hokusai',
    'oauth-client-credentials',
    'github-oidc',
    'databricks'
];
/** The ways `github-oidc` can turn the job's ID token into a credential. */
const OIDC_EXCHANGES = [
    'token-exchange',
    'client-assertion',
    'id-token'
];
/**
 * The action's modes: register a version, only prove the setup, register
 * the pending bundles of deferred registrations, or check a version's
 * files against its signature.
 */
const MODES = ['register', 'preflight', 'sync', 'verify'];
/**
 * The signing methods of a registration: none, an EC private key, or
 * keyless Sigstore.
 */
const SIGNING_METHODS = ['none', 'key', 'sigstore'];
/**
 * The `offline` choices: `auto` registers into the local registry only
 * when no tracking server is configured, `true` always does, and `false`
 * requires a tracking server.
 */
const OFFLINE_CHOICES = ['auto', 'true', 'false'];
/** The choices for a registration whose tracking server is unavailable. */
const ON_UNAVAILABLE = ['bundle', 'fail'];
/**
 * The commands that send requests to a tracking server, and so take its
 * settings.
 */
const SERVER_COMMANDS = ['register', 'preflight', 'sync', 'verify'];
const INPUTS = [
    {
        name: 'mode',
        commands: [],
        description: '`register` registers a model version; `preflight` only checks that ' +
            'the server is reachable, is MLflow and accepts the credentials; ' +
            '`sync` registers the pending bundles of deferred registrations; ' +
            '`verify` checks the files of the version in `source` against its ' +
            '`model.sig` signature.',
        default: 'register'
    },
    {
        name: 'tracking-uri',
        commands: SERVER_COMMANDS,
        description: 'URL of the MLflow tracking server, including any path prefix it is ' +
            'served under, the ARN of a SageMaker MLflow tracking server, ' +
            '`databricks` for the workspace in `databricks-host` (or in a ' +
            'Databricks CLI profile), or `databricks://<profile>`.',
        env: ['MLFLOW_TRACKING_URI']
    },
    {
        name: 'registry-uri',
        commands: SERVER_COMMANDS,
        description: 'URL of the MLflow server for registry calls (registered models, ' +
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
        description: 'URL that replaces the endpoint derived from a SageMaker ARN ' +
            'tracking URI, such as a VPC endpoint. Requests are still signed ' +
            "for the ARN's region.",
        env: ['SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT']
    },
    {
        name: 'databricks-host',
        commands: SERVER_COMMANDS,
        description: 'URL of the Databricks workspace that a `databricks` tracking URI ' +
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
        description: 'Application ID of the Databricks service principal, for OAuth ' +
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
        description: 'Profile of the Databricks CLI config file to read the workspace ' +
            'URL and credentials from, when the URI is a bare `databricks` or ' +
            '`databricks-uc`. Inputs and DATABRICKS_* variables win over the ' +
            "profile's keys. Without it, the `DEFAULT` profile is read when " +
            'neither the workspace URL nor any credential is set.',
        env: ['DATABRICKS_CONFIG_PROFILE']
    },
    {
        name: 'databricks-config-file',
        commands: SERVER_COMMANDS,
        description: 'Path of the Databricks CLI config file that holds the profiles. ' +
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
        description: 'Where the model already is: a `runs:/<run-id>/<path>`, ' +
            '`models:/...` or artifact URI. Give this or `model-path`.'
    },
    {
        name: 'model-path',
        commands: ['register'],
        description: 'Local MLflow model directory (with an `MLmodel` file) to upload ' +
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
        description: 'Experiment that holds the run created for a `model-path` upload; ' +
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
        description: 'Model version tags, one `key=value` per line. CI provenance tags ' +
            'are added automatically.'
    },
    {
        name: 'aliases',
        commands: ['register'],
        description: 'Aliases to point at the new version, separated by commas or ' +
            'newlines (for example `champion`).'
    },
    {
        name: 'expected-alias-versions',
        commands: ['register'],
        description: 'Versions the aliases must point to before they move, such as ' +
            '`champion=3`, or `champion=none` for an alias that must be unset; ' +
            'separated by commas or newlines. On a mismatch the new version ' +
            'stays registered, no alias moves and the step fails with ' +
            '`ALIAS_CONFLICT`.'
    },
    {
        name: 'require-metric',
        commands: ['register'],
        description: "Conditions on the source run's metrics that must hold before the " +
            'aliases move, one per line: `val_auc >= 0.91`, or ' +
            '`val_loss <= champion` to compare with the version the first ' +
            'alias points to now. A failed condition leaves the aliases where ' +
            'they are.'
    },
    {
        name: 'auth-mode',
        commands: SERVER_COMMANDS,
        description: '`auto` (default) picks `sigv4` for a SageMaker ARN tracking URI, ' +
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
        description: 'Header that carries `token`. `Authorization` sends ' +
            '`Bearer <token>`; any other header (such as `X-API-Key`) sends the ' +
            'token as it is.',
        default: 'Authorization'
    },
    {
        name: 'token-endpoint',
        commands: SERVER_COMMANDS,
        description: 'OAuth token endpoint URL for `oauth-client-credentials`. Give this ' +
            'or `oauth-issuer`.'
    },
    {
        name: 'oauth-issuer',
        commands: SERVER_COMMANDS,
        description: 'OAuth issuer URL; the token endpoint is read from its ' +
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
        description: 'Value of the `audience` parameter of the token request, for ' +
            'providers that take one (such as Auth0).'
    },
    {
        name: 'resource',
        commands: SERVER_COMMANDS,
        description: 'Resource indicator (RFC 8707) of the token request: the absolute ' +
            'URI of the API the access token is for.'
    },
    {
        name: 'client-auth',
        commands: SERVER_COMMANDS,
        description: 'How the client authenticates at the token endpoint: `basic` (HTTP ' +
            'Basic header) or `post` (client ID and secret in the form body).',
        default: 'basic'
    },
    {
        name: 'ca-cert',
        commands: SERVER_COMMANDS,
        description: 'Path to a PEM bundle of CA certificates to trust for the tracking ' +
            "server (a private CA), instead of Node's bundled roots.",
        env: ['MLFLOW_TRACKING_SERVER_CERT_PATH']
    },
    {
        name: 'client-cert',
        commands: SERVER_COMMANDS,
        description: 'Path to a PEM client certificate for mutual TLS, or to one PEM ' +
            'file that holds the certificate and its private key.',
        env: ['MLFLOW_TRACKING_CLIENT_CERT_PATH']
    },
    {
        name: 'client-key',
        commands: SERVER_COMMANDS,
        description: 'Path to the PEM private key of `client-cert`, when the key is in a ' +
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
        description: "Do not verify the tracking server's TLS certificate. For tests " +
            'only: anyone on the network path could read the credentials.',
        env: ['MLFLOW_TRACKING_INSECURE_TLS'],
        boolean: true
    },
    {
        name: 'allow-insecure-http',
        commands: SERVER_COMMANDS,
        description: 'Send credentials to a tracking server over plain `http` on a host ' +
            'other than loopback. Only for trusted networks: anyone on the path ' +
            'can read them.',
        default: 'false'
    },
    {
        name: 'extra-headers',
        commands: SERVER_COMMANDS,
        description: 'Headers sent only to the tracking server, one `Name: value` per ' +
            'line, such as the service-token headers of an access proxy. The ' +
            'values are masked.'
    },
    {
        name: 'oidc-audience',
        commands: SERVER_COMMANDS,
        description: 'Audience (`aud`) of the GitHub ID token that `github-oidc` ' +
            'requests; the relying party checks it.'
    },
    // This input has no default in action.yml, because the runner would fill
    // it in and the Azure preset could not tell an explicit `token-exchange`
    // from an unset input.
    {
        name: 'oidc-exchange',
        commands: SERVER_COMMANDS,
        description: 'How `github-oidc` uses the ID token: `token-exchange` (RFC 8693 at ' +
            '`token-endpoint`), `client-assertion` (client credentials with the ' +
            'ID token as the JWT client assertion) or `id-token` (sent as the ' +
            'Bearer token). Defaults to `token-exchange`. The Azure preset ' +
            '(`azure-tenant-id`) accepts only `client-assertion`.'
    },
    {
        name: 'azure-tenant-id',
        commands: SERVER_COMMANDS,
        description: 'Microsoft Entra tenant ID for `github-oidc` with Azure ML: the ID ' +
            'token is the client assertion of `azure-client-id` in this tenant.',
        env: ['AZURE_TENANT_ID']
    },
    {
        name: 'azure-client-id',
        commands: SERVER_COMMANDS,
        description: 'Client ID of the Entra app registration or managed identity whose ' +
            'federated credential trusts the job.',
        env: ['AZURE_CLIENT_ID']
    },
    {
        name: 'azure-authority-host',
        commands: SERVER_COMMANDS,
        description: 'Entra authority that issues the token, for sovereign clouds such ' +
            'as https://login.microsoftonline.us. Defaults to ' +
            'https://login.microsoftonline.com.',
        env: ['AZURE_AUTHORITY_HOST']
    },
    {
        name: 'dry-run',
        commands: ['register'],
        description: 'Only check and plan a registration: run the preflight and the ' +
            'lookups, which read, and print each write a real run would send ' +
            '(method, path, JSON body), without sending any. The outcome is ' +
            '`dry-run`.',
        default: 'false',
        boolean: true
    },
    {
        name: 'idempotency-key',
        commands: ['register'],
        description: 'Key that identifies this registration across re-runs. Defaults to ' +
            'a hash of the repository, workflow run, model name and source.'
    },
    {
        name: 'force-new-version',
        commands: ['register'],
        description: 'Create a new version even when one with the same idempotency key ' +
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
        description: 'Attempts per request when the server is unavailable (connection ' +
            'refused, timeouts, 429, 5xx), with exponential backoff.',
        default: '5'
    },
    {
        name: 'retry-max-time',
        commands: SERVER_COMMANDS,
        description: 'Seconds that the retries of one request may take in all, waits ' +
            'included. A retry that would start later is not made.',
        default: '120'
    },
    {
        name: 'retry-initial-delay',
        commands: SERVER_COMMANDS,
        description: 'Seconds before the first retry of a request, such as 0.5. Each ' +
            'later wait doubles, up to 15 s, and is drawn at random below that ' +
            'ceiling (full jitter). A `Retry-After` header replaces the wait, ' +
            'up to 60 s.',
        default: '0.5'
    },
    {
        name: 'on-unavailable',
        commands: ['register'],
        description: 'What a registration does when the server is still unavailable once ' +
            'retries are spent: `bundle` writes a registry bundle for a later ' +
            '`sync` and ends with outcome `deferred`; `fail` writes it too and ' +
            'fails the step.',
        default: 'bundle'
    },
    {
        name: 'bundle-dir',
        commands: ['register', 'sync', 'list', 'show'],
        description: 'Directory for registry bundles, written when a registration is ' +
            'deferred and read by `sync`. Defaults to ' +
            '`$RUNNER_TEMP/mlflow-register/bundles` on a runner, else ' +
            '`.mlflow-register/bundles` in the workspace.',
        env: ['MLFLOW_REGISTER_BUNDLE_DIR']
    },
    {
        name: 'offline',
        commands: ['register'],
        description: '`true` registers into the local registry in `registry-dir` and ' +
            'sends no request; a later `sync` registers it on a server. `auto` ' +
            'does the same, with a warning, when no tracking URI is set; ' +
            '`false` fails without a tracking URI.',
        env: ['MLFLOW_REGISTER_OFFLINE']
    },
    {
        name: 'registry-dir',
        commands: ['register', 'sync', 'list', 'show'],
        description: 'Directory of the local registry that offline registrations write ' +
            'and `sync` registers on the server. Defaults to ' +
            '`.mlflow-register/registry` in the workspace.',
        env: ['MLFLOW_REGISTER_REGISTRY_DIR']
    },
    {
        name: 'report-path',
        commands: ['preflight'],
        description: 'File for the preflight report, redacted so it can be attached to a ' +
            'bug report. Defaults to ' +
            '`$RUNNER_TEMP/mlflow-register/preflight-report.md` on a runner, ' +
            'else `.mlflow-register/preflight-report.md` in the workspace.'
    },
    {
        name: 'attest',
        commands: ['register'],
        description: 'Create a GitHub build provenance attestation of the model after ' +
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
        description: '`key` signs the model files with `signing-key` and uploads the ' +
            'signature as `model.sig` beside them, in the OpenSSF model signing ' +
            "format; `sigstore` signs them keylessly with the job's GitHub ID " +
            'token (needs `id-token: write`) through Fulcio and Rekor; `none` ' +
            'does not sign.',
        default: 'none'
    },
    {
        name: 'signing-key',
        commands: ['register', 'sync'],
        description: 'PEM private key (EC on P-256 or P-384, PKCS#8 or SEC1) for ' +
            '`signing: key`. Pass it from a secret; it is masked and never ' +
            'written to disk.',
        secret: true
    },
    {
        name: 'verify-key',
        commands: ['register', 'verify'],
        description: 'PEM public key, or the path of a file holding one, that checks ' +
            'key signatures in `mode: verify` and with `verify-signature`.'
    },
    {
        name: 'verify-signature',
        commands: ['register'],
        description: 'Whether to check the signature of a `runs:/` or `models:/` source ' +
            'before registering it, with `verify-key` or the certificate ' +
            'identity.',
        default: 'false',
        boolean: true
    },
    {
        name: 'digest-source',
        description: 'Whether to compute the model digest of a `runs:/` or `models:/` ' +
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
        description: 'Expected signer identity of a keyless Sigstore signature, such as ' +
            'the workflow URL `https://github.com/org/repo/.github/workflows/' +
            'release.yml@refs/heads/main`.'
    },
    {
        name: 'certificate-oidc-issuer',
        commands: ['register', 'verify'],
        description: 'Expected OIDC issuer of a keyless Sigstore signature, such as ' +
            '`https://token.actions.githubusercontent.com`.'
    },
    {
        name: 'sigstore-fulcio-url',
        commands: ['register', 'sync'],
        description: 'Base URL of the Fulcio certificate authority for `signing: ' +
            'sigstore`.',
        default: 'https://fulcio.sigstore.dev'
    },
    {
        name: 'sigstore-rekor-url',
        commands: ['register', 'sync'],
        description: 'Base URL of the Rekor transparency log for `signing: sigstore`.',
        default: 'https://rekor.sigstore.dev'
    },
    {
        name: 'sigstore-trusted-root',
        commands: ['register', 'verify'],
        description: 'Path of the Sigstore trusted root JSON (`trusted_root.json`) that ' +
            'keyless signatures are verified against, with ' +
            '`certificate-identity`. It is read from disk and never fetched.'
    },
    {
        name: 'github-token',
        commands: ['register', 'sync'],
        description: 'Token for the GitHub REST API, used by `sync` to find bundles in ' +
            'cache entries and artifacts of earlier runs and to delete them once ' +
            'registered (`actions: write`), and by `attest` to store the ' +
            'attestation (`attestations: write`); pass the `github.token` of ' +
            'the job.',
        env: ['GITHUB_TOKEN'],
        secret: true
    }
];
/** The outputs the action sets, with their descriptions. */
const OUTPUTS = [
    {
        name: 'outcome',
        description: '`registered` (a new version), `reused` (an earlier run already ' +
            'registered it), `checked` (preflight mode), `deferred` (the server ' +
            'was unavailable and a bundle was written), `registered-locally` ' +
            '(offline, into the local registry), `synced` (sync mode), ' +
            '`dry-run` (nothing was written), `verified` (verify mode) or ' +
            '`failed`.'
    },
    { name: 'model-name', description: 'Name of the registered model.' },
    {
        name: 'model-version',
        description: 'The model version number; offline, the number in the local ' +
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
        description: 'JSON comparison of the new version with the version the first ' +
            'alias pointed to: metrics, params, signature, flavors, tags, ' +
            'provenance and metric gate results. Empty when no alias is set.'
    },
    {
        name: 'diagnosis',
        description: 'Diagnosis code when the step failed or was deferred, for example ' +
            '`AUTH_REJECTED`.'
    },
    {
        name: 'bundle-path',
        description: 'Directory of the registry bundle written by a deferral, or of the ' +
            'version written into the local registry offline.'
    },
    {
        name: 'bundle-artifact',
        description: 'Name of the workflow artifact the bundle was uploaded as, when the ' +
            'upload succeeded.'
    },
    {
        name: 'bundle-key',
        description: 'Actions cache key the bundle was saved under, when the save ' +
            'succeeded.'
    },
    {
        name: 'sync-report',
        description: 'JSON list of the bundles a sync handled, each with its model, ' +
            'status (`synced`, `already-registered`, `failed` or `skipped`), ' +
            'version and diagnosis code.'
    },
    {
        name: 'planned-calls',
        description: 'JSON list of the writes a dry run planned, each with `method`, ' +
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
        description: "Link to the model's build provenance attestation on GitHub, when " +
            '`attest` is true.'
    },
    {
        name: 'model-digest',
        description: 'SHA-256 model digest of the OpenSSF model signing format (the ' +
            'subject digest of the signed statement), when the files were ' +
            'hashed: for every `model-path`, and for a `source` with ' +
            '`verify-signature`, `digest-source` or `attest`, or in `verify` mode.'
    }
];

;// CONCATENATED MODULE: ./src/config/secrets.ts


/**
 * The shortest value that is masked. Masking a value of one to three
 * characters, such as a header flag `1`, replaces it in every log line
 * and output (in URLs, numbers and model names), and so short a value
 * protects nothing.
 */
const MIN_MASKED_LENGTH = 4;
/** Checks whether a value is long enough to be masked. */
function isMaskable(value) {
    return value.length >= MIN_MASKED_LENGTH;
}
/**
 * Returns the forms in which a secret could reach a log: as it is,
 * percent-encoded (in a URL) and base64-encoded. A multi-line secret,
 * such as a PEM private key, adds each line that is not a PEM armor
 * line, because the runner masks each log line on its own. A secret or
 * form shorter than {@link MIN_MASKED_LENGTH} is left out.
 */
function secretForms(secret) {
    if (!isMaskable(secret))
        return [];
    const forms = [
        secret,
        encodeURIComponent(secret),
        Buffer.from(secret).toString('base64'),
        ...secretLines(secret)
    ];
    return [...new Set(forms)].filter(isMaskable);
}
function secretLines(secret) {
    if (!/[\r\n]/.test(secret))
        return [];
    return secret
        .split(/\r?\n|\r/)
        .map(line => line.trim())
        .filter(line => line !== '' && !line.startsWith('-----'));
}
/** Masks every form of a secret, in place, before it is used. */
function maskSecret(mask, secret) {
    for (const form of secretForms(secret))
        mask(form);
}
/** The proxy variables whose URLs may carry a password. */
const PROXY_VARIABLES = [
    'https_proxy',
    'HTTPS_PROXY',
    'http_proxy',
    'HTTP_PROXY'
];
/**
 * Masks every secret input, each value of `extra-headers`, and the
 * password in the user info of the tracking and registry URIs and of
 * the proxy variables in `env`. It runs straight after the raw settings
 * are read and before they are validated, so not even a validation
 * message can show one.
 */
function maskSecretSettings(settings, mask, env = {}) {
    for (const spec of INPUTS) {
        if (!spec.secret)
            continue;
        const setting = settings.get(spec.name);
        if (setting)
            maskSecret(mask, setting.value);
    }
    for (const value of extraHeaderValues(settings.get('extra-headers')?.value)) {
        maskSecret(mask, value);
    }
    const uris = [
        settings.get('tracking-uri')?.value,
        settings.get('registry-uri')?.value,
        ...PROXY_VARIABLES.map(name => env[name])
    ];
    for (const uri of uris) {
        const password = userinfoPassword(uri ?? '');
        if (password) {
            maskSecret(mask, password);
            maskSecret(mask, safeDecode(password));
        }
    }
}
/**
 * Returns the password in a URL's user info. The user info ends at the
 * last `@` before the path, as the URL parser reads it, so a password may
 * itself contain an unencoded `@`.
 */
function userinfoPassword(uri) {
    const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#\\]*)@/i.exec(uri)?.[1];
    return userinfo?.split(':').slice(1).join(':');
}
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}

;// CONCATENATED MODULE: ./src/auth/basic.ts

/** HTTP Basic authentication, as MLflow's `basic-auth` app expects. */
class BasicAuth {
    mode = 'basic';
    credential;
    #header;
    /** Masks the encoded header at once, before any request can log it. */
    constructor(username, password, mask) {
        const encoded = Buffer.from(`${username}:${password}`).toString('base64');
        maskSecret(mask, encoded);
        this.#header = `Basic ${encoded}`;
        this.credential = { kind: 'basic', username };
    }
    authorize(headers) {
        headers.authorization = this.#header;
        return Promise.resolve();
    }
}

;// CONCATENATED MODULE: ./src/auth/bearer.ts
/**
 * A static token: `Authorization: Bearer <token>` by default, or the bare
 * token in another header such as `X-API-Key` for API-key proxies.
 */
class BearerAuth {
    mode = 'bearer';
    credential;
    #headerName;
    #headerValue;
    constructor(token, headerName) {
        const isAuthorization = headerName.toLowerCase() === 'authorization';
        this.#headerName = headerName.toLowerCase();
        this.#headerValue = isAuthorization ? `Bearer ${token}` : token;
        this.credential = isAuthorization
            ? { kind: 'token', header: 'Authorization', scheme: 'Bearer' }
            : { kind: 'token', header: headerName };
    }
    authorize(headers) {
        headers[this.#headerName] = this.#headerValue;
        return Promise.resolve();
    }
}

;// CONCATENATED MODULE: ./src/auth/token-cache.ts
/**
 * Caches one access token and replaces it before it expires. Callers that
 * need a token while a request is under way share that request, so the
 * token endpoint receives at most one request at a time.
 */
class TokenCache {
    #options;
    #current;
    #pending;
    constructor(options) {
        this.#options = options;
    }
    /** Returns a token that is not within the margin of its expiry. */
    async get() {
        const current = this.#current;
        if (current && this.#options.now() < current.refreshAt) {
            return current.value;
        }
        return this.#requestOnce();
    }
    /**
     * Replaces the token a server rejected. When the cache already contains a
     * newer token, or a request for one is under way, no second request is
     * sent, so several requests rejected with one token cause one refresh.
     */
    async refresh(rejected) {
        if (this.#pending) {
            await this.#pending;
            return;
        }
        if (rejected !== undefined && this.#current?.value !== rejected)
            return;
        this.#current = undefined;
        await this.#requestOnce();
    }
    #requestOnce() {
        this.#pending ??= this.#load().finally(() => {
            this.#pending = undefined;
        });
        return this.#pending;
    }
    async #load() {
        // The lifetime counts from before the request was sent, so a slow
        // response makes the cache refresh early, never late.
        const requestedAt = this.#options.now();
        const token = await this.#options.request();
        this.#current = {
            value: token.accessToken,
            refreshAt: refreshTime(requestedAt, token.expiresInMs, this.#options)
        };
        return token.accessToken;
    }
}
/**
 * Returns when to replace a token: `marginMs` before expiry, or halfway
 * through its lifetime when the lifetime is shorter than twice the
 * margin, so a short-lived token is not requested anew for every call.
 */
function refreshTime(requestedAt, lifetimeMs, options) {
    if (lifetimeMs === undefined)
        return Number.POSITIVE_INFINITY;
    const margin = Math.min(options.marginMs, lifetimeMs / 2);
    return requestedAt + lifetimeMs - margin;
}

// EXTERNAL MODULE: ./node_modules/oauth4webapi/build/index.js
var build = __webpack_require__(15235);
;// CONCATENATED MODULE: ./src/config/tracking-uri.ts


const MANAGED_SCHEMES = ['databricks', 'databricks-uc', 'arn', 'uc'];
const STORE_SCHEMES = ['file', 'sqlite', 'postgresql', 'mysql', 'mssql'];
/**
 * Parses the tracking URI. Only `http` and `https` servers are supported;
 * the base path is kept (MLflow may be served under a prefix) and its
 * trailing slashes are dropped so that API paths join without `//`.
 */
function parseTrackingUri(setting, name = 'tracking-uri') {
    const label = settingLabel(name, setting);
    if (!setting) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `tracking-uri`', 'no tracking server is configured', 'Set the `tracking-uri` input or the MLFLOW_TRACKING_URI variable ' +
            'to the URL of your MLflow server, such as https://mlflow.example.com.');
    }
    const shown = redactUserinfo(setting.value);
    // The URL parser drops tabs and line breaks without a word, so a value
    // pasted with one would silently name another URL.
    if (/\p{Cc}|\s/u.test(setting.value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(shown)} contains whitespace or a control character`, 'Remove the spaces, tabs and line breaks from the URL.');
    }
    const value = mapAzureMlUri(setting.value);
    rejectUnsupportedScheme(label, shown, readScheme(value));
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(shown)} is not a valid URL`, 'Use an absolute URL such as https://mlflow.example.com/mlflow.');
    }
    if (url.search || url.hash) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'the URL has a query string or fragment, which MLflow does not use', 'Remove everything from the first "?" or "#".');
    }
    return takeCredentials(url);
}
/**
 * Maps an Azure ML tracking URI, `azureml://<region>.api.azureml.ms/
 * mlflow/v1.0/subscriptions/...`, to the https URL with the same host
 * and path. azureml-mlflow builds its host URL as `https://` and the
 * host, and Azure's MLflow REST examples call that path.
 */
function mapAzureMlUri(value) {
    return value.replace(/^azureml:\/\//i, 'https://');
}
/**
 * Returns the lower-case scheme of a URI. MLflow also accepts a bare
 * `databricks` or `databricks-uc`, which counts as that scheme.
 */
function readScheme(value) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
    if (scheme)
        return scheme.toLowerCase();
    const bare = value.toLowerCase();
    return MANAGED_SCHEMES.includes(bare) ? bare : undefined;
}
function rejectUnsupportedScheme(label, value, scheme) {
    if (scheme === 'http' || scheme === 'https')
        return;
    if (/^[a-z0-9.-]+:\d+(?:\/.*)?$/i.test(value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} is a host and port without a scheme`, `Write it as http://${value}, or https:// when the server uses TLS.`);
    }
    if (scheme && MANAGED_SCHEMES.includes(scheme)) {
        // SageMaker ARNs and `databricks` URIs are parsed before this check,
        // in sagemaker-arn.ts and databricks-settings.ts. `databricks-uc` and
        // `uc` name a registry, never a tracking server.
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${scheme}: tracking URIs are not supported by this version`, 'Use the https:// URL of the tracking server and a token.');
    }
    if (!scheme || STORE_SCHEMES.includes(scheme)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} is a local store, not a tracking server`, 'Start a tracking server (`mlflow server`) and set its http:// or ' +
            'https:// URL.');
    }
    throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `expected an http:// or https:// URL, got scheme "${scheme}:"`, 'Use the URL of the MLflow tracking server.');
}
/**
 * Replaces the text between `://` and the last `@` of a URL-like string
 * with `***`. That text may hold a password even when the URL does not
 * parse, for example when the password contains an unencoded `/` or `#`.
 */
function redactUserinfo(value) {
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1***@');
}
function takeCredentials(url) {
    const username = decodeUserinfo(url.username);
    const password = decodeUserinfo(url.password);
    const clean = new URL(url.href);
    clean.username = '';
    clean.password = '';
    // An empty `?` or `#` passes the query check, so it is removed here.
    clean.search = '';
    clean.hash = '';
    clean.pathname = clean.pathname.replace(/\/+$/, '');
    return {
        url: clean,
        ...(username ? { username } : {}),
        ...(password ? { password } : {})
    };
}
/** Percent-decodes user info. A `%` that starts no valid escape stays. */
function decodeUserinfo(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}

;// CONCATENATED MODULE: ./src/config/oauth-settings.ts




/** Client authentication methods at the token endpoint (RFC 6749, 2.3.1). */
const CLIENT_AUTH_METHODS = ['basic', 'post'];
// A scope token is one or more printable ASCII characters other than
// space, double quote and backslash (RFC 6749, section 3.3).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/**
 * Validates the OAuth settings, returned as `{ oauth }` for the auth
 * settings, or `{}` when no OAuth input is set. Whether the chosen auth
 * mode needs them is decided when the provider is created, so that `auto`
 * can see which ones are set.
 */
function parseOAuthSettings(get) {
    const tokenEndpoint = parseEndpoint('token-endpoint', get('token-endpoint'));
    const issuer = parseEndpoint('oauth-issuer', get('oauth-issuer'));
    if (tokenEndpoint && issuer) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `token-endpoint`', 'both `token-endpoint` and `oauth-issuer` are set, so the token ' +
            'endpoint is ambiguous', 'Set only one: `token-endpoint` for a known endpoint, or ' +
            '`oauth-issuer` to discover it.');
    }
    const clientAuth = parseSetting('client-auth', get('client-auth') ?? { value: 'basic', origin: 'default' }, schemas/* enum */.k5n(CLIENT_AUTH_METHODS), 'basic or post', 'Set `client-auth` to basic (HTTP Basic header) or post (form body).');
    const values = {
        tokenEndpoint,
        issuer,
        clientId: get('client-id')?.value,
        clientSecret: get('client-secret')?.value,
        scope: parseScope(get('scope')),
        audience: get('audience')?.value,
        resource: parseResource(get('resource'))
    };
    const present = Object.entries(values).filter(([, v]) => v !== undefined);
    if (present.length === 0)
        return {};
    const oauth = Object.fromEntries(present);
    return { oauth: { ...oauth, clientAuth } };
}
function parseEndpoint(name, setting) {
    if (!setting)
        return undefined;
    const label = settingLabel(name, setting);
    // The user info may hold a password, so messages show it redacted.
    const shown = quote(redactUserinfo(setting.value));
    const url = URL.parse(setting.value);
    if (url === null || !['https:', 'http:'].includes(url.protocol)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} is not an absolute http or https URL`, `Set \`${name}\` to a URL such as https://idp.example.com/oauth/token.`);
    }
    if (url.username || url.password || url.hash) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} contains user info or a fragment`, 'Remove them: the client authenticates with `client-id` and ' +
            '`client-secret`.');
    }
    if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} does not use https, so the client secret and the tokens ` +
            'would cross the network in clear text', 'Use the https URL of the provider. Plain http is accepted only ' +
            'for a provider on the loopback interface.');
    }
    return url;
}
/** Checks whether a URL is plain http to the loopback interface. */
function isLoopbackHttp(url) {
    return (url.protocol === 'http:' &&
        ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}
function parseScope(setting) {
    if (!setting)
        return undefined;
    const tokens = setting.value.split(/\s+/).filter(token => token !== '');
    const invalid = tokens.find(token => !SCOPE_TOKEN.test(token));
    if (invalid === undefined)
        return tokens.join(' ');
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('scope', setting), `${quote(invalid)} is not a valid scope: scopes are printable ASCII ` +
        'without double quotes or backslashes', 'List the scopes separated by spaces, such as `mlflow.write offline`.');
}
function parseResource(setting) {
    if (!setting)
        return undefined;
    // RFC 8707, section 2: an absolute URI without a fragment.
    const valid = URL.canParse(setting.value) && !setting.value.includes('#');
    if (valid)
        return setting.value;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('resource', setting), `${quote(setting.value)} is not an absolute URI without a fragment`, 'Set `resource` to the URI of the API, such as ' +
        'https://mlflow.example.com.');
}

// EXTERNAL MODULE: ./node_modules/undici/lib/api/index.js
var api = __webpack_require__(56615);
// EXTERNAL MODULE: ./node_modules/undici/lib/core/connect.js
var core_connect = __webpack_require__(59136);
var connect_default = /*#__PURE__*/__webpack_require__.n(core_connect);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/dispatcher.js
var dispatcher = __webpack_require__(30883);
var dispatcher_default = /*#__PURE__*/__webpack_require__.n(dispatcher);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/env-http-proxy-agent.js
var env_http_proxy_agent = __webpack_require__(53137);
var env_http_proxy_agent_default = /*#__PURE__*/__webpack_require__.n(env_http_proxy_agent);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/pool.js
var pool = __webpack_require__(30628);
var pool_default = /*#__PURE__*/__webpack_require__.n(pool);
;// CONCATENATED MODULE: ./src/http/undici.ts





// undici's entry adds the request methods (`request`, `connect` and the
// rest) to every dispatcher. The proxy agent needs `connect` for tunnels.
Object.assign((dispatcher_default()).prototype, api);

/**
 * Sends one request to `url`, as undici's `request` function does for a
 * URL without a separate path: by default a PUT with a body, else a GET.
 */
function undici_request(url, options) {
    const { dispatcher, ...rest } = options;
    return dispatcher.request({
        ...rest,
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (options.body ? 'PUT' : 'GET')
    });
}

;// CONCATENATED MODULE: ./src/http/errors.ts
/** A request that got an HTTP answer other than the expected JSON. */
class HttpError extends Error {
    request;
    response;
    constructor(request, response, reason) {
        super(`${request.method} ${request.url} ${reason}`);
        this.name = 'HttpError';
        this.request = request;
        this.response = response;
    }
    /** The MLflow `error_code`, when the body is MLflow's JSON error. */
    get errorCode() {
        return this.response.errorBody?.errorCode;
    }
}
/** A request that got no HTTP answer: refused, reset, timed out, TLS. */
class ConnectionError extends Error {
    request;
    /** The Node.js or undici error code, such as `ECONNREFUSED`. */
    code;
    constructor(request, code, options) {
        const cause = options.cause instanceof Error ? options.cause.message : '';
        super(`${request.method} ${request.url} failed: ${code} ${cause}`.trim(), options);
        this.name = 'ConnectionError';
        this.request = request;
        this.code = code;
    }
}
/** Whether a value is one of the transport's errors. */
function isRequestError(error) {
    return error instanceof HttpError || error instanceof ConnectionError;
}

;// CONCATENATED MODULE: ./src/http/response-facts.ts
const BODY_EXCERPT_LENGTH = 500;
/** Reads what a failed response says about who sent it and why. */
function readResponseFacts(status, headers, body) {
    const header = (name) => {
        const value = headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
    };
    const contentType = header('content-type');
    const errorBody = parseErrorBody(body);
    const pageTitle = readPageTitle(body);
    return {
        status,
        body: excerpt(body),
        ...defined('contentType', contentType),
        ...defined('server', header('server')),
        ...defined('via', header('via')),
        ...defined('wwwAuthenticate', header('www-authenticate')),
        ...defined('location', header('location')),
        ...defined('retryAfter', header('retry-after')),
        ...defined('amznErrorType', header('x-amzn-errortype')),
        ...defined('iapGenerated', header('x-goog-iap-generated-response')),
        ...(errorBody ? { errorBody } : {}),
        ...defined('pageTitle', pageTitle)
    };
}
function defined(key, value) {
    return value ? { [key]: value } : {};
}
/** Collapses whitespace and cuts a body down to a readable excerpt. */
function excerpt(body) {
    const text = body.replace(/\s+/g, ' ').trim();
    return text.length > BODY_EXCERPT_LENGTH
        ? `${text.slice(0, BODY_EXCERPT_LENGTH)}...`
        : text;
}
/** Reads the known JSON error shapes; returns undefined for anything else. */
function parseErrorBody(body) {
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return undefined;
    const record = parsed;
    const text = (value) => typeof value === 'string' ? value : undefined;
    if (typeof record.error_code === 'string') {
        return {
            shape: 'mlflow',
            errorCode: record.error_code,
            message: text(record.message) ?? ''
        };
    }
    if (typeof record.error === 'object' && record.error !== null) {
        const nested = record.error;
        const code = text(nested.code) ?? text(nested.error_code);
        return {
            shape: 'nested',
            ...(code ? { errorCode: code } : {}),
            message: text(nested.message) ?? ''
        };
    }
    if ('detail' in record) {
        const code = text(record.error);
        const detail = record.detail;
        return {
            shape: 'detail',
            ...(code ? { errorCode: code } : {}),
            message: text(detail) ?? JSON.stringify(detail)
        };
    }
    const message = text(record.message);
    return message === undefined ? undefined : { shape: 'message', message };
}
function readPageTitle(body) {
    const match = /<title[^>]*>([^<]*)<\/title>/i.exec(body);
    const title = match?.[1]?.replace(/\s+/g, ' ').trim();
    return title === '' ? undefined : title;
}

// EXTERNAL MODULE: ./src/diagnosis/codes.ts
var codes = __webpack_require__(78619);
;// CONCATENATED MODULE: ./src/http/tls.ts

/**
 * The TLS handshake finished, but the server's certificate failed
 * verification. `code` is Node's verification code, such as
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE` or `ERR_TLS_CERT_ALTNAME_INVALID`.
 */
class CertificateVerificationError extends Error {
    code;
    peer;
    constructor(code, peer) {
        super(`The server's certificate (subject ${peer.subject}, issuer ` +
            `${peer.issuer}) failed verification: ${code}`);
        this.name = 'CertificateVerificationError';
        this.code = code;
        this.peer = peer;
    }
}
/**
 * Builds the pool factory that verifies the tracking server's certificate
 * and keeps the certificate's details when verification fails. Each pool
 * opens at most `connections` connections.
 *
 * Node verifies a server certificate only after the handshake has
 * finished, and with `rejectUnauthorized` it destroys the socket before
 * anyone can read the certificate, so a diagnosis could not name the
 * issuer or the names it holds. The connections are therefore opened with
 * `rejectUnauthorized: false`, and this check applies Node's own verdict
 * (`authorized`, `authorizationError`, which include the host name check)
 * before undici may write a single byte: a socket that fails is destroyed
 * and the request fails. The same factory serves direct connections and
 * connections tunnelled through a proxy, whose origin connector is the
 * function in `options.connect`.
 */
function verifyingPoolFactory(verify, connections) {
    return (origin, options) => {
        const { connect } = options;
        const base = typeof connect === 'function' ? connect : connect_default()({ ...connect });
        // Set here, because undici's proxy agent builds the pool of an
        // http:// origin behind an HTTP proxy with `connect` alone.
        return new (pool_default())(origin, {
            ...options,
            connections,
            connect: verify ? verifyingConnector(base) : base
        });
    };
}
function verifyingConnector(base) {
    return (options, callback) => {
        base(options, (error, socket) => {
            if (error !== null) {
                callback(error, null);
                return;
            }
            const tls = socket;
            // Plain sockets (http:// origins, the hop to an http:// proxy) have
            // nothing to verify.
            if (!tls.encrypted || tls.authorized === true) {
                callback(null, socket);
                return;
            }
            const failure = new CertificateVerificationError(String(tls.authorizationError ?? 'CERT_UNTRUSTED'), readPeerCertificate(tls));
            socket.destroy();
            callback(failure, null);
        });
    };
}
function readPeerCertificate(socket) {
    const certificate = socket.getPeerCertificate();
    return {
        subject: formatName(certificate.subject),
        issuer: formatName(certificate.issuer),
        altNames: (certificate.subjectaltname ?? '')
            .split(',')
            .map(name => name.trim().replace(/^IP Address:/, 'IP:'))
            .filter(name => name !== ''),
        validTo: certificate.valid_to
    };
}
/** Formats a certificate name as `CN=..., O=...`, the most specific first. */
function formatName(name) {
    if (!name)
        return '(none)';
    const parts = Object.entries(name)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${String(value)}`);
    const cn = parts.filter(part => part.startsWith('CN='));
    const rest = parts.filter(part => !part.startsWith('CN='));
    return [...cn, ...rest].join(', ') || '(empty)';
}

;// CONCATENATED MODULE: ./src/preflight/responder.ts
/** The fixed texts of MLflow's own non-JSON answers, MLflow 3.17. */
const MLFLOW_TEXTS = {
    notAuthenticated: 'You are not authenticated.',
    permissionDenied: 'Permission denied',
    invalidHost: 'Invalid Host header - possible DNS rebinding attack detected',
    crossOrigin: 'Cross-origin request blocked'
};
/** An MLflow error code, such as `PERMISSION_DENIED`. */
const MLFLOW_ERROR_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/**
 * Works out who answered from the body first and the headers second:
 * MLflow's auth app answers in plain text labelled `text/html`, so the
 * content type alone cannot tell MLflow from a proxy. A response in one
 * of MLflow's shapes is `conflicting` when it carries a `Server` or
 * `Via` header that `earlier` lacks. `earlier` contains the headers of
 * the last MLflow JSON response from the same server.
 */
function identifyResponder(response, earlier) {
    const claimed = claimedResponder(response);
    if (isMlflowResponder(claimed) &&
        earlier !== undefined &&
        foreignHeaders(response, earlier).length > 0) {
        return 'conflicting';
    }
    return claimed;
}
/** Identifies who sent a failed request's response, with earlier ones. */
function identifyErrorResponder(error) {
    return identifyResponder(error.response, error.request.earlierMlflowHeaders);
}
/** Describes who sent a failed request's response, with its headers. */
function describeErrorResponder(error) {
    return describeResponder(identifyErrorResponder(error), error.response, error.request.earlierMlflowHeaders);
}
/**
 * Describes who sent a failed request's response, capitalised to start
 * a sentence: "An HTML page ...", "MLflow's basic-auth app".
 */
function describeErrorResponderAtStart(error) {
    const phrase = describeErrorResponder(error);
    return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
/**
 * Identifies the responder from the body and the challenge alone,
 * without comparing headers with earlier responses.
 */
function claimedResponder(response) {
    const body = response.body.trim();
    const { errorBody } = response;
    if (errorBody?.shape === 'mlflow')
        return 'mlflow';
    if (body === MLFLOW_TEXTS.invalidHost)
        return 'mlflow-host-check';
    if (body === MLFLOW_TEXTS.crossOrigin)
        return 'mlflow-cors';
    if (body === MLFLOW_TEXTS.permissionDenied ||
        body.startsWith(MLFLOW_TEXTS.notAuthenticated) ||
        /^basic realm="mlflow"/i.test(response.wwwAuthenticate ?? '')) {
        return 'mlflow-auth';
    }
    if (errorBody?.shape === 'message' &&
        errorBody.message.trim() === MLFLOW_TEXTS.permissionDenied) {
        return 'mlflow-auth-plugin';
    }
    if (errorBody?.shape === 'nested' &&
        MLFLOW_ERROR_CODE.test(errorBody.errorCode ?? '')) {
        return 'mlflow-nested';
    }
    if (errorBody)
        return 'json-gateway';
    if (/<html|<!doctype html|<body|<title/i.test(body))
        return 'html-page';
    return 'unknown';
}
/**
 * Lists the `Server` and `Via` headers of a response that the earlier
 * MLflow response did not carry with the same value, as `Name: value`.
 */
function foreignHeaders(response, earlier) {
    const foreign = [];
    if (response.server && response.server !== earlier.server) {
        foreign.push(`Server: ${response.server}`);
    }
    if (response.via && response.via !== earlier.via) {
        foreign.push(`Via: ${response.via}`);
    }
    return foreign;
}
/**
 * `Server` values of the servers MLflow runs under: uvicorn (the default
 * of `mlflow server` 3.17.2), gunicorn, waitress, and Werkzeug for
 * Flask's development server.
 */
const MLFLOW_SERVER_HEADER = /^(?:uvicorn|gunicorn|waitress|werkzeug)\b/i;
/**
 * Lists the `Server` and `Via` headers that show a proxy in front of
 * MLflow, as `Name: value`: any `Via`, and a `Server` that names none of
 * the servers MLflow runs under.
 */
function proxyHeaders(response) {
    const headers = [];
    if (response.server && !MLFLOW_SERVER_HEADER.test(response.server)) {
        headers.push(`Server: ${response.server}`);
    }
    if (response.via)
        headers.push(`Via: ${response.via}`);
    return headers;
}
/**
 * Describes the responder in words, with the headers that show it. A
 * `conflicting` responder needs `earlier` to quote both signals.
 */
function describeResponder(responder, response, earlier) {
    const headers = [
        response.server ? `Server: ${response.server}` : '',
        response.via ? `Via: ${response.via}` : ''
    ].filter(Boolean);
    const suffix = headers.length > 0 ? ` (${headers.join(', ')})` : '';
    switch (responder) {
        case 'mlflow':
            return 'MLflow (JSON error)';
        case 'mlflow-auth':
            return "MLflow's basic-auth app";
        case 'mlflow-auth-plugin':
            return "an MLflow auth plugin (JSON 'Permission denied')";
        case 'mlflow-host-check':
            return "MLflow's host-header check";
        case 'mlflow-cors':
            return "MLflow's cross-origin check";
        case 'mlflow-nested':
            return ('an MLflow distribution or auth plugin (nested JSON error ' +
                `${response.errorBody?.errorCode ?? ''})`);
        case 'conflicting':
            return describeConflict(response, earlier ?? {});
        case 'json-gateway':
            return (`a gateway or auth plugin (${describeJsonShape(response)})` + suffix);
        case 'html-page': {
            const title = response.pageTitle ? ` titled "${response.pageTitle}"` : '';
            return `an HTML page${title}${suffix}`;
        }
        case 'unknown':
            return `${describeUnknownBody(response)}${suffix}`;
    }
}
/**
 * Describes a body in none of the shapes {@link claimedResponder} recognises,
 * by its content type: JSON, plain text or another media type.
 */
function describeUnknownBody(response) {
    if (response.body === '')
        return 'an empty body';
    const mediaType = (response.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (/[/+]json$/i.test(mediaType) || isJson(response.body)) {
        return "JSON that is not MLflow's";
    }
    if (mediaType === '' || /^text\/plain$/i.test(mediaType)) {
        return "plain text that is not MLflow's";
    }
    return `a body of type ${mediaType} that is not MLflow's`;
}
function isJson(body) {
    try {
        JSON.parse(body);
        return /^[[{]/.test(body.trim());
    }
    catch {
        return false;
    }
}
/** Quotes both signals of a response whose body and headers disagree. */
function describeConflict(response, earlier) {
    const claimed = describeResponder(claimedResponder(response), response);
    return (`a response shaped like ${claimed} but with ` +
        `${foreignHeaders(response, earlier).join(', ')}, which the earlier ` +
        'MLflow JSON response of this server did not carry (it had ' +
        `${formatResponderHeaders(earlier)})`);
}
/** Formats headers as `Server: x, Via: y`, or states that there are none. */
function formatResponderHeaders(headers) {
    const named = [
        headers.server ? `Server: ${headers.server}` : '',
        headers.via ? `Via: ${headers.via}` : ''
    ].filter(Boolean);
    return named.length > 0 ? named.join(', ') : 'no Server or Via header';
}
function describeJsonShape(response) {
    const { errorBody } = response;
    switch (errorBody?.shape) {
        case 'nested':
            return errorBody.errorCode
                ? `nested JSON error with the code ${errorBody.errorCode}`
                : 'nested JSON error without a code';
        case 'detail':
            return 'JSON "detail" without error_code';
        default:
            return 'JSON without error_code';
    }
}
/** Whether the responder is part of MLflow. */
function isMlflowResponder(responder) {
    return responder.startsWith('mlflow');
}

;// CONCATENATED MODULE: ./src/preflight/evidence.ts


/** Collects the evidence of an HTTP failure for the diagnosis. */
function httpEvidence(error) {
    const { request, response } = error;
    const entries = [
        ['request', `${request.method} ${request.url}`],
        ['status', response.status],
        ['contentType', response.contentType],
        ['responder', describeErrorResponder(error)],
        ['earlierMlflowHeaders', earlierHeaders(error)],
        ['mlflowErrorCode', response.errorBody?.errorCode],
        ['wwwAuthenticate', response.wwwAuthenticate],
        ['server', response.server],
        ['via', response.via],
        ['location', response.location && stripQuery(response.location)],
        ['pageTitle', response.pageTitle],
        ['body', response.body === '' ? undefined : response.body],
        ...connectionEntries(request)
    ];
    return definedEntries(entries);
}
/**
 * Formats the headers of the last MLflow JSON response when this
 * response conflicts with them, for the evidence.
 */
function earlierHeaders(error) {
    const earlier = error.request.earlierMlflowHeaders;
    if (!earlier || identifyErrorResponder(error) !== 'conflicting') {
        return undefined;
    }
    return formatResponderHeaders(earlier);
}
/** Collects the evidence of a request that got no HTTP answer. */
function connectionEvidence(error) {
    const cause = error.cause instanceof Error ? error.cause.message : '';
    const peer = peerCertificate(error);
    return definedEntries([
        ['request', `${error.request.method} ${error.request.url}`],
        ['networkError', cause ? `${error.code}: ${cause}` : error.code],
        ['serverCertificate', peer && describePeer(peer)],
        ...connectionEntries(error.request)
    ]);
}
function connectionEntries(request) {
    const client = request.connection?.clientCertificate;
    return [
        ['proxy', request.connection?.proxy],
        [
            'clientCertificate',
            client && `${client.subject}, valid until ${client.validTo}`
        ]
    ];
}
function definedEntries(entries) {
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined && value !== ''));
}
/** Returns the server certificate that failed verification, if known. */
function peerCertificate(error) {
    let current = error.cause;
    for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
        if (current instanceof CertificateVerificationError)
            return current.peer;
        current = current.cause;
    }
    return undefined;
}
function describePeer(peer) {
    const names = peer.altNames.length > 0 ? peer.altNames.join(', ') : 'none';
    return (`subject ${peer.subject}; issuer ${peer.issuer}; names ${names}; ` +
        `valid until ${peer.validTo}`);
}
/** Removes the query from a redirect target, which may carry state. */
function stripQuery(location) {
    return location.replace(/[?#].*$/, '');
}

;// CONCATENATED MODULE: ./src/preflight/classify-proxy.ts



/**
 * The messages of undici 8.14 for a proxy's rejection: the status of a
 * failed CONNECT (https:// targets), or a 407 to a forwarded http://
 * request. Neither message includes the proxy's headers or page.
 */
const TUNNEL_STATUS = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/;
const FORWARD_407 = 'Proxy Authentication Required (407)';
/**
 * Classifies a rejection by the outbound proxy that undici turned into a
 * connection error, or returns undefined.
 */
function classifyProxyFailure(error, evidence) {
    const message = error.cause instanceof Error ? error.cause.message : '';
    const status = message.includes(FORWARD_407)
        ? 407
        : Number(TUNNEL_STATUS.exec(message)?.[1] ?? 0);
    if (status === 0)
        return undefined;
    const proxy = error.request.connection?.proxy ?? 'the outbound proxy';
    const host = new URL(error.request.url).host;
    if (status === 407)
        return proxyAuth(error.request, evidence);
    if (status === 403) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `The request was blocked by the outbound proxy ${proxy}: it ` +
            `answered HTTP 403 to the connection to ${host}. MLflow never saw ` +
            'the request, so this is not an MLflow permission problem.', `Ask the proxy's administrators to allow ${host}, or add the host to ` +
            'NO_PROXY if the runner can reach it directly.', evidence);
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('UNREACHABLE', `The outbound proxy ${proxy} could not connect to ${host}: it ` +
        `answered HTTP ${status}.`, 'Check that the proxy can reach the tracking server, or add the host ' +
        'to NO_PROXY if the runner can reach it directly.', evidence);
}
/** Builds the diagnosis of a 407 from the outbound proxy. */
function proxyAuth(request, evidence) {
    const proxy = request.connection?.proxy ?? 'the outbound proxy';
    const user = request.connection?.proxyUser;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('PROXY_AUTH', `The outbound proxy ${proxy} requires authentication (HTTP 407) for ` +
        `the connection to ${new URL(request.url).host}, and ` +
        (user
            ? `rejected the credentials of user '${user}' in the proxy URL.`
            : 'the proxy URL carries no credentials.'), 'Put the proxy credentials in the proxy URL of HTTPS_PROXY or ' +
        'HTTP_PROXY (http://user:password@host:port, from a secret), or add ' +
        'the tracking host to NO_PROXY if it should be reached directly.', evidence);
}
/**
 * Classifies a 403 page with a `Via` header on a request that went
 * through the outbound proxy, which marks a proxy's block page rather than
 * MLflow. Returns undefined for any other 403.
 */
function classifyProxyForbidden(error) {
    const { request, response } = error;
    const proxy = request.connection?.proxy;
    const responder = identifyErrorResponder(error);
    if (!proxy || !response.via || isMlflowResponder(responder))
        return undefined;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `The request was blocked by the outbound proxy ${proxy}: the 403 for ` +
        `${request.operation} is ${describeErrorResponder(error)}, ` +
        'a proxy page rather than MLflow, so it is not an MLflow permission ' +
        'problem.', `Ask the proxy's administrators to allow ${new URL(request.url).host}, ` +
        'or add the host to NO_PROXY if the runner can reach it directly.', httpEvidence(error));
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./src/preflight/classify-tls.ts




/** Node's codes for a certificate chain that does not verify. */
const UNTRUSTED_CODES = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_UNTRUSTED',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_SIGNATURE_FAILURE'
]);
/**
 * TLS alerts a server sends about the client's certificate, as OpenSSL
 * 3 names them in Node's error codes: none was sent (TLS 1.3's
 * `certificate_required`), or the one sent was rejected.
 */
const CLIENT_CERT_ALERTS = new RegExp('ALERT_(' +
    [
        'CERTIFICATE_REQUIRED',
        'BAD_CERTIFICATE',
        'UNKNOWN_CA',
        'CERTIFICATE_EXPIRED',
        'CERTIFICATE_REVOKED',
        'UNSUPPORTED_CERTIFICATE',
        'CERTIFICATE_UNKNOWN'
    ].join('|') +
    ')$');
const CA_CERT_FIX = 'Give the certificate of the CA that issued it in `ca-cert` (or ' +
    'MLFLOW_TRACKING_SERVER_CERT_PATH) as a PEM file; NODE_EXTRA_CA_CERTS ' +
    'works too. Do not turn verification off.';
/**
 * Classifies a TLS failure of a request that got no HTTP response, or
 * returns undefined for any other failure.
 */
function classifyTlsFailure(error, evidence) {
    const { code } = error;
    const url = new URL(error.request.url);
    const message = error.cause instanceof Error ? error.cause.message : '';
    const peer = peerCertificate(error);
    if (UNTRUSTED_CODES.has(code)) {
        return untrusted(error.request, code, peer, evidence);
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return wrongHostname(url, peer, message, evidence);
    }
    if (CLIENT_CERT_ALERTS.test(code) ||
        /alert certificate required/i.test(message)) {
        return clientCertAlert(error.request, alertName(code, message), evidence);
    }
    const closed = classifyClosedAfterHandshake(error, url, evidence);
    if (closed)
        return closed;
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
        /wrong version number|packet length too long/i.test(message) ||
        (code === 'EPROTO' && url.protocol === 'https:')) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_PROTOCOL', `The tracking URI says https://, but ${url.host} did not answer the ` +
            'TLS handshake: the port appears to speak plain HTTP.', `Use http://${url.host} if the server has no TLS, or the port where ` +
            'it (or the proxy in front of it) speaks TLS.', evidence);
    }
    return undefined;
}
function untrusted(request, code, peer, evidence) {
    const host = new URL(request.url).host;
    const subject = peer ? ` (subject ${peer.subject})` : '';
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
        const when = peer ? ` It is valid until ${peer.validTo}.` : '';
        return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_UNTRUSTED', `The certificate of ${host}${subject} is outside its validity ` +
            `period (${code}).${when}`, 'Renew the server certificate; if it is current, check the clock ' +
            'of the runner.', evidence);
    }
    const issuer = peer ? describeIssuer(peer) : 'a CA';
    const inBundle = request.connection?.customCa
        ? ' It does not chain to the CA certificates in `ca-cert`.'
        : '';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_UNTRUSTED', `The certificate of ${host}${subject} was issued by ${issuer}, which ` +
        `is not trusted (${code}).${inBundle}`, request.connection?.customCa
        ? `Point \`ca-cert\` at the certificate of ${issuer}, with any ` +
            'intermediate CA the server does not send.'
        : CA_CERT_FIX, evidence);
}
function describeIssuer(peer) {
    return peer.issuer === peer.subject
        ? `itself (a self-signed certificate, ${peer.issuer})`
        : peer.issuer;
}
function wrongHostname(url, peer, message, evidence) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const names = peer
        ? peer.altNames.length > 0
            ? `it names ${peer.altNames.join(', ')}`
            : `it has no subject alternative names, only the subject ${peer.subject}`
        : message;
    // Without the peer certificate, only Node's message lists the names.
    const wildcard = (peer ? peer.altNames.join(' ') : message).includes('*');
    const notes = [
        wildcard
            ? 'A wildcard name covers exactly one label: *.corp.test matches ' +
                'mlflow.corp.test, not mlflow.eu.corp.test or corp.test.'
            : '',
        (0,external_node_net_.isIP)(host) !== 0
            ? 'An IP address in the tracking URI matches only an IP Address ' +
                'entry of the certificate, never a DNS name.'
            : ''
    ].filter(Boolean);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_HOSTNAME', `The certificate presented by ${url.host} does not name that host ` +
        `(${host})${names ? `: ${names}` : ''}.` +
        notes.map(note => ` ${note}`).join(''), 'Use a host name the certificate lists in the tracking URI, or have ' +
        `the certificate reissued with ${host} among its names (an IP ` +
        'address needs an IP entry).', evidence);
}
function alertName(code, message) {
    const fromMessage = /alert ([a-z ]+?)(?::|$)/i.exec(message)?.[1];
    const fromCode = /ALERT_([A-Z_]+)$/.exec(code)?.[1];
    return (fromMessage ?? fromCode?.replace(/_/g, ' ') ?? code).toLowerCase();
}
function clientCertAlert(request, alert, evidence) {
    const host = new URL(request.url).host;
    const sent = request.connection?.clientCertificate;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_CLIENT_CERT', sent
        ? `${host} rejected the client certificate ${sent.subject} (valid ` +
            `until ${sent.validTo}) with the TLS alert "${alert}".`
        : `${host} ended the TLS handshake with the alert "${alert}": it ` +
            'requires a client certificate and none was sent.', sent ? REJECTED_CERT_FIX : MISSING_CERT_FIX, evidence);
}
/** Codes of a connection the server closed or reset. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Node's message for a connection closed during the TLS handshake. */
const CLOSED_IN_HANDSHAKE = /before secure TLS connection was established/i;
/**
 * Classifies an https connection that the server closed during the TLS
 * handshake, or right after it without sending a byte of HTTP, as a
 * client certificate problem when none was configured or the one sent
 * has expired. A TLS 1.3 server that rejects the client certificate
 * sends its alert after the client considers the handshake done, and
 * undici 8 then reports only `UND_ERR_SOCKET: other side closed`.
 *
 * The rule holds only at first contact, before any HTTP response came
 * from the origin. A server that responded once accepted the TLS client
 * as it is, so a later close is a restart, a killed worker or a dropped
 * connection, which stays an availability failure that is retried.
 * NOTE: without a client certificate, a server that closes the first
 * connection for another reason before any response byte looks the
 * same, and that failure is then not retried.
 */
function classifyClosedAfterHandshake(error, url, evidence) {
    if (url.protocol !== 'https:' || !CLOSED_CODES.has(error.code)) {
        return undefined;
    }
    if (error.request.originResponded === true)
        return undefined;
    if (!closedBeforeResponse(error))
        return undefined;
    const sent = error.request.connection?.clientCertificate;
    const expired = sent !== undefined && Date.parse(sent.validTo) < Date.now();
    if (sent !== undefined && !expired)
        return undefined;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_CLIENT_CERT', sent
        ? `${url.host} closed the connection right after the TLS handshake ` +
            `(${error.code}): it rejected the client certificate ` +
            `${sent.subject}, which expired on ${sent.validTo}.`
        : `${url.host} closed the connection during or right after the TLS ` +
            `handshake without a response (${error.code}). Servers that ` +
            'require a client certificate (mutual TLS) do this when none is ' +
            'sent, and none was configured.', sent
        ? 'Renew the client certificate and update `client-cert`.'
        : `${MISSING_CERT_FIX} If the server does not require client ` +
            'certificates, the connection was dropped: run the job again.', evidence);
}
/**
 * Checks whether the connection closed before any byte of the response:
 * Node's handshake message, or undici's socket facts with no bytes read.
 */
function closedBeforeResponse(error) {
    let current = error.cause;
    for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
        if (CLOSED_IN_HANDSHAKE.test(current.message))
            return true;
        const socket = current.socket;
        if (socket?.bytesRead === 0)
            return true;
        current = current.cause;
    }
    return false;
}
const MISSING_CERT_FIX = 'Set `client-cert` and `client-key` to the client certificate and key ' +
    'the server trusts (or one combined PEM in `client-cert` or ' +
    'MLFLOW_TRACKING_CLIENT_CERT_PATH), with `client-key-passphrase` for an ' +
    'encrypted key.';
const REJECTED_CERT_FIX = 'Use a client certificate issued by the CA the server trusts for ' +
    'clients, current and with the clientAuth key usage.';
/**
 * Classifies nginx's HTTP 400 page for a missing or rejected client
 * certificate (`ssl_verify_client on`): "No required SSL certificate was
 * sent" or "The SSL certificate error". nginx completes the handshake and
 * responds in HTTP, so the client sees no TLS alert.
 */
function classifyClientCertPage(error) {
    const { request, response } = error;
    const text = `${response.pageTitle ?? ''} ${response.body}`;
    if (!/ssl certificate|client certificate/i.test(text))
        return undefined;
    const responder = describeErrorResponder(error);
    const sent = request.connection?.clientCertificate;
    // nginx titles the page with the reason, such as "400 No required SSL
    // certificate was sent" or "400 The SSL certificate error".
    const title = response.pageTitle?.replace(/^\d{3}\s+/, '');
    const page = title ? ` "${title}"` : '';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('TLS_CLIENT_CERT', `HTTP ${response.status}${page} from ${responder}: ` +
        (sent
            ? `the server rejected the client certificate ${sent.subject} ` +
                `(valid until ${sent.validTo}).`
            : 'the server requires a client certificate (mutual TLS) and ' +
                'none was sent.'), sent ? REJECTED_CERT_FIX : MISSING_CERT_FIX, httpEvidence(error));
}

;// CONCATENATED MODULE: ./src/preflight/classify-connection.ts




const TIMEOUT_CODES = new Set([
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'ETIMEDOUT'
]);
/** Classifies a request that got no HTTP answer. */
function classifyConnectionError(error) {
    const evidence = connectionEvidence(error);
    const host = new URL(error.request.url).host;
    return (classifyProxyFailure(error, evidence) ??
        classifyTlsFailure(error, evidence) ??
        classifyNetworkFailure(error, host, evidence));
}
function classifyNetworkFailure(error, host, evidence) {
    const { code } = error;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        // ENOTFOUND is a definite "no such name": a typo or a private name
        // the runner cannot see, which no retry or bundle fixes. EAI_AGAIN
        // is a resolver that failed for now.
        return (0,diagnosis_diagnosis/* diagnose */.h4)(code === 'ENOTFOUND' ? 'CLIENT_CONFIG' : 'UNREACHABLE', `The host name in ${host} could not be resolved (${code}).`, 'Check the host name in the tracking URI, and that the runner can ' +
            'resolve it (a private DNS name needs a self-hosted runner).', evidence);
    }
    if (TIMEOUT_CODES.has(code)) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_UNAVAILABLE', `${host} accepted the connection but did not answer in time (${code}).`, 'The server may be overloaded or restarting; raise ' +
            '`request-timeout` if it is slow by nature.', evidence);
    }
    if (code === 'UND_ERR_INVALID_ARG') {
        // undici rejects a header value with a line break or another
        // character that HTTP forbids, so no retry or bundle can fix it.
        return (0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `A request to ${host} could not be sent: a header value, such as ` +
            'the token, the password or an extra header, holds a line break ' +
            `or another character that HTTP does not allow (${code}).`, 'Remove the line break or control character from the secret or the ' +
            'header value; a secret copied with its trailing newline is the ' +
            'usual cause.', evidence);
    }
    const proxy = error.request.connection?.proxy;
    if (proxy && (code === 'ECONNREFUSED' || code === 'UND_ERR_PRX_CONN')) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('UNREACHABLE', `The outbound proxy ${proxy} did not accept the connection for ` +
            `${host} (${code}).`, 'Check HTTPS_PROXY and HTTP_PROXY, or add the tracking host to ' +
            'NO_PROXY if the runner can reach it directly.', evidence);
    }
    if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('UNREACHABLE', `Nothing accepted a connection at ${host} (${code}).`, 'Check that the tracking server is running and that the host and ' +
            'port in the tracking URI are right.', evidence);
    }
    const client = error.request.connection?.clientCertificate;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_UNAVAILABLE', `The connection to ${host} failed before an answer arrived (${code}).`, 'The server or a proxy in between closed the connection; it may be ' +
        'restarting. Try again, and check its logs.' +
        (client
            ? ' If it fails the same way every time, the server may be ' +
                `rejecting the client certificate ${client.subject} without a ` +
                'TLS alert: check that it trusts the CA that issued it.'
            : ''), evidence);
}

;// CONCATENATED MODULE: ./src/http/database-contention.ts
/**
 * Database errors that mean contention, not a broken schema: SQLite's
 * "database is locked", MySQL's lock wait timeout and deadlock,
 * PostgreSQL's serialization failure, and SQLAlchemy's connection pool
 * running dry. They clear up once the load drops. MLflow 3.17.2 returns
 * the pool timeout ("QueuePool limit ... reached") as HTTP 400
 * BAD_REQUEST, because its session maker turns every SQLAlchemy error
 * other than OperationalError into that code. Only the message
 * distinguishes it from a rejected value. In the documented run of 64
 * concurrent registrations on SQLite, the server returned neither a pool
 * timeout nor a locked database.
 */
const DATABASE_CONTENTION = new RegExp([
    'database is locked',
    'lock wait timeout',
    'deadlock',
    'could not serialize',
    'queuepool limit'
].join('|'), 'i');
/** Tells whether an error message reports database contention. */
function isDatabaseContention(message) {
    return DATABASE_CONTENTION.test(message);
}

;// CONCATENATED MODULE: ./src/auth/provider.ts
/** Describes a credential in words, without the secret. */
function describeCredential(credential) {
    switch (credential.kind) {
        case 'none':
            return 'no credentials';
        case 'basic':
            return `Basic credentials for user '${credential.username}'`;
        case 'token':
            if (credential.label) {
                return `a ${credential.label} in the ${credential.header} header`;
            }
            return credential.scheme
                ? `a ${credential.scheme} token in ${credential.header}`
                : `a token in the ${credential.header} header`;
        case 'aws':
            return (`AWS SigV4 signatures (service ${credential.service}, region ` +
                `${credential.region})`);
        case 'oauth':
            return (`an OAuth access token for client '${credential.clientId}' ` +
                `from ${credential.provider}`);
    }
}

;// CONCATENATED MODULE: ./src/preflight/classify-iap.ts


/** The IAM role that lets a principal through Identity-Aware Proxy. */
const IAP_ROLE = 'roles/iap.httpsResourceAccessor';
const IAP_WORDS = /\bIAP\b|identity-aware proxy/i;
/** A Google service account, the principal of a CI job behind IAP. */
const SERVICE_ACCOUNT = /[\w.-]+@[\w-]+\.iam\.gserviceaccount\.com/;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const ROLE_NAME = /\broles\/[\w.]+/;
/**
 * Classifies a 403 from Google's Identity-Aware Proxy: its own header,
 * its name in the body, or a Google service account in a body that is
 * not MLflow's. Returns undefined for any other 403.
 */
function classifyIapForbidden(error) {
    const { request, response } = error;
    const text = `${response.pageTitle ?? ''} ${response.body}`;
    const isIap = response.iapGenerated !== undefined ||
        IAP_WORDS.test(text) ||
        SERVICE_ACCOUNT.test(text);
    if (!isIap)
        return undefined;
    const principal = SERVICE_ACCOUNT.exec(text)?.[0] ?? EMAIL.exec(text)?.[0];
    const role = ROLE_NAME.exec(text)?.[0] ?? IAP_ROLE;
    const who = principal ?? 'the principal of the ID token';
    const kind = principal && SERVICE_ACCOUNT.test(principal) ? 'serviceAccount' : 'user';
    const member = principal ? `${kind}:${principal}` : 'serviceAccount:<email>';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `Identity-Aware Proxy accepted the ID token but denied ` +
        `${request.operation} to ${who}: it lacks the IAP role ${role} on ` +
        'this resource. MLflow never saw the request.', `Grant ${who} the role ${role} (IAP-secured Web App User) on the ` +
        'backend service or the project, for example with `gcloud iap web ' +
        `add-iam-policy-binding --member=${member} --role=${role}\`.`, httpEvidence(error));
}

;// CONCATENATED MODULE: ./src/preflight/classify-gateway-auth.ts




/**
 * The realm of MLflow's basic-auth app. In MLflow 3.17.2, every 401
 * response of that app carries the fixed challenge `Basic realm="mlflow"`
 * (`make_basic_auth_response` in `mlflow/server/auth/__init__.py`).
 */
const MLFLOW_REALM = 'mlflow';
const BOTH_CREDENTIALS = ' If MLflow needs credentials of its own too, one Authorization ' +
    'header cannot carry both. Then have the proxy accept a service token ' +
    'in another header, sent with `extra-headers`, or let the API paths ' +
    'through to MLflow.';
/** The proxy's user list, as the fixes name it. */
const PROXY_USERS = "the proxy's users (for nginx `auth_basic`, its `auth_basic_user_file`)";
/**
 * Reads the realm of a Basic challenge: `undefined` when the challenge
 * is not Basic, and an empty string when it names no realm.
 */
function readBasicRealm(challenge) {
    if (!/^basic\b/i.test(challenge))
        return undefined;
    const match = /\brealm=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/i.exec(challenge);
    const realm = match?.[1]?.replace(/\\(.)/g, '$1') ?? match?.[2];
    return realm ?? '';
}
/**
 * Classifies a 401 that a proxy or gateway in front of MLflow sent for
 * its own credentials, or returns undefined. That is a Basic challenge
 * with a realm other than MLflow's, or Basic credentials rejected by a
 * responder that is not MLflow. Other 401s from a layer in front of
 * MLflow are worded by `classifyUnauthorized`.
 */
function classifyGatewayUnauthorized(error) {
    const challenge = error.response.wwwAuthenticate ?? '';
    const realm = readBasicRealm(challenge);
    if (realm !== undefined) {
        if (realm.toLowerCase() === MLFLOW_REALM)
            return undefined;
        return gatewayBasicChallenge(error, realm);
    }
    const responder = identifyErrorResponder(error);
    if (error.request.credential.kind === 'basic' &&
        !isMlflowResponder(responder)) {
        return gatewayRejectedBasic(error, error.request.credential.username);
    }
    return undefined;
}
/** Diagnoses a Basic challenge whose realm is not MLflow's. */
function gatewayBasicChallenge(error, realm) {
    const { request, response } = error;
    const credential = request.credential;
    const realmText = realm
        ? `, and its realm "${realm}" is not the realm "${MLFLOW_REALM}"`
        : `, without the realm "${MLFLOW_REALM}"`;
    const intro = 'A proxy or gateway in front of MLflow asked for its own Basic ' +
        `credentials for ${request.operation}. ` +
        `The 401 response was ${describeErrorResponder(error)}, with ` +
        `WWW-Authenticate: ${response.wwwAuthenticate ?? ''}${realmText} ` +
        "that MLflow's basic-auth app uses.";
    if (credential.kind === 'none') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_MISSING', `${intro} The action sent no credentials.`, 'Set `username` and `password` to a user and password from ' +
            `${PROXY_USERS}.${BOTH_CREDENTIALS}`, httpEvidence(error));
    }
    if (credential.kind === 'basic') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${intro} The proxy rejected the Basic credentials for user ` +
            `'${credential.username}', so MLflow did not check them.`, `Check \`username\` and \`password\` against ${PROXY_USERS}, not ` +
            `against MLflow's users.${BOTH_CREDENTIALS}`, httpEvidence(error));
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${intro} The action sent ${describeCredential(credential)}, which ` +
        'the proxy does not take, so MLflow did not see the request.', 'The proxy takes a user and password, not this credential. If MLflow ' +
        'behind it needs no credentials, set `auth-mode: basic` with the ' +
        `\`username\` and \`password\` of a user from ${PROXY_USERS}.` +
        BOTH_CREDENTIALS, httpEvidence(error));
}
/**
 * Diagnoses Basic credentials rejected by a responder that is not
 * MLflow and that did not send a Basic challenge. An auth plugin inside
 * MLflow can respond like that too, so the detail hedges with "most likely".
 */
function gatewayRejectedBasic(error, username) {
    const { request, response } = error;
    const challenge = response.wwwAuthenticate
        ? `, with WWW-Authenticate: ${response.wwwAuthenticate}`
        : ', without a WWW-Authenticate challenge';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `The 401 response to the Basic credentials for user '${username}' ` +
        `on ${request.operation} was ${describeErrorResponder(error)}` +
        `${challenge}. That is not one of MLflow's responses, so most ` +
        'likely a proxy, gateway or auth plugin in front of MLflow rejected ' +
        "the credentials, not MLflow's basic-auth app.", 'Find out which credentials that layer accepts, and send them. A ' +
        'service token in a header of its own goes in `extra-headers`. If ' +
        'the layer should accept these credentials, check its user list.', httpEvidence(error));
}

;// CONCATENATED MODULE: ./src/preflight/classify-auth.ts







/**
 * Classifies a 401: missing, wrong or wrong-kind credentials, for MLflow
 * or for a proxy or gateway in front of it.
 */
function classifyUnauthorized(error) {
    const gateway = classifyGatewayUnauthorized(error);
    if (gateway)
        return gateway;
    const { request, response } = error;
    const evidence = httpEvidence(error);
    const responder = identifyErrorResponder(error);
    const who = describeErrorResponderAtStart(error);
    const challenge = response.wwwAuthenticate ?? '';
    const credential = request.credential;
    const wantsBasic = /^basic\b/i.test(challenge);
    if (credential.kind === 'none') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_MISSING', `${who} requires authentication for ${request.operation}, and the ` +
            `action sent no credentials${challengeText(challenge)}.`, wantsBasic
            ? 'Set `username` and `password` (or MLFLOW_TRACKING_USERNAME and ' +
                'MLFLOW_TRACKING_PASSWORD).'
            : 'Set `token` (or MLFLOW_TRACKING_TOKEN), or the credentials ' +
                'this server expects.', evidence);
    }
    if ((credential.kind === 'token' || credential.kind === 'oauth') &&
        wantsBasic) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${who} asked for Basic credentials${challengeText(challenge)}, ` +
            `but the action sent ${describeCredential(credential)}. MLflow's ` +
            'basic-auth app accepts only a username and password.', 'Use `auth-mode: basic` with `username` and `password`.', evidence);
    }
    if (credential.kind === 'basic') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${who} rejected the Basic credentials for user ` +
            `'${credential.username}': the user does not exist or the ` +
            'password is wrong.', `Check the password of '${credential.username}', and that the user ` +
            'exists on this server. An admin can reset it.', evidence);
    }
    const invalidToken = /error="?invalid_token/i.test(challenge);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${who} rejected ${describeCredential(credential)}` +
        (invalidToken ? ' as invalid or expired' : '') +
        `${challengeText(challenge)}.`, isMlflowResponder(responder)
        ? 'Check that the token is current and issued for this server.'
        : 'The layer in front of MLflow did not accept the token: check ' +
            'its audience and that this layer is set up to accept it.', evidence);
}
/** Classifies a 403 by who sent it: MLflow's permission check or not. */
function classifyForbidden(error) {
    const { request } = error;
    const evidence = httpEvidence(error);
    const responder = identifyErrorResponder(error);
    if (responder === 'mlflow-host-check')
        return hostCheckRejected(error);
    if (responder === 'mlflow-cors') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', "MLflow's cross-origin check rejected the request because an " +
            'Origin header reached it; the action sends none, so a proxy ' +
            'added it.', 'Stop the proxy from adding an Origin header, or add the origin to ' +
            "the server's --cors-allowed-origins.", evidence);
    }
    // A 403 in MLflow's nested shape is a permission denial whatever its
    // code, because MLflow 3.17.2 maps only PERMISSION_DENIED to HTTP 403.
    if (responder === 'mlflow-auth' ||
        responder === 'mlflow-auth-plugin' ||
        responder === 'mlflow-nested' ||
        (responder === 'mlflow' && error.errorCode === 'PERMISSION_DENIED')) {
        return permissionDenied(error);
    }
    const proxyBlock = classifyProxyForbidden(error);
    if (proxyBlock)
        return proxyBlock;
    const iap = classifyIapForbidden(error);
    if (iap)
        return iap;
    if (responder === 'conflicting')
        return conflictingForbidden(error);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `A 403 for ${request.operation} came from ` +
        `${describeErrorResponder(error)}, not from MLflow, so it ` +
        'is not an MLflow permission problem.', 'Find the proxy, gateway or firewall in front of MLflow and check its ' +
        'rules for this path, method and credential.', evidence);
}
/**
 * Diagnoses a rejection by MLflow's host-header check. A proxy in front
 * of MLflow may rewrite Host (nginx sends the host of `proxy_pass`
 * unless `proxy_set_header Host` sets another value), so the Host the action
 * sent is the one to allow only when no proxy header shows.
 */
function hostCheckRejected(error) {
    const { request, response } = error;
    const allowedHosts = "the server's --allowed-hosts (or MLFLOW_SERVER_ALLOWED_HOSTS), " +
        'including the port if there is one';
    const proxy = proxyHeaders(response);
    if (proxy.length === 0) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', "MLflow's host-header check rejected the Host header " +
            `'${request.host}'. The credentials are not at fault.`, `Add '${request.host}' to ${allowedHosts}.`, httpEvidence(error));
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', "MLflow's host-header check rejected the Host header it received. " +
        `The action sent '${request.host}', but the response came through ` +
        `a proxy (${proxy.join(', ')}), and a proxy in front of MLflow may ` +
        'rewrite Host. The credentials are not at fault.', `Add the Host value that the proxy forwards to ${allowedHosts}. For ` +
        'nginx, that is its `proxy_set_header Host`, or the host and port ' +
        `of \`proxy_pass\` when it sets none. It is '${request.host}' only ` +
        'if the proxy passes Host through unchanged.', httpEvidence(error));
}
function permissionDenied(error) {
    const { request } = error;
    const target = request.resource ? ` on ${request.resource}` : '';
    if (request.credential.kind === 'none') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `MLflow denied permission to ${request.operation}${target} to a ` +
            'request without credentials.', 'Set the credentials of a user that has the permission this needs ' +
            '(`username` and `password`, or a token): EDIT on the registered ' +
            'model to create versions and set tags and aliases, EDIT on the ' +
            'experiment to create runs and upload artifacts.', httpEvidence(error));
    }
    const user = describeUser(request);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `MLflow authenticated ${user} but denied permission to ` +
        `${request.operation}${target}.`, `An admin or the owner must grant ${user} the permission this needs: ` +
        'EDIT on the registered model to create versions and set tags and ' +
        'aliases, EDIT on the experiment to create runs and upload artifacts.', httpEvidence(error));
}
/**
 * Classifies a 403 in one of MLflow's shapes that carries a `Server` or
 * `Via` header the earlier MLflow responses lacked. A proxy that stamps
 * every response would have stamped those too, so a proxy or gateway
 * that MLflow's responses do not pass through most likely sent it.
 */
function conflictingForbidden(error) {
    const { request, response } = error;
    const earlier = error.request.earlierMlflowHeaders ?? {};
    const claimed = describeResponder(claimedResponder(response), response);
    const foreign = foreignHeaders(response, earlier).join(', ');
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `The 403 for ${request.operation} reads like ${claimed}, but it ` +
        `carries ${foreign}, which the last MLflow JSON response of this ` +
        `server did not (${formatResponderHeaders(earlier)}). A proxy or ` +
        'gateway in front of MLflow most likely sent it, so it is not ' +
        'reported as an MLflow permission problem.', `Check the rules of the proxy or gateway that sends ${foreign} for ` +
        "this path, method and credential. If it only passed on MLflow's " +
        (request.credential.kind === 'none'
            ? 'refusal, set the credentials of a user (`username` and ' +
                '`password`, or a token) with EDIT on the registered model and ' +
                'the experiment.'
            : `refusal, grant ${describeUser(request)} EDIT on the registered ` +
                'model and the experiment.'), httpEvidence(error));
}
function describeUser(request) {
    return request.credential.kind === 'basic'
        ? `user '${request.credential.username}'`
        : describeCredential(request.credential);
}
function challengeText(challenge) {
    return challenge ? ` (WWW-Authenticate: ${challenge})` : '';
}

;// CONCATENATED MODULE: ./src/mlflow/unknown-user.ts

/**
 * The auth store's message when a credential authenticated as a user the
 * store has no record of. MLflow 3.17.2's basic-auth app returns it as a
 * 404 `RESOURCE_DOES_NOT_EXIST` on every call, once a custom
 * `authorization_function` maps a token to an unprovisioned username.
 */
const MLFLOW_UNKNOWN_USER = /User with username=(.+?) not found/;
/**
 * Wordings of auth plugins that provision users only at browser login:
 * "user ... not found" at the start of the message or of a clause after
 * a colon, or "unknown user" and "no user found" anywhere. The word must
 * stand alone, so that a model named `user-model` that is not found
 * never matches.
 */
const PLUGIN_UNKNOWN_USER = new RegExp(String.raw `(?:^|[:;]\s*)(?:the )?(?:user|principal|identity|subject)` +
    String.raw `(?![\w-])[^.]{0,80}\b(?:not found|not provisioned|` +
    String.raw `does not exist|is not registered|has no record)\b|` +
    String.raw `\b(?:unknown|no such) (?:user|principal)(?![\w-])|` +
    String.raw `\bno user (?:found|exists|record)\b`, 'i');
/** The name a plugin gives the missing user, as in `user 'ci-bot'`. */
const PLUGIN_USER_NAME = /\b(?:user|principal|subject|identity)(?:name)?\s*[:=]?\s*['"]([^'"]+)['"]/i;
/**
 * Returns the username the server could not find when a 403 or 404
 * states that the authenticated user has no record, else undefined. The
 * empty string means a plugin stated it without quoting the user's name.
 */
function unknownUser(error) {
    if (!(error instanceof HttpError))
        return undefined;
    const { status, errorBody, body } = error.response;
    if (status !== 403 && status !== 404)
        return undefined;
    const message = errorBody?.message ?? body;
    const named = MLFLOW_UNKNOWN_USER.exec(message)?.[1];
    if (named !== undefined)
        return named;
    if (!PLUGIN_UNKNOWN_USER.test(message))
        return undefined;
    return PLUGIN_USER_NAME.exec(message)?.[1] ?? '';
}

;// CONCATENATED MODULE: ./src/preflight/classify-identity.ts




/**
 * Classifies a credential the server accepted for an identity its auth
 * layer has no user for. Such a 404 is about the caller, never about the
 * object of the request, so it must not read as "model absent".
 */
function classifyUnknownUser(error) {
    const username = unknownUser(error);
    if (username === undefined)
        return undefined;
    const { request } = error;
    const who = username ? `user '${username}'` : 'the authenticated user';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_IDENTITY', `The server accepted ${describeCredential(request.credential)}, but ` +
        `its auth layer has no record of ${who}, so it refused ` +
        `${request.operation}. This does not clear up on a retry.`, `An admin must create ${who} on the server (for MLflow's basic-auth ` +
        'app: POST /api/2.0/mlflow/users/create) or map this token subject ' +
        'to an existing user, then grant it the permissions it needs. ' +
        'Machine identities are not provisioned by a browser login.', httpEvidence(error));
}

;// CONCATENATED MODULE: ./src/preflight/aws-error.ts
const IAM_ACTION = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/;
/**
 * The caller in IAM's denial message, which starts "User: <arn> is not
 * authorized to perform: <action> on resource: <arn>".
 */
const IAM_PRINCIPAL = /\b(arn:aws[a-z-]*:(?:sts|iam)::\d*:[^\s"]+)/;
const IAM_RESOURCE = /on resource:? "?(arn:[^\s"]+)"?/;
/**
 * Reads an AWS error from a response: the `x-amzn-ErrorType` header or
 * `__type` of the JSON protocols, or the `<Code>` of the XML ones.
 * Returns undefined for any other response.
 */
function readAwsError(response) {
    const json = readJson(response.body);
    const xmlCode = /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1];
    const rawType = response.amznErrorType ?? textOf(json?.__type) ?? xmlCode ?? undefined;
    if (!rawType)
        return undefined;
    // `__type` may carry a namespace (`com.amazon...#AccessDenied`) and the
    // header a suffix after a colon.
    const type = rawType.replace(/^.*#/, '').replace(/:.*$/, '');
    const message = textOf(json?.message) ??
        textOf(json?.Message) ??
        /<Message>([^<]*)<\/Message>/.exec(response.body)?.[1] ??
        '';
    const action = IAM_ACTION.exec(message)?.[1];
    const principal = IAM_PRINCIPAL.exec(message)?.[1];
    const resource = IAM_RESOURCE.exec(message)?.[1];
    const bucket = /<BucketName>([^<]+)<\/BucketName>/.exec(response.body)?.[1];
    const s3Xml = /^(?:<\?xml[^>]*>\s*)?<Error>/.test(response.body.trim()) &&
        /<HostId>|<BucketName>/.test(response.body);
    return {
        type,
        message,
        s3Xml,
        ...(action ? { action } : {}),
        ...(principal ? { principal } : {}),
        ...(resource ? { resource } : {}),
        ...(bucket ? { bucket } : {})
    };
}
function readJson(body) {
    try {
        const parsed = JSON.parse(body);
        return typeof parsed === 'object' && parsed !== null
            ? parsed
            : undefined;
    }
    catch {
        return undefined;
    }
}
function textOf(value) {
    return typeof value === 'string' ? value : undefined;
}

;// CONCATENATED MODULE: ./src/preflight/classify-aws.ts



const SIGNATURE_TYPES = new Set([
    'InvalidSignatureException',
    'SignatureDoesNotMatch'
]);
const UNKNOWN_KEY_TYPES = new Set([
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidAccessKeyId'
]);
const EXPIRED_TYPES = new Set([
    'ExpiredToken',
    'ExpiredTokenException',
    'RequestExpired'
]);
const DENIED_TYPES = new Set(['AccessDenied', 'AccessDeniedException']);
/**
 * Classifies an AWS authentication or authorization error, as SageMaker
 * managed MLflow sends them; returns undefined for any other failure.
 */
function classifyAwsError(error) {
    const { status } = error.response;
    if (status !== 400 && status !== 401 && status !== 403)
        return undefined;
    const aws = readAwsError(error.response);
    if (!aws)
        return undefined;
    if (DENIED_TYPES.has(aws.type) || aws.action)
        return iamDenied(error, aws);
    if (SIGNATURE_TYPES.has(aws.type)) {
        return rejected(error, aws, 'AWS rejected the SigV4 signature: the secret access key does not ' +
            'belong to the access key id, or the request was changed after ' +
            'it was signed.', 'Check that AWS_SECRET_ACCESS_KEY and AWS_ACCESS_KEY_ID come from ' +
            'the same credentials (aws-actions/configure-aws-credentials sets ' +
            'both), and that no proxy rewrites the request.');
    }
    if (UNKNOWN_KEY_TYPES.has(aws.type)) {
        return rejected(error, aws, 'AWS does not recognise the access key id or the session token.', 'Use credentials that are current: with temporary credentials, ' +
            'AWS_SESSION_TOKEN must come from the same session as the keys.');
    }
    if (EXPIRED_TYPES.has(aws.type)) {
        return rejected(error, aws, 'The AWS session token has expired, or the request was signed with ' +
            'a clock far from the real time.', 'Raise role-duration-seconds in aws-actions/configure-aws-credentials ' +
            "for long jobs, and check the runner's clock.");
    }
    return undefined;
}
function rejected(error, aws, detail, fix) {
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${detail} (${aws.type} on ${error.request.operation})`, fix, httpEvidence(error), 'AWS rejected the request signature');
}
function iamDenied(error, aws) {
    if (isS3Denial(error, aws))
        return s3Denied(error, aws);
    const { request } = error;
    const action = aws.action ?? 'the sagemaker-mlflow action for this call';
    const { caller, policyOwner } = describeCaller(aws.principal);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `AWS authenticated the signature but IAM denied ${request.operation}: ` +
        `${caller} is not allowed to perform ${action}.`, `Allow ${action} on the tracking server's ARN in the policy of ` +
        `${policyOwner}. A registration needs the sagemaker-mlflow actions ` +
        'listed in docs/authentication.md.', httpEvidence(error), 'AWS IAM denied permission for this operation');
}
/**
 * Checks whether an AccessDenied came from S3 rather than from the
 * SageMaker tracking server: an `s3:` action, S3's XML error shape, or
 * any AWS denial of an artifact upload, which stores into the bucket.
 */
function isS3Denial(error, aws) {
    if (aws.action !== undefined)
        return aws.action.startsWith('s3:');
    return aws.s3Xml || /\bartifact\b|storage/i.test(error.request.operation);
}
function s3Denied(error, aws) {
    const { request } = error;
    const isUpload = /upload/i.test(request.operation);
    const action = aws.action ?? (isUpload ? 's3:PutObject' : 'the S3 action for this call');
    const where = describeS3Target(error, aws);
    const { caller, policyOwner } = describeCaller(aws.principal);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_NON_MLFLOW', `The artifact store, S3, denied ${request.operation} at ${where}: ` +
        `${caller} is not allowed to perform ${action} (${aws.type}). This is ` +
        "a permission of the bucket, not of MLflow's registry.", `Allow ${action} on ${where} in the policy of ${policyOwner}, and ` +
        'check the bucket policy and any KMS key policy of the tracking ' +
        "server's artifact bucket.", httpEvidence(error), 'S3 denied access to the artifact store');
}
/** Names the bucket path of an S3 denial, as exactly as the error shows. */
function describeS3Target(error, aws) {
    if (aws.resource)
        return aws.resource;
    if (aws.bucket)
        return `bucket ${aws.bucket}`;
    const { resource, url } = error.request;
    return resource ?? url;
}
/**
 * Names the caller of an IAM denial and whose policy must change. The
 * role comes from `assumed-role/<role>/<session>` of STS or `role/<role>`
 * of IAM, and other principals are named by their ARN.
 */
function describeCaller(principal) {
    if (principal === undefined) {
        return {
            caller: 'the identity',
            policyOwner: 'the role the workflow assumes'
        };
    }
    const role = /:assumed-role\/([^/]+)\//.exec(principal)?.[1] ??
        /:role\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1];
    if (role === undefined)
        return { caller: principal, policyOwner: principal };
    return { caller: `role ${role} (${principal})`, policyOwner: `role ${role}` };
}

;// CONCATENATED MODULE: ./src/preflight/classify-hokusai.ts



/**
 * The `detail` texts of the Hokusai platform's gateway and API proxy
 * (Hokusai-protocol/hokusai-data-pipeline, commit f4c4c38): FastAPI-style
 * `{"detail": ...}` bodies, with an `error` code on some 403s.
 */
const HOKUSAI_TEXTS = {
    keyRequired: 'API key required',
    invalidKeys: ['Invalid API key', 'Invalid or expired API key'],
    adminRequired: 'REGISTRY_ADMIN_REQUIRED',
    forbidden: 'Insufficient permissions for this operation',
    authDown: 'Authentication service unavailable'
};
/** The admin scopes the Hokusai gateway accepts unless configured. */
const DEFAULT_ADMIN_SCOPES = 'admin, mlflow:admin, registry:admin or model-registry:admin';
/**
 * Classifies the Hokusai platform's refusals by their exact texts;
 * returns undefined for any other response.
 */
function classifyHokusaiError(error) {
    const body = error.response.errorBody;
    if (body?.shape !== 'detail')
        return undefined;
    const { status } = error.response;
    if (status === 403 && body.errorCode === HOKUSAI_TEXTS.adminRequired) {
        return adminRequired(error);
    }
    if (status === 403 && body.message === HOKUSAI_TEXTS.forbidden) {
        return writeScopeMissing(error);
    }
    if (status === 401 && body.message === HOKUSAI_TEXTS.keyRequired) {
        return keyMissing(error);
    }
    const invalid = HOKUSAI_TEXTS.invalidKeys;
    if (status === 401 && invalid.includes(body.message)) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', "Hokusai's auth service rejected the API key as invalid or " +
            `expired (${describeCredential(error.request.credential)}).`, 'Create a new API key on the Hokusai platform and store it as the ' +
            'secret that `token` or HOKUSAI_API_KEY reads.', httpEvidence(error), 'Hokusai rejected the API key');
    }
    if (status === 503 && body.message === HOKUSAI_TEXTS.authDown) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_UNAVAILABLE', "Hokusai's auth service could not be reached to check the API key.", 'Try again later; the platform sends Retry-After: 1 with this answer.', httpEvidence(error));
    }
    return undefined;
}
function adminRequired(error) {
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', "Hokusai accepted the API key, but the platform's MLflow registry is " +
        'open only to registry admins and this key belongs to a user who is ' +
        `not one, so ${error.request.operation} was denied ` +
        '(REGISTRY_ADMIN_REQUIRED).', 'Ask a Hokusai platform admin to make the user of this key a registry ' +
        'admin: the admin flag, an email on the registry admin list, or a ' +
        `scope such as ${DEFAULT_ADMIN_SCOPES} (the defaults). Without that, ` +
        "register through Hokusai's own `hokusai model register` command.", httpEvidence(error), 'Hokusai requires registry admin access');
}
function writeScopeMissing(error) {
    const required = /"required_scope":\s*"([^"]+)"/.exec(error.response.body)?.[1] ??
        'model:write or mlflow:write';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', 'Hokusai accepted the API key, but the key has no write scope for ' +
        `${error.request.operation}.`, `Ask for an API key with the ${required} scope.`, httpEvidence(error), 'Hokusai denied the write for this API key');
}
function keyMissing(error) {
    const { credential } = error.request;
    const sent = credential.kind !== 'none';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_MISSING', `Hokusai requires an API key for ${error.request.operation}, and ` +
        (sent
            ? 'none arrived although the action sent ' +
                `${describeCredential(credential)}.`
            : 'the action sent none.'), sent
        ? 'The gateway reads the key from Authorization (Bearer or ApiKey) or ' +
            'X-API-Key: leave `token-header` at its default, and check that ' +
            'no proxy in between drops the header.'
        : 'Set `token` (or HOKUSAI_API_KEY) to your Hokusai API key, which ' +
            'starts with hk_.', httpEvidence(error), 'Hokusai requires an API key');
}

;// CONCATENATED MODULE: ./src/preflight/classify-platform.ts


/**
 * Classifies the errors of a managed MLflow platform, whose gateways send
 * their own error shapes. Returns undefined when no platform's shape fits.
 */
function classifyPlatformError(error) {
    return classifyAwsError(error) ?? classifyHokusaiError(error);
}

;// CONCATENATED MODULE: ./src/register/byte-size.ts
/** Formats a byte count for logs, such as `1.5 MiB`. */
function formatBytes(bytes) {
    const units = ['bytes', 'KiB', 'MiB', 'GiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

;// CONCATENATED MODULE: ./src/preflight/classify-http.ts










const LOGIN_WORDS = /sign[ -]?in|log[ -]?in|authenticat|single sign-on|sso/i;
/**
 * MLflow's error message for a registry call on a server whose registry
 * store URI has a scheme with no registry store, such as `file:` before
 * MLflow 3.
 */
const NO_REGISTRY_TEXT = /model registry functionality is unavailable/i;
const SQL_TEXT = /sqlalchemy|psycopg|pymysql|sqlite3|data too long|value too long/i;
/** Classifies a request that got an HTTP answer it could not use. */
function classifyHttpError(error) {
    const { status } = error.response;
    const platform = classifyPlatformError(error);
    if (platform)
        return platform;
    const identity = classifyUnknownUser(error);
    if (identity)
        return identity;
    if (NO_REGISTRY_TEXT.test(error.response.errorBody?.message ?? '')) {
        return classifyMissingRegistry(error);
    }
    if (status >= 200 && status < 300)
        return classifyUnexpectedBody(error);
    if (status >= 300 && status < 400)
        return classifyRedirect(error);
    switch (status) {
        case 401:
            return classifyUnauthorized(error);
        case 403:
            return classifyForbidden(error);
        case 404:
        case 405:
            return classifyNotFound(error);
        case 407:
            return proxyAuth(error.request, httpEvidence(error));
        case 411:
            return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `${describeErrorResponderAtStart(error)} ` +
                `answered ${error.request.operation} with 411 Length Required, ` +
                'although the action sends Content-Length with every upload: ' +
                'an intermediary dropped the header or re-encoded the body.', 'Check the proxies between the runner and MLflow: they must pass ' +
                'Content-Length on PUT requests to the artifact proxy.', httpEvidence(error));
        case 413:
            return classifyTooLarge(error);
    }
    if (status >= 500 || status === 408 || status === 429) {
        return classifyServerError(error);
    }
    return classifyClientError(error);
}
function classifyTooLarge(error) {
    const { upload, operation } = error.request;
    const size = upload
        ? ` (${formatBytes(upload.bytes)}, ${upload.bytes} bytes)`
        : '';
    const body = upload?.file ? `the file ${upload.file}` : 'the body';
    const limit = upload ? ` to at least ${formatBytes(upload.bytes)}` : '';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('PAYLOAD_TOO_LARGE', `${describeErrorResponderAtStart(error)} rejected ${body}${size} of ` +
        `${operation} as too large.`, "Raise the body limit of the proxy in front of MLflow (nginx's " +
        `client_max_body_size)${limit}, or upload large models to the ` +
        'artifact store directly, which takes multipart uploads.', httpEvidence(error));
}
function classifyUnexpectedBody(error) {
    const { response } = error;
    const evidence = httpEvidence(error);
    const isLogin = identifyErrorResponder(error) === 'html-page' &&
        LOGIN_WORDS.test(`${response.pageTitle ?? ''} ${response.body}`);
    if (isLogin) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('PROXY_LOGIN', `${error.request.url} answered HTTP ${response.status} with an HTML ` +
            `login page${titleText(response.pageTitle)} instead of JSON: an ` +
            'access proxy intercepted the call and does not accept this ' +
            'credential for API use.', 'Configure the proxy to accept machine credentials (a service token ' +
            'or bearer token) on API paths, and send them.', evidence);
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('NOT_MLFLOW', `${error.request.url} answered HTTP ${response.status} with ` +
        `${describeErrorResponder(error)} instead of the JSON MLflow ` +
        `returns for ${error.request.operation}.`, 'Check that the tracking URI points at the MLflow server and not at ' +
        'another service, a load balancer page or a login portal.', evidence);
}
function classifyRedirect(error) {
    const { request, response } = error;
    const evidence = httpEvidence(error);
    if (!response.location) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('NOT_MLFLOW', `${request.url} answered HTTP ${response.status} without a Location.`, 'Check the tracking URI.', evidence);
    }
    const from = new URL(request.url);
    const to = new URL(response.location, from);
    if (to.protocol === 'https:' &&
        from.protocol === 'http:' &&
        to.hostname === from.hostname) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `The tracking URI uses http, but the server redirects to ${to.origin}. ` +
            'Credentials are not re-sent across a change of scheme.', `Set the tracking URI to start with ${to.origin}.`, evidence);
    }
    if (to.origin !== from.origin) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('PROXY_LOGIN', `${request.url} redirected to ${stripQuery(to.href)}: a login or ` +
            'access proxy in front of MLflow sent the call to another host, ' +
            'and the action does not follow it with credentials.', 'Configure the proxy to accept bearer tokens or service tokens on ' +
            'API paths instead of redirecting them to a login page.', evidence);
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `${request.url} redirected to ${stripQuery(to.href)} with HTTP ` +
        `${response.status}, which would change the request method.`, 'Set the tracking URI to the address the server redirects to.', evidence);
}
function classifyNotFound(error) {
    const { request, response } = error;
    if (error.errorCode === 'ENDPOINT_NOT_FOUND') {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `This MLflow server has no endpoint for ${request.operation}.`, 'Upgrade the server, or use a feature it supports.', httpEvidence(error));
    }
    if (error.errorCode) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('MLFLOW_ERROR', `MLflow answered ${request.operation} with ${error.errorCode}: ` +
            (response.errorBody?.message ?? ''), 'Check the names and ids in the inputs.', httpEvidence(error));
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('BASE_PATH', `${request.url} answered HTTP ${response.status} with ` +
        `${describeErrorResponder(error)}: the ` +
        'MLflow API is not at this path. The credentials were not checked.', 'Check the path of the tracking URI: a server started with ' +
        '--static-prefix, or mounted under a path by a proxy, needs that ' +
        'prefix in the URI (for example https://host/mlflow).', httpEvidence(error));
}
function classifyServerError(error) {
    const { request, response } = error;
    const evidence = httpEvidence(error);
    const message = response.errorBody?.message ?? response.body;
    if (isDatabaseContention(message)) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_UNAVAILABLE', `The server's database was busy (${message.slice(0, 80)}) on ` +
            `${request.operation}, through every retry.`, 'The database is under contention; try again later, or give the ' +
            'server a database that takes concurrent writes, such as ' +
            'PostgreSQL in place of SQLite.', evidence);
    }
    if (SQL_TEXT.test(message)) {
        // MySQL names the column ("Data too long for column 'description'");
        // PostgreSQL names only the type ("character varying(5000)").
        const column = /for column '([^']+)'/i.exec(message)?.[1];
        const field = column ? ` (column '${column}')` : '';
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `The server's database failed on ${request.operation}${field}; a ` +
            "column may be narrower than MLflow's own limit (a missing " +
            'migration).', 'Run `mlflow db upgrade` on the tracking database and check the ' +
            'server log.', { ...evidence, body: 'database error text (see debug log)' });
    }
    if (/--no-serve-artifacts|serve.artifacts/i.test(message)) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', 'The server does not proxy artifacts (--no-serve-artifacts), so ' +
            'a local model directory cannot be uploaded through it.', 'Start the server with --serve-artifacts, or register a `source` ' +
            'that is already in the artifact store.', evidence);
    }
    if (response.status === 501) {
        return (0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `The server does not implement ${request.operation}: ${message}`, 'Upgrade the server or use another way to register.', evidence);
    }
    return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_UNAVAILABLE', `${describeErrorResponderAtStart(error)} answered ` +
        `${request.operation} with HTTP ${response.status}` +
        `${error.errorCode ? ` ${error.errorCode}` : ''}.`, 'The server is overloaded, restarting or failing; check its logs. ' +
        'The action retried within its budget.', evidence);
}
function classifyClientError(error) {
    const { request, response } = error;
    const evidence = httpEvidence(error);
    const clientCert = classifyClientCertPage(error);
    if (clientCert)
        return clientCert;
    const text = `${response.pageTitle ?? ''} ${response.body}`;
    if (SQL_TEXT.test(text) || isDatabaseContention(text)) {
        return classifyServerError(error);
    }
    const reason = response.errorBody?.message ?? response.body;
    return (0,diagnosis_diagnosis/* diagnose */.h4)(error.errorCode ? 'CLIENT_CONFIG' : 'MLFLOW_ERROR', `MLflow rejected ${request.operation}` +
        `${request.resource ? ` on ${request.resource}` : ''}: ${reason}`, 'Correct the input the message names.', evidence);
}
function classifyMissingRegistry(error) {
    return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `The tracking server at ${new URL(error.request.url).origin} is ` +
        `reachable but has no model registry: it answered ` +
        `${error.request.operation} with HTTP ${error.response.status} ` +
        "saying its registry store URI has a scheme that MLflow's registry " +
        'does not support. The credentials are not at fault.', 'Start the server with a database-backed registry store, for example ' +
        '--backend-store-uri (or --registry-store-uri) ' +
        'sqlite:///mlflow.db or a PostgreSQL or MySQL URI.', httpEvidence(error));
}
/**
 * Tells whether a registry read failed with a bare HTTP 500: no MLflow
 * error code and no database text that names another cause. MLflow
 * 3.17.2 returns this (Flask's HTML error page) when its registry
 * store cannot be read, while its tracking API still works. A 502, 503
 * or 504 is left out, because a gateway returns those for an upstream
 * that is slow or restarting, which clears up.
 */
function isBareServerError(error) {
    const { response } = error;
    if (response.status !== 500 || error.errorCode)
        return false;
    const text = `${response.errorBody?.message ?? ''} ${response.body}`;
    return !isDatabaseContention(text) && !SQL_TEXT.test(text);
}
/**
 * Diagnoses a registry read that failed with a bare HTTP 500, both
 * before and after a tracking call to the same server succeeded: the
 * server runs, but its model registry does not.
 */
function classifyBrokenRegistry(error, trackingOperation) {
    const { request, response } = error;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `The tracking server at ${new URL(request.url).origin} is reachable ` +
        `and answered ${trackingOperation}, but its model registry failed: ` +
        `${describeErrorResponder(error)} answered ${request.operation} ` +
        `with HTTP ${response.status} through every retry, and again on one more ` +
        `read after ${trackingOperation} succeeded. The server has no ` +
        'working model registry, so waiting or re-running will not help. ' +
        'The credentials are not at fault.', "Check the server's log for the registry store error. The registry " +
        'needs a database-backed store that the server can open and that ' +
        'is migrated (--registry-store-uri, else --backend-store-uri, with ' +
        'a SQLite, PostgreSQL or MySQL URI; then `mlflow db upgrade`).', httpEvidence(error));
}
function titleText(title) {
    return title ? ` titled "${title}"` : '';
}

;// CONCATENATED MODULE: ./src/preflight/classify.ts




/**
 * Turns any failure into one diagnosis: what went wrong, who answered,
 * the evidence and the fix.
 */
function classifyFailure(error) {
    if (error instanceof diagnosis_diagnosis/* DiagnosedError */.xB)
        return error.diagnosis;
    if (error instanceof HttpError)
        return classifyHttpError(error);
    if (error instanceof ConnectionError)
        return classifyConnectionError(error);
    const message = error instanceof Error ? error.message : String(error);
    return (0,diagnosis_diagnosis/* diagnose */.h4)('MLFLOW_ERROR', `An unexpected error stopped the action: ${message}`, 'Run again with step debug logging on (ACTIONS_STEP_DEBUG) and report ' +
        'the log if it persists.');
}
/** Wraps a failure in a {@link DiagnosedError}, keeping the cause. */
function toDiagnosedError(error) {
    if (error instanceof DiagnosedError)
        return error;
    return new DiagnosedError(classifyFailure(error), { cause: error });
}

;// CONCATENATED MODULE: ./src/http/retry.ts




/**
 * Builds the default policy around an attempt count: a 0.5 s first wait,
 * doubling up to 15 s, `Retry-After` honoured up to 60 s, and 120 s of
 * retries per request in all, unless `limits` sets other values.
 */
function defaultRetryPolicy(maxAttempts, limits = {}) {
    return {
        maxAttempts,
        baseDelayMs: limits.baseDelayMs ?? 500,
        maxDelayMs: 15_000,
        maxRetryAfterMs: 60_000,
        budgetMs: limits.budgetMs ?? 120_000,
        sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
        random: Math.random,
        now: Date.now
    };
}
/** Statuses that mean "not now" rather than "no". */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** MLflow error codes that a 5xx may carry and that do not clear up. */
const PERMANENT_ERROR_CODES = new Set([
    'BAD_REQUEST',
    'INVALID_PARAMETER_VALUE',
    'INVALID_STATE',
    'DATA_LOSS',
    'NOT_IMPLEMENTED'
]);
/** Connection error codes that mean the server may come back. */
const TRANSIENT_CONNECTION_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED'
]);
/**
 * Whether a failure may clear up on its own. The status or connection
 * error must be one that can pass, and the classifier must file the
 * failure under availability: a 5xx that carries database schema text or
 * names a server setting is a configuration problem and is not retried.
 * Authentication, permission, TLS and validation failures never pass.
 */
function isTransient(error) {
    return (mayClearUp(error) && codes/* AVAILABILITY_CODES */.J.has(classifyFailure(error).code));
}
function mayClearUp(error) {
    if (error instanceof ConnectionError) {
        return TRANSIENT_CONNECTION_CODES.has(error.code);
    }
    if (!(error instanceof HttpError))
        return false;
    const { status, errorBody, body } = error.response;
    if (isDatabaseContention(errorBody?.message ?? body))
        return true;
    if (!TRANSIENT_STATUSES.has(status))
        return false;
    const code = errorBody?.errorCode;
    return code === undefined || !PERMANENT_ERROR_CODES.has(code);
}
/** The backoff before retry number `retry` (1-based), with full jitter. */
function backoffDelay(policy, retry) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    return Math.round(policy.random() * ceiling);
}
/**
 * Reads `Retry-After` in either form (RFC 9110): delay-seconds or an
 * HTTP date. Returns the wait in milliseconds, or undefined.
 */
function parseRetryAfter(value, now) {
    if (value === undefined)
        return undefined;
    const trimmed = value.trim();
    // Fractional seconds are not in RFC 9110, but some servers send them.
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        return Math.round(Number(trimmed) * 1000);
    }
    // An HTTP date names a day or month. Without this check, Date.parse in
    // V8 reads values such as "-1" as dates in 2001, so the retry would not
    // wait at all.
    if (!/[a-z]/i.test(trimmed))
        return undefined;
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** The wait before the next attempt: `Retry-After` if given, else backoff. */
function retryDelay(policy, retry, error) {
    const retryAfter = error instanceof HttpError
        ? parseRetryAfter(error.response.retryAfter, policy.now())
        : undefined;
    if (retryAfter === undefined)
        return backoffDelay(policy, retry);
    return Math.min(retryAfter, policy.maxRetryAfterMs);
}

;// CONCATENATED MODULE: ./src/http/url.ts
/**
 * Joins an API path to the tracking URI without losing its base path.
 * `new URL('/api/...', base)` would drop a prefix such as `/mlflow`, and
 * naive concatenation can produce `//`.
 */
function joinUrl(base, path, query = {}) {
    const url = new URL(base.href);
    const basePath = url.pathname.replace(/\/+$/, '');
    const relative = path.replace(/^\/+/, '');
    url.pathname = `${basePath}/${relative}`;
    for (const [key, value] of Object.entries(query)) {
        if (value === undefined)
            continue;
        const values = Array.isArray(value) ? value : [String(value)];
        for (const item of values)
            url.searchParams.append(key, String(item));
    }
    // URLSearchParams writes a space as `+`, which servers read either as a
    // space or as a plus, so a SigV4 signature over it is ambiguous. Spaces
    // are sent as `%20`, as the sagemaker-mlflow plugin sends them. A
    // literal `+` is already `%2B` here, so every `+` left is a space.
    url.search = url.search.replace(/\+/g, '%20');
    return url;
}
/** Shows a URL without user info, query or fragment, safe for logs. */
function describeUrl(url) {
    // The fast path reads an http(s) URL's parts instead of parsing a copy,
    // because a debug line describes every request of an upload.
    if (url instanceof URL && /^https?:$/.test(url.protocol)) {
        return `${url.protocol}//${url.host}${url.pathname}`;
    }
    const copy = new URL(String(url));
    copy.username = '';
    copy.password = '';
    copy.search = '';
    copy.hash = '';
    return copy.href;
}
/** Whether a host name is a loopback address. */
function isLoopbackHost(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '');
    return (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host));
}
/**
 * Percent-encodes a URL component as RFC 3986 requires: every character
 * but A-Z, a-z, 0-9, `-`, `_`, `.` and `~`. Unlike `encodeURIComponent`,
 * it also encodes `!'()*`.
 */
function encodeComponentStrict(component) {
    return encodeURIComponent(component).replace(/[!'()*]/g, char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

;// CONCATENATED MODULE: ./src/http/transport.ts






/**
 * The paths of MLflow's model registry API, as MLflow's clients send them
 * to the registry URI rather than the tracking URI.
 */
const REGISTRY_PATHS = [
    'api/2.0/mlflow/registered-models/',
    'api/2.0/mlflow/model-versions/',
    'api/2.0/mlflow/unity-catalog/'
];
const MAX_REDIRECTS = 3;
/**
 * The HTTP client for the MLflow REST API: credentials only for the
 * tracking server's origin, explicit timeouts, retries of idempotent
 * requests when the server is unavailable, and redirects followed only
 * within the same origin and without changing the method.
 */
class HttpClient {
    options;
    /** Shared with the clients {@link withRetryDeadline} derives. */
    #history = {
        sent: 0,
        mlflowHeaders: undefined,
        respondedOrigins: new Set()
    };
    /** The time on the retry clock after which no retry starts. */
    #retryDeadline = Infinity;
    /** How many HTTP requests were sent, retries and the registry included. */
    get requestCount() {
        return this.#history.sent + (this.options.registry?.requestCount ?? 0);
    }
    constructor(options) {
        this.options = options;
    }
    /**
     * Creates a client for the same servers whose retries never start after
     * `deadline`, a time on the retry policy's clock. A caller with a time
     * budget of its own bounds the retries of its requests with it. Requests
     * the derived client sends count in this client's {@link requestCount},
     * and the responses of either client are earlier responses to the other
     * in the facts of a failed request.
     */
    withRetryDeadline(deadline) {
        const registry = this.options.registry?.withRetryDeadline(deadline);
        const client = this.derive({
            ...this.options,
            ...(registry ? { registry } : {})
        });
        client.#history = this.#history;
        client.#retryDeadline = Math.min(deadline, this.#retryDeadline);
        return client;
    }
    /** Creates the client that {@link withRetryDeadline} returns. */
    derive(options) {
        return new HttpClient(options);
    }
    /** Returns the client that serves a request's path. */
    route(request) {
        const { registry } = this.options;
        const path = request.path.replace(/^\/+/, '');
        if (request.trackingServer === true || !registry)
            return this;
        if (REGISTRY_PATHS.some(prefix => path.startsWith(prefix))) {
            return registry;
        }
        return this;
    }
    /** Sends a request, retrying when it is idempotent and transient. */
    async send(request) {
        const target = this.route(request);
        if (target !== this)
            return target.send(request);
        const { retry, log } = this.options;
        const started = retry.now();
        for (let attempt = 1;; attempt++) {
            try {
                return await this.sendOnce(request);
            }
            catch (error) {
                if (!(error instanceof HttpError || error instanceof ConnectionError)) {
                    throw error;
                }
                const delay = retryDelay(retry, attempt, error);
                const now = retry.now();
                if (request.signal?.aborted === true ||
                    request.speculative === true ||
                    !request.idempotent ||
                    !isTransient(error) ||
                    attempt >= retry.maxAttempts ||
                    now - started + delay > retry.budgetMs ||
                    now + delay > this.#retryDeadline) {
                    throw error;
                }
                log.info(`Retrying ${request.operation} (attempt ${attempt + 1} of ` +
                    `${retry.maxAttempts}) in ${(delay / 1000).toFixed(1)} s: ` +
                    failureSummary(error));
                await retry.sleep(delay);
            }
        }
    }
    /** Sends a request and validates its JSON answer with a zod schema. */
    async json(request, schema) {
        const target = this.route(request);
        if (target !== this)
            return target.json(request, schema);
        const response = await this.send(request);
        // The request's facts are built only for an error, because building
        // them for each of 2,000 uploaded files cost about 20 ms of CPU.
        const failure = (problem) => new HttpError(this.describe(request, joinUrl(this.options.baseUrl, this.apiPath(request.path))), readResponseFacts(response.status, response.headers, response.text), problem);
        let parsed;
        try {
            parsed = response.text.trim() === '' ? {} : JSON.parse(response.text);
        }
        catch {
            throw failure(`returned HTTP ${response.status} with a body that is not JSON`);
        }
        const result = schema.safeParse(parsed);
        if (result.success)
            return result.data;
        throw failure(`returned JSON of an unexpected shape: ${result.error.message}`);
    }
    /** Checks whether registry calls of this client go to Unity Catalog. */
    get isUnityCatalog() {
        const registry = this.route({ path: REGISTRY_PATHS[1] });
        return registry.options.unityCatalog === true;
    }
    apiPath(path) {
        const relative = path.replace(/^\/+/, '');
        if (!this.options.unityCatalog)
            return relative;
        const mlflow = 'api/2.0/mlflow/';
        const mirrored = REGISTRY_PATHS.slice(0, 2);
        if (!mirrored.some(prefix => relative.startsWith(prefix)))
            return relative;
        return `${mlflow}unity-catalog/${relative.slice(mlflow.length)}`;
    }
    async sendOnce(request) {
        let url = joinUrl(this.options.baseUrl, this.apiPath(request.path), request.query);
        for (let redirects = 0;; redirects++) {
            const response = await this.dispatchWithRefresh(request, url);
            const location = response.headers.location;
            if (request.acceptStatus?.includes(response.status))
                return response;
            const isRedirect = response.status >= 300 && response.status < 400;
            if (!isRedirect)
                return this.check(request, url, response);
            const target = typeof location === 'string' ? new URL(location, url) : undefined;
            const followable = target !== undefined &&
                (response.status === 307 || response.status === 308) &&
                target.origin === this.options.baseUrl.origin &&
                redirects < MAX_REDIRECTS;
            if (!followable)
                return this.check(request, url, response);
            this.options.log.debug(`Following HTTP ${response.status} to ${describeUrl(target)}`);
            url = target;
        }
    }
    /**
     * Sends a request, and once more with a new token when the server
     * rejects the token as expired or invalid.
     *
     * This holds for creates too, which are otherwise never re-sent here. A
     * 401 whose Bearer challenge carries `invalid_token` (RFC 6750, section 3)
     * comes from the layer that authenticates the request, and that layer
     * runs before the handler. MLflow's auth app checks credentials in a
     * before-request hook, and an access proxy checks them before it
     * forwards. So the server did not act on the request, and sending it
     * again cannot create a second version. Any other 401 proves nothing
     * about the handler and is not re-sent. Only one refresh is made per
     * request, so a server that rejects every token ends the run.
     */
    async dispatchWithRefresh(request, url) {
        const { auth, log } = this.options;
        const sent = {};
        const response = await this.dispatch(request, url, sent);
        if (response.status !== 401 ||
            request.speculative === true ||
            auth.refresh === undefined ||
            !('authorization' in sent) ||
            !isInvalidTokenChallenge(response.headers['www-authenticate'])) {
            return response;
        }
        log.info(`The server rejected the access token as invalid or expired ` +
            `(HTTP 401) for ${request.operation}; requesting a new token and ` +
            'sending the request once more');
        await auth.refresh(sent.authorization);
        return this.dispatch(request, url, {});
    }
    async dispatch(request, url, sent) {
        const headers = {
            'user-agent': this.options.userAgent,
            accept: 'application/json'
        };
        for (const [name, value] of Object.entries(request.headers ?? {})) {
            headers[name.toLowerCase()] = value;
        }
        const body = this.bodyHeaders(request, headers);
        // Extra headers carry secrets, like credentials, so they go only to
        // the tracking server's origin. They are set before the auth provider
        // runs, so a SigV4 signature covers them.
        if (url.origin === this.options.baseUrl.origin) {
            for (const { name, value } of this.options.extraHeaders ?? []) {
                headers[name.toLowerCase()] = value;
            }
            await this.options.auth.authorize(headers, {
                method: request.method,
                url,
                body: request.body ?? body
            });
            if (headers.authorization)
                sent.authorization = headers.authorization;
        }
        // A stream body opens only now, so a failed authorization leaves no
        // file or download open.
        const payload = request.body ? request.body.open() : body;
        const started = Date.now();
        this.#history.sent++;
        try {
            const response = await undici_request(url, {
                method: request.method,
                headers,
                body: payload ?? null,
                dispatcher: this.options.dispatcher,
                signal: request.signal ?? null,
                headersTimeout: this.options.timeoutMs,
                bodyTimeout: this.options.timeoutMs
            });
            if (request.speculative !== true) {
                this.#history.respondedOrigins.add(url.origin);
            }
            const ok = response.statusCode >= 200 && response.statusCode < 300;
            let text = '';
            if (ok && request.sink)
                await request.sink(response.body);
            else
                text = await response.body.text();
            this.options.log.debug(`${request.method} ${describeUrl(url)} -> HTTP ` +
                `${response.statusCode} in ${Date.now() - started} ms`);
            return { status: response.statusCode, headers: response.headers, text };
        }
        catch (error) {
            // A body or sink that stops the request with its own diagnosis,
            // such as a file changed since it was hashed, is no network fault.
            if (error instanceof diagnosis_diagnosis/* DiagnosedError */.xB)
                throw error;
            throw new ConnectionError(this.describe(request, url), errorCode(error), {
                cause: error
            });
        }
    }
    /**
     * Sets the body's content headers, and returns a JSON body's text; a
     * stream body is opened by the caller once the request is authorized.
     */
    bodyHeaders(request, headers) {
        if (request.json !== undefined) {
            headers['content-type'] = 'application/json';
            return JSON.stringify(request.json);
        }
        if (request.body) {
            headers['content-type'] = request.body.contentType;
            headers['content-length'] = String(request.body.length);
        }
        return undefined;
    }
    check(request, url, response) {
        if (response.status >= 200 && response.status < 300) {
            this.rememberMlflowHeaders(request, url, response);
            return response;
        }
        // The request facts are read before this response's headers are
        // stored, so a response is compared with earlier ones, not itself.
        const error = new HttpError(this.describe(request, url), readResponseFacts(response.status, response.headers, response.text), `returned HTTP ${response.status}`);
        this.rememberMlflowHeaders(request, url, response);
        throw error;
    }
    /**
     * Stores the `Server` and `Via` headers of a tracking server response
     * in MLflow's JSON shape: a JSON object on success, or a body with
     * `error_code` on failure. A speculative request's response is not
     * stored.
     */
    rememberMlflowHeaders(request, url, response) {
        if (request.speculative === true)
            return;
        if (url.origin !== this.options.baseUrl.origin)
            return;
        const ok = response.status >= 200 && response.status < 300;
        const isMlflow = ok
            ? /\bjson\b/i.test(headerText(response.headers['content-type'])) &&
                response.text.trimStart().startsWith('{')
            : parseErrorBody(response.text)?.shape === 'mlflow';
        if (!isMlflow)
            return;
        const server = headerText(response.headers.server);
        const via = headerText(response.headers.via);
        this.#history.mlflowHeaders = {
            ...(server ? { server } : {}),
            ...(via ? { via } : {})
        };
    }
    describe(request, url) {
        const { mlflowHeaders, respondedOrigins } = this.#history;
        return {
            method: request.method,
            url: describeUrl(url),
            operation: request.operation,
            ...(request.resource ? { resource: request.resource } : {}),
            credential: this.options.auth.credential,
            host: url.host,
            ...(this.options.connection
                ? { connection: this.options.connection }
                : {}),
            ...(request.body
                ? {
                    upload: {
                        bytes: request.body.length,
                        ...(request.file ? { file: request.file } : {})
                    }
                }
                : {}),
            ...(mlflowHeaders ? { earlierMlflowHeaders: mlflowHeaders } : {}),
            ...(respondedOrigins.has(url.origin) ? { originResponded: true } : {})
        };
    }
}
function headerText(value) {
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
/** Checks whether `WWW-Authenticate` is a Bearer `invalid_token`. */
function isInvalidTokenChallenge(header) {
    const values = Array.isArray(header) ? header : [header ?? ''];
    return values.some(value => /\bbearer\b[^]*\berror\s*=\s*"?invalid_token\b/i.test(value));
}
/** Reads the most specific error code from an undici or Node.js error. */
function errorCode(error) {
    let current = error;
    for (let depth = 0; depth < 4 && current; depth++) {
        const code = current.code;
        if (typeof code === 'string' && code !== 'UND_ERR')
            return code;
        current = current.cause;
    }
    return 'UNKNOWN';
}
function failureSummary(error) {
    if (error instanceof ConnectionError)
        return error.code;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    return `HTTP ${error.response.status}${code}`;
}

;// CONCATENATED MODULE: ./src/auth/token-errors.ts




/** Fixes for each OAuth error code (RFC 6749, 5.2; RFC 8707). */
const FIXES = {
    invalid_client: 'Check `client-id` and `client-secret`, and set `client-auth` to the ' +
        'method the client is registered for: basic (HTTP Basic header) or ' +
        'post (form body).',
    invalid_scope: 'Check `scope`: request only scopes this client is allowed to have.',
    invalid_target: 'Check `resource`: the provider does not know it, or this client may ' +
        'not request tokens for it.',
    unauthorized_client: 'Allow the client credentials grant for this client at the provider.',
    unsupported_grant_type: 'Enable the client credentials grant at the provider.',
    invalid_request: 'Check `scope`, `audience` and `resource` against what the provider ' +
        'accepts.'
};
const DEFAULT_FIX = "Check the client's registration at the provider, and `token-endpoint` " +
    'or `oauth-issuer`.';
const NETWORK_FIX = 'Check that `token-endpoint` or `oauth-issuer` names the provider, and ' +
    'that the provider is reachable from the runner.';
const NOT_OAUTH_FIX = 'Check that `token-endpoint` is the token endpoint itself (or ' +
    '`oauth-issuer` the issuer), not a login page or another API; a 5xx ' +
    'status means the provider failed.';
/**
 * Turns a failed token or metadata request into an AUTH_REFRESH
 * diagnosis that names the endpoint's host and the OAuth error code.
 * Error descriptions are quoted, because providers put the reason there.
 */
function tokenRequestError(error, facts) {
    if (error instanceof diagnosis_diagnosis/* DiagnosedError */.xB)
        return error;
    const failure = describeFailure(error, facts);
    const action = facts.discovery
        ? `Reading the OAuth issuer metadata from ${facts.endpoint.host}`
        : `The token request for client '${facts.clientId}' to ` +
            facts.endpoint.host;
    const code = failure.oauthError ? ` with ${failure.oauthError}` : '';
    const evidence = {
        request: `${facts.discovery ? 'GET' : 'POST'} ` + describeUrl(facts.endpoint),
        ...(failure.status === undefined ? {} : { status: failure.status }),
        ...(failure.oauthError ? { oauthError: failure.oauthError } : {}),
        ...(failure.networkError ? { networkError: failure.networkError } : {})
    };
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REFRESH', `${action} failed${code}: ${failure.reason}.`, chooseFix(failure), evidence), { cause: error });
}
/** Refuses a token the transport cannot send as a Bearer token. */
function unusableTokenError(endpoint, clientId, tokenType) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REFRESH', `${endpoint.host} issued a token of type '${tokenType}' for client ` +
        `'${clientId}', but only Bearer tokens are supported.`, 'Configure the client at the provider to issue Bearer access tokens ' +
        '(no DPoP binding).', { request: `POST ${describeUrl(endpoint)}` }));
}
function chooseFix(failure) {
    const known = failure.oauthError ? FIXES[failure.oauthError] : undefined;
    if (known)
        return known;
    if (failure.networkError)
        return NETWORK_FIX;
    if (failure.notOAuth)
        return NOT_OAUTH_FIX;
    return DEFAULT_FIX;
}
function describeFailure(error, facts) {
    if (error instanceof build/* ResponseBodyError */.uK) {
        return {
            reason: withDescription(`HTTP ${error.status}`, error.error_description),
            status: error.status,
            oauthError: error.error
        };
    }
    if (error instanceof build/* WWWAuthenticateChallengeError */.m4) {
        const parameters = error.cause[0]?.parameters;
        return {
            reason: withDescription(`HTTP ${error.status}`, parameters?.error_description),
            status: error.status,
            ...(parameters?.error ? { oauthError: parameters.error } : {})
        };
    }
    // Names, not instanceof: fetch may raise these from another realm.
    const name = error?.name;
    if (name === 'TimeoutError') {
        return {
            reason: `no answer within ${facts.timeoutMs / 1000} s`,
            networkError: 'timeout'
        };
    }
    if (name === 'TypeError') {
        const code = errorCode(error);
        return { reason: `the request failed (${code})`, networkError: code };
    }
    return describeUnusableResponse(error);
}
/**
 * Describes a response that oauth4webapi rejected as not conforming,
 * with its status and content type when the error carries the response.
 */
function describeUnusableResponse(error) {
    const cause = error?.cause;
    const status = cause?.status;
    if (typeof cause === 'object' &&
        cause !== null &&
        typeof status === 'number') {
        const headers = cause.headers;
        const type = typeof headers?.get === 'function'
            ? String(headers.get.call(headers, 'content-type') ?? 'no type')
            : 'unknown type';
        return {
            reason: `the answer was HTTP ${status} (${type}), not a token response`,
            status,
            notOAuth: true
        };
    }
    const message = error?.message;
    return {
        reason: `the response was not usable: ${String(message)}`,
        notOAuth: true
    };
}
function withDescription(text, description) {
    return description ? `${text}, "${description}"` : text;
}

;// CONCATENATED MODULE: ./src/auth/token-retry.ts



/** Pairs a provider's retry policy with its logger, when it has one. */
function tokenRetry(options) {
    return options.retry && { policy: options.retry, log: options.log };
}
/**
 * OAuth error codes (RFC 6749, 5.2; RFC 8693; RFC 8707) that reject the
 * request itself, so no retry can succeed, whatever the status.
 */
const REJECTION_CODES = new Set([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
    'invalid_target',
    'access_denied'
]);
/**
 * Sends a token request, and sends it again after a backoff, or after the
 * endpoint's `Retry-After`, while it fails for availability: a refused or
 * reset connection, a timeout, 408, 429 or a 5xx. A rejection of the
 * client or grant is thrown at once. The last failure is thrown as it is.
 */
async function retryTokenRequest(attempt, host, retry) {
    if (retry === undefined)
        return attempt();
    const { policy, log } = retry;
    const started = policy.now();
    for (let number = 1;; number++) {
        try {
            return await attempt();
        }
        catch (error) {
            const failure = readTransientFailure(error);
            if (failure === undefined || number >= policy.maxAttempts)
                throw error;
            const delay = tokenRetryDelay(policy, number, failure);
            if (policy.now() - started + delay > policy.budgetMs)
                throw error;
            log.info(`Retrying the token request to ${host} (attempt ${number + 1} of ` +
                `${policy.maxAttempts}) in ${(delay / 1000).toFixed(1)} s: ` +
                failure.summary);
            await policy.sleep(delay);
        }
    }
}
function tokenRetryDelay(policy, retry, failure) {
    const retryAfter = parseRetryAfter(failure.retryAfter, policy.now());
    if (retryAfter === undefined)
        return backoffDelay(policy, retry);
    return Math.min(retryAfter, policy.maxRetryAfterMs);
}
/**
 * Describes a failure of oauth4webapi or fetch that may clear up, or
 * returns undefined. Errors are matched by name, because fetch may raise
 * them from another realm.
 */
function readTransientFailure(error) {
    if (error instanceof build/* ResponseBodyError */.uK) {
        if (REJECTION_CODES.has(error.error))
            return undefined;
        return transientStatus(error.status, error.response.headers);
    }
    if (error instanceof build/* WWWAuthenticateChallengeError */.m4)
        return undefined;
    const name = error?.name;
    if (name === 'TimeoutError')
        return { summary: 'timed out' };
    if (name === 'TypeError') {
        const code = errorCode(error);
        return TRANSIENT_CONNECTION_CODES.has(code) ? { summary: code } : undefined;
    }
    // oauth4webapi puts a response that is not a token response, such as
    // a proxy's 503 page, in the `cause` of its processing error.
    const cause = error?.cause;
    return cause instanceof Response
        ? transientStatus(cause.status, cause.headers)
        : undefined;
}
function transientStatus(status, headers) {
    if (!TRANSIENT_STATUSES.has(status))
        return undefined;
    const retryAfter = headers.get('retry-after');
    return {
        summary: `HTTP ${status}`,
        ...(retryAfter === null ? {} : { retryAfter })
    };
}

;// CONCATENATED MODULE: ./src/auth/token-endpoint.ts




/**
 * A client of one token endpoint for the client credentials grant, built
 * on oauth4webapi. Each call is bounded by `timeoutMs`; the issuer's
 * metadata is read once.
 */
class TokenEndpoint {
    #grant;
    #timeoutMs;
    #retry;
    #server;
    /** Without `retry`, each token request is sent once. */
    constructor(grant, timeoutMs, retry) {
        this.#grant = grant;
        this.#timeoutMs = timeoutMs;
        this.#retry = retry;
    }
    /** The host of the token endpoint, or of the issuer before discovery. */
    get host() {
        const endpoint = this.#grant.endpoint;
        return 'tokenEndpoint' in endpoint
            ? endpoint.tokenEndpoint.host
            : endpoint.issuer.host;
    }
    /**
     * Requests an access token by the client credentials grant, with the
     * secret or, when given, a JWT client assertion (RFC 7523, 2.2).
     * Availability failures are retried; the last failure, and any
     * rejection, is an AUTH_REFRESH diagnosis.
     */
    requestToken(assertion) {
        return this.#grantToken('client_credentials', tokenParameters(this.#grant), assertion === undefined
            ? clientAuthentication(this.#grant)
            : assertionAuthentication(assertion));
    }
    /**
     * Exchanges an ID token for an access token (RFC 8693), as a client
     * with the secret when one is set, else by its client ID alone.
     */
    exchangeToken(subjectToken) {
        const parameters = tokenParameters(this.#grant);
        const types = this.#grant.tokenTypes ?? ID_TOKEN_EXCHANGE;
        parameters.set('subject_token', subjectToken);
        parameters.set('subject_token_type', types.subject);
        if (types.requested) {
            parameters.set('requested_token_type', types.requested);
        }
        return this.#grantToken(TOKEN_EXCHANGE, parameters, this.#grant.clientSecret === undefined
            ? build/* None */.NV()
            : clientAuthentication(this.#grant));
    }
    async #grantToken(grantType, parameters, clientAuth) {
        const server = await this.#authorizationServer();
        const endpoint = new URL(server.token_endpoint ?? '');
        const grant = this.#grant;
        const client = { client_id: grant.clientId };
        const attempt = async () => {
            const response = await build/* genericTokenEndpointRequest */.Nb(server, client, clientAuth, grantType, parameters, this.#requestOptions(endpoint));
            return build/* processGenericTokenEndpointResponse */.kU(server, client, response);
        };
        try {
            const result = await retryTokenRequest(attempt, endpoint.host, this.#retry);
            return readToken(result, endpoint, grant.clientId);
        }
        catch (error) {
            throw tokenRequestError(error, {
                endpoint,
                clientId: grant.clientId,
                timeoutMs: this.#timeoutMs
            });
        }
    }
    #authorizationServer() {
        const endpoint = this.#grant.endpoint;
        if ('tokenEndpoint' in endpoint) {
            return Promise.resolve({
                issuer: endpoint.tokenEndpoint.origin,
                token_endpoint: endpoint.tokenEndpoint.href
            });
        }
        this.#server ??= this.#discover(endpoint.issuer);
        return this.#server;
    }
    async #discover(issuer) {
        try {
            const response = await build/* discoveryRequest */.CN(issuer, {
                algorithm: 'oidc',
                ...this.#requestOptions(issuer)
            });
            const server = await build/* processDiscoveryResponse */.vA(issuer, response);
            if (server.token_endpoint === undefined) {
                throw new build/* OperationProcessingError */.Hx('the metadata names no token_endpoint');
            }
            return server;
        }
        catch (error) {
            const discovery = new URL('.well-known/openid-configuration', issuer.href.endsWith('/') ? issuer : `${issuer.href}/`);
            throw tokenRequestError(error, {
                endpoint: discovery,
                clientId: this.#grant.clientId,
                timeoutMs: this.#timeoutMs,
                discovery: true
            });
        }
    }
    // oauth4webapi marks `allowInsecureRequests` deprecated so that its use
    // is conspicuous: the settings allow plain http only for a provider on the
    // loopback interface, where no network carries the secret.
    #requestOptions(url) {
        return {
            signal: AbortSignal.timeout(this.#timeoutMs),
            // eslint-disable-next-line @typescript-eslint/no-deprecated
            [build/* allowInsecureRequests */.cm]: isLoopbackHttp(url)
        };
    }
}
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_EXCHANGE = {
    subject: 'urn:ietf:params:oauth:token-type:id_token',
    requested: 'urn:ietf:params:oauth:token-type:access_token'
};
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
function clientAuthentication(grant) {
    const secret = grant.clientSecret ?? '';
    return grant.clientAuth === 'post'
        ? build/* ClientSecretPost */.qm(secret)
        : build/* ClientSecretBasic */.gH(secret);
}
/** Authenticates with a ready-made JWT, such as a GitHub ID token. */
function assertionAuthentication(assertion) {
    return (_server, client, body) => {
        body.set('client_id', client.client_id);
        body.set('client_assertion_type', JWT_BEARER_ASSERTION);
        body.set('client_assertion', assertion);
    };
}
function tokenParameters(grant) {
    const parameters = new URLSearchParams();
    if (grant.scope)
        parameters.set('scope', grant.scope);
    if (grant.audience)
        parameters.set('audience', grant.audience);
    if (grant.resource)
        parameters.set('resource', grant.resource);
    return parameters;
}
function readToken(result, endpoint, clientId) {
    // A DPoP-bound or other non-Bearer token cannot be sent as a plain
    // Bearer token, so it is refused here rather than by the server.
    if (result.token_type.toLowerCase() !== 'bearer') {
        throw unusableTokenError(endpoint, clientId, result.token_type);
    }
    return {
        accessToken: result.access_token,
        ...(result.expires_in === undefined
            ? {}
            : { expiresInMs: result.expires_in * 1000 })
    };
}

;// CONCATENATED MODULE: ./src/auth/oauth-client-credentials.ts




/** How long before expiry an access token is replaced. */
const REFRESH_MARGIN_MS = 30_000;
/**
 * The OAuth 2.0 client credentials grant (RFC 6749, 4.4): an access token
 * from the token endpoint, sent as a Bearer token, cached and replaced
 * 30 s before it expires or when the server rejects it.
 */
class OAuthClientCredentials {
    mode = 'oauth-client-credentials';
    credential;
    #cache;
    /** Masks the client secret's forms, including the Basic header's. */
    constructor(grant, options) {
        maskClientSecret(grant, options.mask);
        const endpoint = new TokenEndpoint(grant, options.timeoutMs, tokenRetry(options));
        this.credential = {
            kind: 'oauth',
            clientId: grant.clientId,
            provider: endpoint.host
        };
        const request = options.request ?? (() => endpoint.requestToken());
        this.#cache = new TokenCache({
            now: options.now,
            marginMs: REFRESH_MARGIN_MS,
            request: async () => {
                const token = await request();
                // Masked before anything can log it: the token is a credential.
                maskSecret(options.mask, token.accessToken);
                logToken(options.log, endpoint.host, grant.clientId, token);
                return token;
            }
        });
    }
    async authorize(headers) {
        headers.authorization = `Bearer ${await this.#cache.get()}`;
    }
    async refresh(rejected) {
        const token = rejected?.replace(/^Bearer /, '');
        await this.#cache.refresh(token);
    }
}
/** Masks a client secret's forms, including the client_secret_basic one. */
function maskClientSecret(grant, mask) {
    if (grant.clientSecret === undefined)
        return;
    maskSecret(mask, grant.clientSecret);
    const basic = `${encode(grant.clientId)}:${encode(grant.clientSecret)}`;
    mask(Buffer.from(basic).toString('base64'));
}
/**
 * Form-encodes a value for client_secret_basic (RFC 6749, 2.3.1) as
 * oauth4webapi 3.8 does: `application/x-www-form-urlencoded`, which also
 * escapes the characters `encodeURIComponent` leaves.
 */
function encode(value) {
    return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, match => match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`);
}
function logToken(log, host, clientId, token) {
    const lifetime = token.expiresInMs === undefined
        ? 'no expiry given, so it is replaced only when rejected'
        : `valid for ${Math.round(token.expiresInMs / 1000)} s`;
    log.info(`Obtained an OAuth access token from ${host} for client ` +
        `'${clientId}' (${lifetime})`);
}

;// CONCATENATED MODULE: ./src/auth/databricks.ts



/** The scope of workspace OAuth tokens that may call every REST API. */
const DATABRICKS_SCOPE = 'all-apis';
/**
 * The token types of Databricks OAuth token federation: a JWT subject
 * token and no `requested_token_type`, as the Databricks SDK for Python
 * sends them (`databricks/sdk/oidc.py`).
 */
const DATABRICKS_TOKEN_TYPES = {
    subject: 'urn:ietf:params:oauth:token-type:jwt'
};
/** Returns the workspace's OAuth token endpoint, `<host>/oidc/v1/token`. */
function databricksTokenEndpoint(host) {
    return new URL(`${host.href.replace(/\/+$/, '')}/oidc/v1/token`);
}
/**
 * The `databricks` auth mode: a personal access token sent as a Bearer
 * token, or an OAuth machine-to-machine token of a service principal
 * from the workspace's token endpoint, cached and refreshed.
 */
class DatabricksAuth {
    mode = 'databricks';
    credential;
    #inner;
    constructor(inner) {
        this.#inner = inner;
        this.credential = inner.credential;
    }
    authorize(headers) {
        return this.#inner.authorize(headers);
    }
    async refresh(rejected) {
        if (this.#inner instanceof OAuthClientCredentials) {
            await this.#inner.refresh(rejected);
        }
    }
}
/**
 * Creates the `databricks` provider. A personal access token is used
 * when set, else the service principal's client credentials.
 */
function createDatabricksProvider(settings, mask, context) {
    if (settings === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `tracking-uri`', 'auth-mode is databricks but the tracking URI is not `databricks`', 'Set `tracking-uri` to `databricks` and `databricks-host` to the ' +
            'workspace URL.');
    }
    if (settings.token !== undefined) {
        return new DatabricksAuth(new BearerAuth(settings.token, 'Authorization'));
    }
    const grant = readDatabricksGrant(settings);
    return new DatabricksAuth(new OAuthClientCredentials(grant, { ...context, mask }));
}
function readDatabricksGrant(settings) {
    const { clientId, clientSecret } = settings;
    if (clientId === undefined || clientSecret === undefined) {
        const missing = clientId === undefined && clientSecret === undefined
            ? 'databricks-token'
            : clientId === undefined
                ? 'databricks-client-id'
                : 'databricks-client-secret';
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, 'the workspace needs a personal access token or the client ID and ' +
            `secret of a service principal, but no ${missing} is set`, 'Set `databricks-token` (DATABRICKS_TOKEN), or ' +
            '`databricks-client-id` and `databricks-client-secret` ' +
            '(DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET), or use ' +
            '`auth-mode: github-oidc` with a federation policy.');
    }
    return {
        endpoint: { tokenEndpoint: databricksTokenEndpoint(settings.host) },
        clientId,
        clientSecret,
        clientAuth: 'basic',
        scope: DATABRICKS_SCOPE
    };
}

;// CONCATENATED MODULE: ./src/auth/none.ts
/** Sends no credentials, for servers without authentication. */
class NoAuth {
    mode = 'none';
    credential = { kind: 'none' };
    authorize() {
        return Promise.resolve();
    }
}

;// CONCATENATED MODULE: ./src/auth/oauth-mode.ts


/** Checks whether both halves of the client credentials are set. */
function hasClientCredentials(oauth) {
    return oauth?.clientId !== undefined && oauth.clientSecret !== undefined;
}
/**
 * Creates the `oauth-client-credentials` provider, after checking that
 * the client ID, the secret and a token endpoint or issuer are set.
 */
function createOAuthProvider(oauth, mask, context) {
    const grant = readGrant(oauth ?? { clientAuth: 'basic' });
    return new OAuthClientCredentials(grant, { ...context, mask });
}
/** Reads the grant's settings, requiring an ID, a secret and an endpoint. */
function readGrant(oauth) {
    const clientId = requireSetting('client-id', oauth.clientId);
    const clientSecret = requireSetting('client-secret', oauth.clientSecret);
    const { tokenEndpoint, issuer } = oauth;
    const endpoint = tokenEndpoint
        ? { tokenEndpoint }
        : issuer
            ? { issuer }
            : undefined;
    if (endpoint === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `token-endpoint`', 'auth-mode is oauth-client-credentials but neither ' +
            '`token-endpoint` nor `oauth-issuer` is set', "Set `token-endpoint` to the provider's token URL, or " +
            '`oauth-issuer` to its issuer URL.');
    }
    return {
        endpoint,
        clientId,
        clientSecret,
        clientAuth: oauth.clientAuth,
        ...(oauth.scope ? { scope: oauth.scope } : {}),
        ...(oauth.audience ? { audience: oauth.audience } : {}),
        ...(oauth.resource ? { resource: oauth.resource } : {})
    };
}
function requireSetting(name, value) {
    if (value !== undefined)
        return value;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${name}\``, `auth-mode is oauth-client-credentials but no ${name} is set`, `Set \`${name}\`, for example from a repository or organization secret.`);
}

;// CONCATENATED MODULE: ./src/config/azure-settings.ts



/**
 * The exchange of the Azure preset. Entra ID's workload identity
 * federation takes an external ID token only as the JWT client assertion
 * of the client credentials grant.
 */
const AZURE_EXCHANGE = 'client-assertion';
/** The Entra authority of Azure's public cloud. */
const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
// A tenant is a GUID or a verified domain such as contoso.onmicrosoft.com.
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
/**
 * Validates the Azure settings, returned as `{ azure }` for the auth
 * settings, or `{}` when no tenant ID is set.
 */
function parseAzureSettings(get) {
    const tenant = get('azure-tenant-id');
    if (!tenant)
        return {};
    if (!TENANT.test(tenant.value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('azure-tenant-id', tenant), `${quote(tenant.value)} is not a tenant ID or domain`, 'Set `azure-tenant-id` to the Directory (tenant) ID of the app ' +
            'registration, a GUID.');
    }
    const clientId = get('azure-client-id')?.value;
    return {
        azure: {
            tenantId: tenant.value,
            ...(clientId ? { clientId } : {}),
            authority: parseAuthority(get('azure-authority-host'))
        }
    };
}
function parseAuthority(setting) {
    if (!setting)
        return new URL(DEFAULT_AUTHORITY);
    const url = URL.parse(setting.value);
    const secure = url !== null && (url.protocol === 'https:' || isLoopbackHttp(url));
    if (url === null || !secure || url.search || url.hash) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('azure-authority-host', setting), `${quote(setting.value)} is not an https URL without a query`, `Set \`azure-authority-host\` to a URL such as ${DEFAULT_AUTHORITY}.`);
    }
    return url;
}
/**
 * Returns the tenant's token endpoint of the Microsoft identity platform,
 * `<authority>/<tenant>/oauth2/v2.0/token`.
 */
function azureTokenEndpoint(azure) {
    const base = azure.authority.href.replace(/\/+$/, '');
    return new URL(`${base}/${encodeURIComponent(azure.tenantId)}/oauth2/v2.0/token`);
}
/**
 * Rejects an explicit `oidc-exchange` other than {@link AZURE_EXCHANGE}
 * when `github-oidc` runs the Azure preset, because the preset would not
 * apply it.
 */
function checkAzureExchange(mode, get) {
    const tenant = get('azure-tenant-id');
    const exchange = get('oidc-exchange');
    if (mode !== 'github-oidc' || !tenant || !exchange)
        return;
    if (exchange.value === AZURE_EXCHANGE)
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('oidc-exchange', exchange), `${quote(exchange.value)} cannot be used with ` +
        `${settingLabel('azure-tenant-id', tenant)}, because Entra ID ` +
        `accepts the ID token only as a client assertion`, `Remove \`oidc-exchange\` or set it to ${AZURE_EXCHANGE} to sign in ` +
        'to Entra ID. To use another token endpoint, unset ' +
        '`azure-tenant-id` and AZURE_TENANT_ID.');
}

;// CONCATENATED MODULE: ./src/config/oidc-settings.ts



/** The exchange of `github-oidc` when `oidc-exchange` is not set. */
const DEFAULT_OIDC_EXCHANGE = 'token-exchange';
/**
 * Validates the `github-oidc` settings, returned as `{ oidc }` for the
 * auth settings, or `{}` when neither OIDC input is set by the user.
 */
function parseOidcSettings(get) {
    const audience = get('oidc-audience');
    const exchangeSetting = get('oidc-exchange');
    if (!audience && !exchangeSetting)
        return {};
    const exchange = exchangeSetting &&
        parseSetting('oidc-exchange', exchangeSetting, schemas/* enum */.k5n(OIDC_EXCHANGES), `one of ${OIDC_EXCHANGES.join(', ')}`, 'Set `oidc-exchange` to what the relying party accepts.');
    return {
        oidc: {
            ...(exchange ? { exchange } : {}),
            ...(audience ? { audience: audience.value } : {})
        }
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/http/dispatcher.ts


/**
 * Maximum number of connections to one origin: the number of requests the
 * action sends at once (the files of an upload). undici sends a request
 * on the first idle connection, so with more connections than requests,
 * the requests gather on the oldest connections. Those may all belong to
 * one worker of a multi-process server (MLflow's `--workers`), which then
 * does all the work. Against 2 workers, 2,000 files of 4 KiB took 3.0 to
 * 7.6 s (median 4.5 s) with 16 connections and 3.2 to 4.8 s (median
 * 3.3 s) with 8.
 */
const MAX_CONNECTIONS = 8;
/**
 * Creates the one connection pool the action uses, so that every request
 * reuses keep-alive connections. It serves the tracking server only (the
 * REST API and the artifact proxy), so the CA, the client certificate and
 * the insecure switch apply there and nowhere else in the process:
 * nothing here sets a global dispatcher or NODE_TLS_REJECT_UNAUTHORIZED.
 * `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are honoured through undici's
 * environment proxy agent. Through a proxy, the TLS settings apply to the
 * connection to the server inside the tunnel (`requestTls`), not to the
 * connection to the proxy.
 */
function createDispatcher(options) {
    const tls = tlsOptions(options.tls);
    return new (env_http_proxy_agent_default())({
        ...proxyOptions(options.proxy),
        connect: { timeout: options.connectTimeoutMs, ...tls },
        connectTimeout: options.connectTimeoutMs,
        requestTls: tls,
        factory: verifyingPoolFactory(!(options.tls?.insecure ?? false), MAX_CONNECTIONS),
        keepAliveTimeout: 10_000
    });
}
/**
 * Returns the options of Node's `tls.connect` for the tracking server.
 * Node's own rejection stays off because {@link verifyingPoolFactory}
 * applies the same verdict itself, unless `insecure-tls` is on.
 */
function tlsOptions(tls) {
    const client = tls?.clientCertificate;
    return {
        rejectUnauthorized: false,
        ...(tls?.ca ? { ca: tls.ca } : {}),
        ...(client
            ? {
                cert: client.cert,
                key: client.key,
                ...(client.passphrase === undefined
                    ? {}
                    : { passphrase: client.passphrase })
            }
            : {})
    };
}
function proxyOptions(proxy) {
    if (!proxy)
        return {};
    // With an empty string undici uses no proxy instead of falling back to
    // process.env, so the proxy follows the host's environment exactly.
    return {
        httpProxy: proxy.httpProxy?.url.href ?? '',
        httpsProxy: proxy.httpsProxy?.url.href ?? '',
        noProxy: proxy.noProxy
    };
}

;// CONCATENATED MODULE: ./src/http/proxy.ts

const PROXY_SCHEMES = ['http:', 'https:', 'socks:', 'socks5:'];
/**
 * Reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, lower-case first as
 * undici and curl do. A proxy without a scheme (`proxy.corp:3128`) is an
 * http:// proxy, as curl reads it.
 */
function readProxySettings(env) {
    const httpProxy = readProxyVariable(env, 'http_proxy', 'HTTP_PROXY');
    const httpsProxy = readProxyVariable(env, 'https_proxy', 'HTTPS_PROXY');
    return {
        ...(httpProxy ? { httpProxy } : {}),
        ...(httpsProxy ? { httpsProxy } : {}),
        noProxy: env.no_proxy ?? env.NO_PROXY ?? ''
    };
}
function readProxyVariable(env, ...names) {
    const variable = names.find(name => env[name] !== undefined);
    const value = variable ? env[variable]?.trim() : undefined;
    if (!variable || !value)
        return undefined;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
        ? value
        : `http://${value}`;
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        throw proxyError(variable, 'is not a valid URL');
    }
    if (!PROXY_SCHEMES.includes(url.protocol) || url.hostname === '') {
        throw proxyError(variable, `has scheme "${url.protocol}", expected http://, https:// or socks5://`);
    }
    return { url, variable };
}
function proxyError(variable, problem) {
    return (0,diagnosis_diagnosis/* configError */.Fj)(`environment variable ${variable}`, `the proxy URL ${problem}`, `Set ${variable} to a URL such as http://proxy.example.com:3128, with ` +
        'any credentials as http://user:password@host:port.');
}
/**
 * Works out whether a request to `url` goes through a proxy, by the rules
 * of undici's EnvHttpProxyAgent (undici 8.14), which sends it. `NO_PROXY`
 * contains hosts separated by commas or spaces, each optionally with a
 * port. `*` matches every host, `*.example.com` only subdomains, and
 * `example.com` or `.example.com` the host and its subdomains.
 */
function routeFor(url, settings) {
    const proxy = url.protocol === 'https:'
        ? (settings.httpsProxy ?? settings.httpProxy)
        : settings.httpProxy;
    if (!proxy) {
        return {
            reason: url.protocol === 'https:'
                ? 'no HTTPS_PROXY or HTTP_PROXY is set'
                : 'no HTTP_PROXY is set'
        };
    }
    const entry = matchNoProxy(url, settings.noProxy);
    return entry === undefined
        ? { proxy }
        : { reason: `NO_PROXY entry "${entry}" matches ${url.hostname}` };
}
/** Returns the `NO_PROXY` entry that matches the URL's host, if any. */
function matchNoProxy(url, noProxy) {
    const host = url.hostname
        .replace(/^\[(.+)\]$/, '$1')
        .replace(/(.)\.$/, '$1')
        .toLowerCase();
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    for (const entry of noProxy.split(/[,\s]/).filter(Boolean)) {
        const { hostname, entryPort, wildcard } = parseNoProxyEntry(entry);
        if (entryPort !== 0 && entryPort !== port)
            continue;
        if (hostname === '*')
            return entry;
        if (!wildcard && host === hostname)
            return entry;
        if (host.endsWith(`.${hostname}`))
            return entry;
    }
    return undefined;
}
function parseNoProxyEntry(entry) {
    const bracketed = /^\[(.+)\]:(\d+)$/.exec(entry);
    let hostname = entry.replace(/^\[(.+)\]$/, '$1');
    let entryPort = 0;
    if (bracketed) {
        hostname = bracketed[1] ?? '';
        entryPort = Number(bracketed[2]);
    }
    else if ((hostname.match(/:/g) ?? []).length === 1) {
        const withPort = /^(.+):(\d+)$/.exec(hostname);
        if (withPort) {
            hostname = withPort[1] ?? '';
            entryPort = Number(withPort[2]);
        }
    }
    return {
        hostname: hostname
            .replace(/^\*?\./, '')
            .replace(/^(.+)\.$/, '$1')
            .toLowerCase(),
        entryPort,
        wildcard: entry.startsWith('*')
    };
}
/** Names a proxy by scheme, host and port, never its credentials. */
function describeProxy(proxy) {
    return `${proxy.url.protocol}//${proxy.url.host}`;
}
/** Returns the password in a proxy URL, decoded, for masking. */
function proxyPasswords(settings) {
    return [settings.httpProxy, settings.httpsProxy].flatMap(proxy => {
        const password = proxy?.url.password;
        if (!password)
            return [];
        try {
            return [password, decodeURIComponent(password)];
        }
        catch {
            return [password];
        }
    });
}

;// CONCATENATED MODULE: ./src/auth/github-id-token.ts






const PULL_REQUEST_EVENTS = new Set([
    'pull_request',
    'pull_request_review',
    'pull_request_review_comment'
]);
const OIDC_AUTH_USE = {
    input: 'auth-mode',
    setting: 'auth-mode is github-oidc',
    forkFix: 'Register from a workflow that runs on the base repository (such as ' +
        'push to the default branch), or use another auth mode for forks.',
    outsideFix: 'Outside GitHub Actions, use another auth mode.'
};
/**
 * Checks, before any request, that the runner can issue an ID token. It
 * sets ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN only for jobs with the
 * `id-token: write` permission, and never for pull requests from forks.
 */
function checkIdTokenAvailable(env, use = OIDC_AUTH_USE) {
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        return;
    }
    if (isForkPullRequest(env)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${use.input}\``, `${use.setting}, but this job runs for a pull request from a fork, ` +
            'and GitHub issues no ID token to those', use.forkFix);
    }
    throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${use.input}\``, `${use.setting}, but the job cannot request an ID token ` +
        '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
        'are not set)', 'Add `permissions: id-token: write` to the job (or the workflow). ' +
        use.outsideFix);
}
/** Checks whether the event is a pull request whose head is a fork. */
function isForkPullRequest(env) {
    if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? ''))
        return false;
    const payload = readEventPayload(env.GITHUB_EVENT_PATH);
    const head = payload?.pull_request?.head?.repo;
    const base = payload?.pull_request?.base?.repo;
    if (head?.fork === true)
        return true;
    return head?.full_name !== undefined && head.full_name !== base?.full_name;
}
function readEventPayload(file) {
    if (!file)
        return undefined;
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}
const idTokenResponse = schemas/* object */.Ikc({ value: schemas/* string */.YjP().min(1) });
/** How long the runner may take to issue an ID token. */
const ID_TOKEN_TIMEOUT_MS = 30_000;
/**
 * Requests the job's ID token from the runner, for an audience. The
 * request is the one `@actions/core` makes, sent here so that nothing is
 * written to standard output: the CLI prints its JSON there, and the
 * caller masks the token.
 */
async function requestIdToken(audience) {
    const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
    const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
    try {
        if (!url || !bearer)
            throw new Error('the runner offers no ID token');
        const target = new URL(url);
        if (audience)
            target.searchParams.set('audience', audience);
        // The runner's proxy variables apply, as they do to `@actions/core`.
        const dispatcher = createDispatcher({
            connectTimeoutMs: ID_TOKEN_TIMEOUT_MS,
            proxy: readProxySettings(process.env)
        });
        try {
            const response = await undici_request(target, {
                dispatcher,
                headers: {
                    accept: 'application/json',
                    authorization: `Bearer ${bearer}`
                },
                headersTimeout: ID_TOKEN_TIMEOUT_MS,
                bodyTimeout: ID_TOKEN_TIMEOUT_MS
            });
            const text = await response.body.text();
            if (response.statusCode !== 200) {
                throw new Error(`the runner returned HTTP ${response.statusCode}`);
            }
            return readIdToken(text);
        }
        finally {
            await dispatcher.close();
        }
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REFRESH', `Requesting the GitHub ID token failed: ${message.trim()}`, 'Check that the job has `permissions: id-token: write`, and retry ' +
            'the job if GitHub was unavailable.'), { cause: error });
    }
}
/** Reads the token from the runner's response, quoting none of it. */
function readIdToken(text) {
    let body;
    try {
        body = JSON.parse(text);
    }
    catch {
        body = undefined;
    }
    const parsed = idTokenResponse.safeParse(body);
    if (!parsed.success)
        throw new Error("the runner's response contains no token");
    return parsed.data.value;
}
/** Reads the claims of a JWT without verifying it, for logs. */
function readClaims(jwt) {
    const payload = jwt.split('.')[1] ?? '';
    let claims = {};
    try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    }
    catch {
        // An unreadable token is shown as empty claims; the relying party
        // rejects it with its own error.
    }
    return {
        iss: claimText(claims.iss),
        sub: claimText(claims.sub),
        aud: claimText(claims.aud),
        ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {})
    };
}
function claimText(value) {
    if (typeof value === 'string')
        return value;
    if (Array.isArray(value))
        return value.map(claimText).join(' ');
    return '';
}

;// CONCATENATED MODULE: ./src/auth/github-oidc.ts







/** OAuth error codes with which a relying party rejects the ID token. */
const REJECTIONS = new Set([
    'invalid_grant',
    'invalid_client',
    'unauthorized_client',
    'access_denied',
    'invalid_target'
]);
/**
 * Keyless authentication: the job's GitHub ID token, exchanged at a
 * token endpoint or sent as it is. No secret is stored anywhere.
 */
class GitHubOidc {
    mode = 'github-oidc';
    credential;
    #settings;
    #options;
    #endpoint;
    #cache;
    constructor(settings, options) {
        this.#settings = settings;
        this.#options = options;
        if (settings.grant)
            maskClientSecret(settings.grant, options.mask);
        this.#endpoint = settings.grant
            ? new TokenEndpoint(settings.grant, options.timeoutMs, tokenRetry(options))
            : undefined;
        this.credential =
            settings.grant && this.#endpoint
                ? {
                    kind: 'oauth',
                    clientId: settings.grant.clientId,
                    provider: this.#endpoint.host
                }
                : { kind: 'token', header: 'Authorization', scheme: 'Bearer' };
        this.#cache = new TokenCache({
            now: options.now,
            marginMs: 30_000,
            request: () => this.#requestToken()
        });
    }
    async authorize(headers) {
        headers.authorization = `Bearer ${await this.#cache.get()}`;
    }
    async refresh(rejected) {
        await this.#cache.refresh(rejected?.replace(/^Bearer /, ''));
    }
    async #requestToken() {
        const { mask, log, now } = this.#options;
        const idToken = await requestIdToken(this.#settings.audience);
        maskSecret(mask, idToken);
        const claims = readClaims(idToken);
        // The claims are not secret, and they are what a federation policy
        // matches, so they are logged; the token itself never is.
        log.info(`GitHub ID token: iss ${claims.iss}, sub ${claims.sub}, ` +
            `aud ${claims.aud}`);
        const token = await this.#exchange(idToken, claims);
        maskSecret(mask, token.accessToken);
        if (token.accessToken !== idToken) {
            log.info(`Exchanged the ID token at ${this.#endpoint?.host ?? ''}`);
        }
        return token.expiresInMs === undefined && claims.exp !== undefined
            ? { ...token, expiresInMs: claims.exp * 1000 - now() }
            : token;
    }
    async #exchange(idToken, claims) {
        const { exchange } = this.#settings;
        const endpoint = this.#endpoint;
        if (exchange === 'id-token' || endpoint === undefined) {
            return { accessToken: idToken };
        }
        // NOTE: client-assertion is tested against a loopback stand-in of
        // Entra ID's token endpoint, not against a real provider.
        try {
            return exchange === 'client-assertion'
                ? await endpoint.requestToken(idToken)
                : await endpoint.exchangeToken(idToken);
        }
        catch (error) {
            throw asRejection(error, claims, endpoint.host);
        }
    }
}
/**
 * Turns a refusal of the ID token into AUTH_REJECTED that shows the
 * claims the job presented, which the federation policy must match.
 */
function asRejection(error, claims, host) {
    if (!(error instanceof diagnosis_diagnosis/* DiagnosedError */.xB))
        return error;
    const code = error.diagnosis.evidence.oauthError;
    if (code === undefined || !REJECTIONS.has(code))
        return error;
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('AUTH_REJECTED', `${host} rejected the GitHub ID token with ${code}. The job ` +
        `presented subject '${claims.sub}', audience '${claims.aud}' and ` +
        `issuer '${claims.iss}'. ${error.diagnosis.detail}`, "Make the provider's federation policy (trusted issuer, subject " +
        'and audience) match these claims, or set `oidc-audience` to the ' +
        'audience it expects. The subject depends on the branch, ' +
        'environment or event of the job.', error.diagnosis.evidence), { cause: error });
}

;// CONCATENATED MODULE: ./src/auth/oidc-mode.ts






/**
 * Creates the `github-oidc` provider. Every check here runs before any
 * request: the runner's ID token variables, and the token endpoint and
 * client ID that an exchange needs.
 */
function createGitHubOidcProvider(auth, mask, context) {
    checkIdTokenAvailable(context.env ?? process.env);
    if (auth.azure)
        return createAzurePreset(auth.azure, auth, mask, context);
    const exchange = auth.oidc?.exchange ?? DEFAULT_OIDC_EXCHANGE;
    const audience = auth.oidc?.audience;
    const grant = exchange === 'id-token'
        ? undefined
        : auth.databricks
            ? readDatabricksExchange(auth.databricks, auth.oauth)
            : readExchangeGrant(auth.oauth);
    return new GitHubOidc({
        exchange,
        ...(audience ? { audience } : {}),
        ...(grant ? { grant } : {})
    }, { ...context, mask });
}
/**
 * Creates the Azure preset: the ID token, for the audience that Entra
 * federated credentials expect by default, is the client assertion of
 * the app in the client credentials grant at the tenant's token
 * endpoint, for an Azure Resource Manager token. The configuration has
 * already rejected any other `oidc-exchange`.
 */
function createAzurePreset(azure, auth, mask, context) {
    const clientId = azure.clientId ?? auth.oauth?.clientId;
    if (clientId === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `azure-client-id`', 'github-oidc signs in to Entra ID as an app, but no azure-client-id ' +
            'is set', 'Set `azure-client-id` (or AZURE_CLIENT_ID) to the client ID of the ' +
            'app registration or managed identity with the federated credential.');
    }
    const grant = {
        endpoint: { tokenEndpoint: azureTokenEndpoint(azure) },
        clientId,
        clientAuth: 'post',
        scope: auth.oauth?.scope ?? AZURE_SCOPE
    };
    return new GitHubOidc({
        exchange: AZURE_EXCHANGE,
        audience: auth.oidc?.audience ?? AZURE_AUDIENCE,
        grant
    }, { ...context, mask });
}
/** The audience Entra federated credentials accept by default. */
const AZURE_AUDIENCE = 'api://AzureADTokenExchange';
/** The scope of Azure Resource Manager tokens, which Azure ML accepts. */
const AZURE_SCOPE = 'https://management.azure.com/.default';
/**
 * Builds the Databricks preset: the ID token is exchanged at the
 * workspace's token endpoint for the service principal whose federation
 * policy trusts it, with the `all-apis` scope.
 */
function readDatabricksExchange(databricks, oauth) {
    const clientId = databricks.clientId ?? oauth?.clientId;
    if (clientId === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `databricks-client-id`', 'github-oidc exchanges the ID token for a Databricks service ' +
            "principal's token, but no databricks-client-id is set", "Set `databricks-client-id` to the service principal's " +
            'application ID.');
    }
    return {
        endpoint: { tokenEndpoint: databricksTokenEndpoint(databricks.host) },
        clientId,
        clientAuth: 'post',
        scope: oauth?.scope ?? DATABRICKS_SCOPE,
        tokenTypes: DATABRICKS_TOKEN_TYPES
    };
}
function readExchangeGrant(oauth) {
    const endpoint = oauth?.tokenEndpoint
        ? { tokenEndpoint: oauth.tokenEndpoint }
        : oauth?.issuer
            ? { issuer: oauth.issuer }
            : undefined;
    if (endpoint === undefined || oauth?.clientId === undefined) {
        const missing = endpoint ? 'client-id' : 'token-endpoint';
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, `oidc-exchange exchanges the ID token at a token endpoint, but no ` +
            `${missing} is set`, 'Set `token-endpoint` (or `oauth-issuer`) and `client-id` as the ' +
            'provider registered them, or use `oidc-exchange: id-token`.');
    }
    return {
        endpoint,
        clientId: oauth.clientId,
        clientAuth: oauth.clientAuth,
        ...(oauth.clientSecret ? { clientSecret: oauth.clientSecret } : {}),
        ...(oauth.scope ? { scope: oauth.scope } : {}),
        ...(oauth.audience ? { audience: oauth.audience } : {}),
        ...(oauth.resource ? { resource: oauth.resource } : {})
    };
}

;// CONCATENATED MODULE: ./src/config/hokusai-settings.ts

/** The variable the Hokusai SDK and CLI read the platform's API key from. */
const HOKUSAI_KEY_VARIABLE = 'HOKUSAI_API_KEY';
/** The prefix of Hokusai API keys, such as `hk_live_` and `hk_test_`. */
const HOKUSAI_KEY_PREFIX = 'hk_';
/** Masks HOKUSAI_API_KEY in all its forms when it is set. */
function maskHokusaiKey(env, mask) {
    const key = env[HOKUSAI_KEY_VARIABLE]?.trim();
    if (key)
        maskSecret(mask, key);
}
/** Checks whether a host is `hokus.ai` or a subdomain of it. */
function isHokusaiHost(hostname) {
    const host = hostname.toLowerCase();
    return host === 'hokus.ai' || host.endsWith('.hokus.ai');
}
/**
 * Reads HOKUSAI_API_KEY when it may be used: with `auth-mode: hokusai`,
 * or in `auto` mode for a tracking URI on hokus.ai, so that the key is
 * never sent to another host by accident. For a key that is set but not
 * read, it returns the reason it is ignored, for the auth report.
 */
function readHokusaiSettings(get, env, tracking) {
    const key = env[HOKUSAI_KEY_VARIABLE]?.trim();
    if (!key)
        return {};
    const mode = get('auth-mode')?.value ?? 'auto';
    if (mode === 'hokusai')
        return { hokusaiKey: key };
    if (mode !== 'auto')
        return { hokusaiKeyIgnored: `auth-mode is ${mode}` };
    const host = tracking.url.hostname;
    if (isHokusaiHost(host))
        return { hokusaiKey: key };
    return {
        hokusaiKeyIgnored: `the tracking URI's host ${host} is not hokus.ai, and the key is ` +
            'sent only there unless auth-mode is hokusai'
    };
}

;// CONCATENATED MODULE: ./src/auth/hokusai.ts

/**
 * A Hokusai platform API key (`hk_...`). Both of the platform's MLflow
 * entry points, the API proxy and the admin gateway, read the key from
 * `Authorization: Bearer`, `Authorization: ApiKey` or `X-API-Key`, so it
 * is sent as a Bearer token unless `token-header` names another header.
 */
class HokusaiAuth {
    mode = 'hokusai';
    credential;
    #bearer;
    constructor(key, headerName) {
        this.#bearer = new BearerAuth(key, headerName);
        const isAuthorization = headerName.toLowerCase() === 'authorization';
        this.credential = {
            kind: 'token',
            header: isAuthorization ? 'Authorization' : headerName,
            ...(isAuthorization ? { scheme: 'Bearer' } : {}),
            label: 'Hokusai API key'
        };
    }
    authorize(headers) {
        return this.#bearer.authorize(headers);
    }
}

;// CONCATENATED MODULE: ./src/auth/resolve-hokusai.ts



/**
 * Whether `auto` should pick the Hokusai mode: the token is a Hokusai key
 * by its prefix, or there is no token but HOKUSAI_API_KEY applies.
 */
function isHokusaiKey(auth) {
    if (auth.token !== undefined) {
        return auth.token.startsWith(HOKUSAI_KEY_PREFIX);
    }
    return auth.hokusaiKey !== undefined;
}
/** Explains why `auto` chose the Hokusai mode, for the auth report. */
function hokusaiReason(auth, tokenOrigin) {
    return auth.token === undefined
        ? `Hokusai API key from ${HOKUSAI_KEY_VARIABLE}`
        : `the token from ${tokenOrigin} is a Hokusai API key ` +
            `(${HOKUSAI_KEY_PREFIX}...)`;
}
/** Creates the Hokusai provider, or raises when no key is set. */
function createHokusaiProvider(auth) {
    const key = auth.token ?? auth.hokusaiKey;
    if (key === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `token`', 'auth-mode is hokusai but no Hokusai API key is set', `Set \`token\` (or MLFLOW_TRACKING_TOKEN or ${HOKUSAI_KEY_VARIABLE}) ` +
            'to the Hokusai API key, which starts with hk_.');
    }
    return new HokusaiAuth(key, auth.tokenHeader);
}
/** Reports HOKUSAI_API_KEY as ignored when it was read but not sent. */
function ignoredHokusaiKey(mode, auth) {
    if (auth.hokusaiKeyIgnored !== undefined) {
        return [`${HOKUSAI_KEY_VARIABLE}: ${auth.hokusaiKeyIgnored}`];
    }
    if (auth.hokusaiKey === undefined)
        return [];
    if (mode === 'hokusai' && auth.token === undefined)
        return [];
    const reason = mode === 'hokusai' || mode === 'bearer'
        ? 'the token input takes precedence'
        : `auth-mode is ${mode}`;
    return [`${HOKUSAI_KEY_VARIABLE}: ${reason}`];
}

// EXTERNAL MODULE: ./src/node-crypto.ts
var node_crypto = __webpack_require__(58357);
;// CONCATENATED MODULE: ./src/auth/sigv4-signer.ts
/** The SHA-256 of an empty body, in hex. */
const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
/**
 * Signs a request with AWS Signature Version 4 and returns the headers to
 * add: `authorization`, `x-amz-date`, and `x-amz-security-token` and
 * `x-amz-content-sha256` when they apply. The path is signed as it is on
 * the wire and encoded once more, as botocore does for every service
 * except S3.
 */
async function signRequest(request, credentials, scope, options) {
    // Imported on first use, so other auth modes do not load the AWS SDK.
    const [{ Sha256 }, { SignatureV4 }] = await Promise.all([
        __webpack_require__.e(/* import() */ 156).then(__webpack_require__.t.bind(__webpack_require__, 23156, 23)),
        __webpack_require__.e(/* import() */ 118).then(__webpack_require__.t.bind(__webpack_require__, 75118, 19))
    ]);
    const signer = new SignatureV4({
        credentials,
        region: scope.region,
        service: scope.service,
        sha256: Sha256,
        uriEscapePath: options.escapePath ?? true,
        applyChecksum: false
    });
    const { url } = request;
    const headers = {
        ...request.headers,
        host: url.host,
        [PAYLOAD_HASH_HEADER]: request.payloadHash
    };
    const signed = await signer.sign({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: readQuery(url),
        headers
    }, {
        signingDate: options.signingDate,
        ...(options.sendPayloadHash
            ? {}
            : { unsignableHeaders: new Set([PAYLOAD_HASH_HEADER]) })
    });
    return pickAddedHeaders(signed.headers, request.headers, options);
}
/**
 * Decodes the query's percent escapes, leaving a `+` as a plus, and the
 * signer encodes each name and value again. The transport sends spaces
 * as `%20` and never a bare `+`, whose meaning servers disagree on.
 */
function readQuery(url) {
    const query = {};
    const raw = url.search.replace(/^\?/, '');
    if (raw === '')
        return query;
    for (const pair of raw.split('&')) {
        const [rawName = '', ...rest] = pair.split('=');
        const name = decodeURIComponent(rawName);
        const value = decodeURIComponent(rest.join('='));
        const existing = query[name];
        if (existing === undefined)
            query[name] = value;
        else if (Array.isArray(existing))
            existing.push(value);
        else
            query[name] = [existing, value];
    }
    return query;
}
function pickAddedHeaders(signed, original, options) {
    const added = {};
    for (const [name, value] of Object.entries(signed)) {
        const lower = name.toLowerCase();
        if (lower === 'host' || lower in original)
            continue;
        if (lower === PAYLOAD_HASH_HEADER && !options.sendPayloadHash)
            continue;
        added[lower] = value;
    }
    return added;
}

;// CONCATENATED MODULE: ./src/auth/sigv4.ts


/**
 * AWS Signature Version 4 for SageMaker managed MLflow, as the
 * `sagemaker-mlflow` plugin (0.3.0) signs: the ARN routing header, the
 * body's real SHA-256 in `X-Amz-Content-SHA256`, and the region and
 * service from the ARN. Streamed artifact bodies are hashed by reading
 * them once before they are sent, because the plugin sends the real hash
 * and whether the service accepts `UNSIGNED-PAYLOAD` is not documented.
 */
class SigV4Auth {
    mode = 'sigv4';
    credential;
    #target;
    #credentials;
    #now;
    constructor(target, credentials, now = () => new Date()) {
        this.#target = target;
        this.#credentials = credentials;
        this.#now = now;
        this.credential = {
            kind: 'aws',
            region: target.region,
            service: target.service
        };
    }
    async authorize(headers, request) {
        headers[this.#target.arnHeader] = this.#target.arn;
        const signed = await signRequest({
            method: request.method,
            url: request.url,
            headers,
            payloadHash: await hashPayload(request.body)
        }, this.#credentials, this.#target, { signingDate: this.#now(), sendPayloadHash: true });
        Object.assign(headers, signed);
    }
}
/** Returns the hex SHA-256 of a body, reading a stream to its end. */
async function hashPayload(body) {
    if (body === undefined)
        return EMPTY_PAYLOAD_HASH;
    const hash = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256');
    const source = typeof body === 'string' ? body : body.open();
    if (typeof source === 'string' || Buffer.isBuffer(source)) {
        return hash.update(source).digest('hex');
    }
    for await (const chunk of source)
        hash.update(chunk);
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./src/auth/resolve-sigv4.ts


/** The reason `auto` chose SigV4, for the auth report. */
const SIGV4_AUTO_REASON = 'the tracking URI is a SageMaker ARN, so requests are signed with the ' +
    'AWS credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
/**
 * Rejects a mode that does not fit the tracking URI: an ARN needs SigV4,
 * and SigV4 needs an ARN. A token or password is never sent to AWS.
 */
function checkSigV4Mode(mode, auth) {
    if (auth.sagemaker && mode !== 'sigv4') {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `auth-mode`', `auth-mode is ${mode}, but the tracking URI is a SageMaker ARN, ` +
            'which accepts only AWS SigV4 signatures', 'Set `auth-mode` to sigv4 or auto, and provide AWS credentials ' +
            '(for example with aws-actions/configure-aws-credentials).');
    }
    if (!auth.sagemaker && mode === 'sigv4') {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `auth-mode`', 'auth-mode is sigv4, but the tracking URI is not a SageMaker ARN', 'Set `tracking-uri` to the ARN of the SageMaker MLflow tracking ' +
            'server, such as arn:aws:sagemaker:us-east-1:123456789012:' +
            'mlflow-tracking-server/my-server.');
    }
}
/**
 * Creates the SigV4 provider, or raises a configuration error naming the
 * missing AWS variables before any request is sent.
 */
function createSigV4Provider(auth, now) {
    const { sagemaker, aws = {} } = auth;
    if (!sagemaker) {
        throw new Error('createSigV4Provider needs a SageMaker target');
    }
    const { accessKeyId, secretAccessKey, sessionToken } = aws;
    if (!accessKeyId || !secretAccessKey) {
        const missing = [
            accessKeyId ? '' : 'AWS_ACCESS_KEY_ID',
            secretAccessKey ? '' : 'AWS_SECRET_ACCESS_KEY'
        ].filter(Boolean);
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`environment variable ${missing.join(' and ')}`, 'SigV4 signing for the SageMaker ARN needs AWS credentials, and ' +
            `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} ` +
            'not set', 'Run aws-actions/configure-aws-credentials before this step (with ' +
            'OIDC and `permissions: id-token: write`), or set the AWS ' +
            'credential variables.');
    }
    return new SigV4Auth(sagemaker, { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, now);
}

;// CONCATENATED MODULE: ./src/auth/resolve-auth.ts









const DEFAULT_CONTEXT = {
    log: {
        info: () => undefined,
        debug: () => undefined,
        warning: () => undefined,
        error: () => undefined,
        group: (_name, body) => body()
    },
    timeoutMs: 60_000,
    now: Date.now
};
/**
 * Picks the auth provider. `auto` follows the MLflow Python client's
 * precedence: a username and password win over a token, as in
 * `mlflow/utils/rest_utils.py`. That client has no OAuth mode, so client
 * credentials come last.
 */
function resolveAuth(auth, origins, mask, context = DEFAULT_CONTEXT) {
    const mode = auth.mode === 'auto' ? pickAutoMode(auth) : auth.mode;
    checkSigV4Mode(mode, auth);
    const reason = auth.mode === 'auto'
        ? `auth-mode auto chose ${mode}: ${autoReason(mode, auth, origins)}`
        : `auth-mode is ${mode} (${origins.get('auth-mode') ?? 'input'})`;
    return {
        provider: createProvider(mode, auth, mask, context),
        reason,
        ignored: listIgnored(mode, auth, origins)
    };
}
function pickAutoMode(auth) {
    if (auth.sagemaker)
        return 'sigv4';
    if (auth.databricks)
        return 'databricks';
    if (auth.username !== undefined && auth.password !== undefined) {
        return 'basic';
    }
    if (isHokusaiKey(auth))
        return 'hokusai';
    if (auth.token !== undefined)
        return 'bearer';
    if (hasClientCredentials(auth.oauth))
        return 'oauth-client-credentials';
    if (auth.username === undefined && auth.password === undefined) {
        return checkNoClientCredentials(auth);
    }
    const missing = auth.username === undefined ? 'username' : 'password';
    const present = missing === 'username' ? 'password' : 'username';
    throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, `a ${present} is set but the ${missing} is missing, so the Basic ` +
        'credentials are incomplete', `Set \`${missing}\` (or MLFLOW_TRACKING_${missing.toUpperCase()}), ` +
        `or remove the ${present}.`);
}
/** Returns `none`, unless half of the client credentials is set. */
function checkNoClientCredentials(auth) {
    const { clientId, clientSecret } = auth.oauth ?? {};
    if (clientId === undefined && clientSecret === undefined)
        return 'none';
    const missing = clientId === undefined ? 'client-id' : 'client-secret';
    const present = missing === 'client-id' ? 'client-secret' : 'client-id';
    throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, `a ${present} is set but the ${missing} is missing, so the OAuth ` +
        'client credentials are incomplete', `Set \`${missing}\`, or remove the ${present}.`);
}
function autoReason(mode, auth, origins) {
    const from = (name) => origins.get(name) ?? name;
    if (mode === 'basic') {
        return (`username from ${from('username')}, ` +
            `password from ${from('password')}`);
    }
    if (mode === 'bearer')
        return `token from ${from('token')}`;
    if (mode === 'sigv4')
        return SIGV4_AUTO_REASON;
    if (mode === 'databricks')
        return databricksReason(auth, from);
    if (mode === 'hokusai')
        return hokusaiReason(auth, from('token'));
    if (mode === 'oauth-client-credentials') {
        return (`client ID from ${from('client-id')}, client secret from ` +
            from('client-secret'));
    }
    return 'no credentials are set';
}
function databricksReason(auth, from) {
    const host = from('databricks-host');
    const workspace = `the tracking URI is databricks (${host})`;
    if (auth.databricks?.token !== undefined) {
        return `${workspace}, token from ${from('databricks-token')}`;
    }
    return (`${workspace}, client ID from ${from('databricks-client-id')}, ` +
        `client secret from ${from('databricks-client-secret')}`);
}
function createProvider(mode, auth, mask, context) {
    switch (mode) {
        case 'none':
            return new NoAuth();
        case 'basic':
            if (auth.username === undefined || auth.password === undefined) {
                const missing = auth.username === undefined ? 'username' : 'password';
                throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, `auth-mode is basic but no ${missing} is set`, `Set \`${missing}\` or MLFLOW_TRACKING_${missing.toUpperCase()}.`);
            }
            return new BasicAuth(auth.username, auth.password, mask);
        case 'bearer':
            if (auth.token === undefined) {
                throw (0,diagnosis_diagnosis/* configError */.Fj)('input `token`', 'auth-mode is bearer but no token is set', 'Set `token` or MLFLOW_TRACKING_TOKEN to the token or API key.');
            }
            return new BearerAuth(auth.token, auth.tokenHeader);
        case 'sigv4':
            return createSigV4Provider(auth);
        case 'hokusai':
            return createHokusaiProvider(auth);
        case 'oauth-client-credentials':
            return createOAuthProvider(auth.oauth, mask, context);
        case 'github-oidc':
            return createGitHubOidcProvider(auth, mask, context);
        case 'databricks':
            return createDatabricksProvider(auth.databricks, mask, context);
    }
}
function listIgnored(mode, auth, origins) {
    const from = (name) => origins.get(name) ?? name;
    const ignored = [];
    const usesToken = mode === 'bearer' || mode === 'hokusai';
    if (!usesToken && auth.token !== undefined) {
        ignored.push(`token (from ${from('token')}): ` + ignoredTokenReason(mode, auth));
    }
    if (mode !== 'basic') {
        for (const name of ['username', 'password']) {
            if (auth[name] !== undefined) {
                ignored.push(`${name} (from ${from(name)}): ` +
                    (mode === 'sigv4' ? SIGV4_IGNORED : `auth-mode is ${mode}`));
            }
        }
    }
    if (mode !== 'oauth-client-credentials' && mode !== 'github-oidc') {
        const clientInputs = [
            ['client-id', auth.oauth?.clientId],
            ['client-secret', auth.oauth?.clientSecret]
        ];
        for (const [name, value] of clientInputs) {
            if (value !== undefined) {
                ignored.push(`${name} (from ${from(name)}): auth-mode is ${mode}`);
            }
        }
    }
    ignored.push(...ignoredHokusaiKey(mode, auth));
    return ignored;
}
const SIGV4_IGNORED = 'a SageMaker ARN is signed with AWS SigV4, and no token or password is ' +
    'sent to it';
function ignoredTokenReason(mode, auth) {
    if (mode === 'sigv4')
        return SIGV4_IGNORED;
    return auth.mode === 'auto'
        ? 'Basic credentials take precedence, as in the MLflow client'
        : `auth-mode is ${mode}`;
}

;// CONCATENATED MODULE: ./src/config/aws-credentials.ts

/**
 * The variables that `aws-actions/configure-aws-credentials` exports and
 * the AWS SDKs read first.
 */
const AWS_CREDENTIAL_VARIABLES = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN'
];
/**
 * Masks every AWS credential variable that is set, in all its forms. The
 * access key id is masked too, as configure-aws-credentials does.
 */
function maskAwsCredentials(env, mask) {
    for (const name of AWS_CREDENTIAL_VARIABLES) {
        const value = env[name]?.trim();
        if (value)
            maskSecret(mask, value);
    }
}
/**
 * Reads the AWS credentials from the environment. Returns what is set,
 * complete or not; the SigV4 provider reports what is missing.
 */
function readAwsCredentials(env) {
    const read = (name) => {
        const value = env[name]?.trim();
        return value === '' ? undefined : value;
    };
    const accessKeyId = read('AWS_ACCESS_KEY_ID');
    const secretAccessKey = read('AWS_SECRET_ACCESS_KEY');
    const sessionToken = read('AWS_SESSION_TOKEN');
    return {
        ...(accessKeyId ? { accessKeyId } : {}),
        ...(secretAccessKey ? { secretAccessKey } : {}),
        ...(sessionToken ? { sessionToken } : {})
    };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/config/databricks-cfg.ts

/**
 * Parses a Databricks CLI config file (`~/.databrickscfg`) as the
 * Databricks SDK for Python reads it with `configparser`: `[name]`
 * sections, `key = value` or `key: value` lines with lower-cased keys,
 * full-line `#` and `;` comments, indented continuation lines, no inline
 * comments and no interpolation. As in that SDK, the `DEFAULT` section
 * is a profile of its own whose keys are not merged into the others.
 * Errors name the file and the line, never a value, because values are
 * secrets.
 */
function parseDatabricksCfg(text, file) {
    const profiles = new Map();
    let profile;
    let lastKey;
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
    lines.forEach((line, index) => {
        const trimmed = line.trim();
        if (trimmed === '' || /^[#;]/.test(trimmed))
            return;
        const fail = (problem) => {
            throw invalidFile(file, index + 1, problem);
        };
        if (/^\s/.test(line) && profile && lastKey !== undefined) {
            profile.set(lastKey, `${profile.get(lastKey) ?? ''}\n${trimmed}`);
            return;
        }
        const header = /^\[(.+)\]$/.exec(trimmed);
        if (header) {
            const name = header[1] ?? '';
            if (profiles.has(name))
                fail(`profile [${name}] appears twice`);
            profile = new Map();
            profiles.set(name, profile);
            lastKey = undefined;
            return;
        }
        const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
        if (!entry)
            return fail('the line is neither [profile] nor key = value');
        if (!profile)
            return fail('a key comes before the first [profile]');
        const key = (entry[1] ?? '').toLowerCase();
        if (profile.has(key))
            fail(`the key ${key} appears twice in a profile`);
        profile.set(key, entry[2] ?? '');
        lastKey = key;
    });
    return profiles;
}
function invalidFile(file, line, problem) {
    return (0,diagnosis_diagnosis/* configError */.Fj)(`Databricks CLI config file ${file}`, `line ${line} is invalid: ${problem}`, 'Fix the file: each profile starts with a [name] line, followed by ' +
        '`key = value` lines such as `host = https://...`.');
}

;// CONCATENATED MODULE: ./src/config/databricks-uri.ts


// MLflow 3 reads the profile from the authority of the URI and the part
// after a colon as a secret key prefix (`get_db_info_from_uri` in
// mlflow/utils/uri.py). A trailing slash is tolerated.
const DATABRICKS_URI = /^(databricks-uc|databricks)(?::\/\/([^/]*)\/?)?$/i;
/**
 * Parses a tracking or registry URI that names Databricks, or returns
 * undefined for any other URI. `databricks://<scope>:<prefix>` reads
 * the workspace from notebook secrets, which exist only inside a
 * Databricks notebook, so it is rejected here.
 */
function parseDatabricksUri(setting, name) {
    const value = setting.value.trim();
    const match = DATABRICKS_URI.exec(value);
    if (!match) {
        if (/^databricks(-uc)?:/i.test(value))
            throwInvalid(setting, name);
        return undefined;
    }
    const scheme = (match[1] ?? '').toLowerCase();
    const profile = match[2];
    if (profile === undefined)
        return { scheme };
    if (profile.includes(':')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `${quote(value)} names a secret scope and key prefix, which MLflow ` +
            'reads from Databricks secrets inside a notebook only', `Set \`${name}\` to \`${scheme}://<profile>\` for a profile of the ` +
            'Databricks CLI config file, or to `' +
            scheme +
            '` with `databricks-host` and its credentials.');
    }
    if (!/^[^\s@?#[\]]+$/.test(profile))
        throwInvalid(setting, name);
    return { scheme, profile };
}
function throwInvalid(setting, name) {
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `${quote(setting.value.trim())} is not a valid Databricks URI`, `Set \`${name}\` to \`databricks\`, \`databricks-uc\` or ` +
        '`databricks://<profile>` with the name of a Databricks CLI profile.');
}

;// CONCATENATED MODULE: ./src/config/databricks-profile.ts








/** The profile keys this action reads, and the input each one fills. */
const PROFILE_KEYS = [
    ['host', 'databricks-host'],
    ['token', 'databricks-token'],
    ['client_id', 'databricks-client-id'],
    ['client_secret', 'databricks-client-secret']
];
/** The keys that the Databricks SDK for Python marks as sensitive. */
const SECRET_KEYS = [
    'token',
    'client_secret',
    'password',
    'azure_client_secret',
    'google_credentials',
    'metadata_service_url'
];
/**
 * Fills the workspace settings from a Databricks CLI profile when a
 * tracking or registry URI names Databricks. The precedence is that of
 * the Databricks SDK for Python (`Config` in databricks/sdk/config.py),
 * which MLflow 3 uses. Key by key, inputs win over DATABRICKS_*
 * variables, which win over the profile. The profile is
 * `databricks://<profile>`, else
 * `databricks-profile` (DATABRICKS_CONFIG_PROFILE); `DEFAULT` is read only
 * when neither the workspace URL nor any credential is set. The secrets
 * of the profile are masked as soon as the file is parsed.
 */
function applyDatabricksProfile(settings, env, mask, readText = file => (0,external_node_fs_.readFileSync)(file, 'utf8')) {
    const request = findProfileRequest(settings, env);
    if (request === undefined)
        return settings;
    const profiles = readProfiles(request, readText);
    const profile = profiles.get(request.name);
    if (profile === undefined)
        throw missingProfile(request, profiles);
    for (const key of SECRET_KEYS) {
        const value = profile.get(key);
        if (value)
            maskSecret(mask, value);
    }
    const merged = new Map(settings);
    for (const [key, input] of PROFILE_KEYS) {
        const value = profile.get(key);
        if (merged.has(input) || !value)
            continue;
        merged.set(input, {
            value,
            origin: `profile ${request.name} of ${request.file}`,
            label: `\`${key}\` of profile [${request.name}] in ${request.file}`
        });
    }
    checkProfileSettings(merged, settings, request, profile);
    return merged;
}
function findProfileRequest(settings, env) {
    const tracking = settings.get('tracking-uri');
    const registry = settings.get('registry-uri');
    const uris = [
        tracking && readUriProfile(tracking, 'tracking-uri'),
        registry && readUriProfile(registry, 'registry-uri')
    ].filter(uri => uri !== undefined);
    const onlyMode = tracking === undefined && settings.get('auth-mode')?.value === 'databricks';
    if (uris.length === 0 && !onlyMode) {
        checkProfileUnused(settings.get('databricks-profile'));
        return undefined;
    }
    const fileSetting = settings.get('databricks-config-file');
    const file = resolveConfigFile(fileSetting, env);
    const fileSetBy = fileSetting
        ? { fileSetBy: settingLabel('databricks-config-file', fileSetting) }
        : {};
    const named = uris.filter(uri => uri.profile !== undefined);
    const [first, second] = named;
    if (first && second && first.profile !== second.profile) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(second.label, `it names profile ${second.profile ?? ''}, but ${first.label} names ` +
            `profile ${first.profile ?? ''}, and one run uses one workspace`, 'Name the same profile in both URIs, or leave one of them bare.');
    }
    // NOTE: a bare URI next to a named profile uses that profile. MLflow
    // would resolve the bare one from DATABRICKS_CONFIG_PROFILE or DEFAULT.
    if (first?.profile) {
        return { name: first.profile, chosenBy: first.label, file, ...fileSetBy };
    }
    const profileSetting = settings.get('databricks-profile');
    if (profileSetting) {
        return {
            name: profileSetting.value,
            chosenBy: settingLabel('databricks-profile', profileSetting),
            file,
            ...fileSetBy
        };
    }
    const configured = PROFILE_KEYS.some(([, input]) => settings.has(input));
    if (configured)
        return undefined;
    return {
        name: 'DEFAULT',
        chosenBy: 'the default profile',
        file,
        ...fileSetBy
    };
}
/**
 * Rejects a `databricks-profile` input that no Databricks URI reads. The
 * variable DATABRICKS_CONFIG_PROFILE is often set for every job, so only
 * the input, which names this run's intent, is checked.
 */
function checkProfileUnused(profile) {
    if (profile?.origin !== 'input')
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('databricks-profile', profile), `it names profile '${profile.value}', but neither \`tracking-uri\` ` +
        'nor `registry-uri` is a Databricks URI, so no profile is read', 'Set `tracking-uri` to `databricks` or `registry-uri` to ' +
        '`databricks-uc` to use the profile, or remove `databricks-profile`.');
}
function readUriProfile(setting, name) {
    const uri = parseDatabricksUri(setting, name);
    if (uri === undefined)
        return undefined;
    if (name === 'tracking-uri' && uri.scheme !== 'databricks')
        return undefined;
    return {
        ...(uri.profile ? { profile: uri.profile } : {}),
        label: settingLabel(name, setting)
    };
}
/** Returns `databricks-config-file` with `~` expanded, or the default. */
function resolveConfigFile(setting, env) {
    const home = env.HOME ?? (0,external_node_os_.homedir)();
    const file = setting?.value ?? '~/.databrickscfg';
    const expanded = file.replace(/^~(?=$|\/)/, home);
    return external_node_path_default().resolve(expanded);
}
function readProfiles(request, readText) {
    let text;
    try {
        text = readText(request.file);
    }
    catch (error) {
        const code = error.code ?? 'an error';
        const problem = code === 'ENOENT' ? 'does not exist' : `could not be read (${code})`;
        throw (0,diagnosis_diagnosis/* configError */.Fj)(request.fileSetBy ?? request.chosenBy, `profile ${request.name} is read from the Databricks CLI config ` +
            `file ${request.file}, which ${problem}`, 'Write the profile to that file, or set `databricks-config-file` ' +
            '(DATABRICKS_CONFIG_FILE) to the path of the file that has it. ' +
            'Without a profile, set `databricks-host` and `databricks-token` ' +
            '(DATABRICKS_HOST and DATABRICKS_TOKEN) or the client ID and secret.');
    }
    return parseDatabricksCfg(text, request.file);
}
function missingProfile(request, profiles) {
    const names = [...profiles.keys()];
    const found = names.length > 0 ? names.join(', ') : 'none';
    return (0,diagnosis_diagnosis/* configError */.Fj)(request.chosenBy, `the Databricks CLI config file ${request.file} has no profile ` +
        `[${request.name}] (its profiles: ${found})`, `Add a [${request.name}] section with host and token to the file, or ` +
        'name one of its profiles in `databricks://<profile>` or ' +
        '`databricks-profile` (DATABRICKS_CONFIG_PROFILE).');
}
/**
 * Checks that the merged settings name a workspace and credentials for
 * it, and that the profile's credentials go to the profile's own host.
 */
function checkProfileSettings(merged, inputSettings, request, profile) {
    const where = `profile [${request.name}] in ${request.file}`;
    if (!merged.has('databricks-host')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(request.chosenBy, `${where} has no host, and \`databricks-host\` is not set`, `Add \`host = https://<workspace URL>\` to the profile, or set ` +
            '`databricks-host` (DATABRICKS_HOST).');
    }
    const oidc = merged.get('auth-mode')?.value === 'github-oidc';
    const hasToken = merged.has('databricks-token');
    const hasClient = merged.has('databricks-client-id') && merged.has('databricks-client-secret');
    if (!oidc && !hasToken && !hasClient) {
        const authType = profile.get('auth_type');
        throw (0,diagnosis_diagnosis/* configError */.Fj)(request.chosenBy, `${where} has no token, nor client_id and client_secret` +
            (authType ? ` (its auth_type ${authType} is not supported)` : ''), 'Add `token = <personal access token>`, or the `client_id` and ' +
            '`client_secret` of a service principal, to the profile. Logins ' +
            'such as databricks-cli and azure-cli need a browser, which a CI ' +
            'job does not have.');
    }
    checkHostOwner(inputSettings, profile, where);
}
/**
 * Rejects a workspace URL from an input or variable that differs from
 * the profile's host when the profile supplies the credentials. The
 * Databricks SDK would send them there, but this action sends a
 * profile's secret only to the host that the profile names.
 */
function checkHostOwner(inputSettings, profile, where) {
    const host = inputSettings.get('databricks-host');
    const profileHost = profile.get('host');
    if (!host || !profileHost)
        return;
    if (normaliseHost(host.value) === normaliseHost(profileHost))
        return;
    const secrets = PROFILE_KEYS.filter(([key, input]) => key !== 'host' && !inputSettings.has(input) && profile.get(key));
    if (secrets.length === 0)
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('databricks-host', host), `it names another workspace than the host of ${where}, which ` +
        `supplies the ${secrets.map(([key]) => key).join(' and ')}`, 'Unset `databricks-host` (DATABRICKS_HOST) to use the profile, or ' +
        `set the credentials for ${host.value} next to it.`);
}
function normaliseHost(value) {
    const trimmed = value.trim().replace(/\/+$/, '').toLowerCase();
    return /^[a-z][a-z0-9+.-]*:\/\//.test(trimmed)
        ? trimmed
        : `https://${trimmed}`;
}

;// CONCATENATED MODULE: ./src/text/plural.ts
/**
 * Writes a count with its noun, such as `1 version` or `3 versions`.
 * `plural` is for nouns whose plural is not the noun with an `s`.
 */
function countOf(count, noun, plural = `${noun}s`) {
    return `${count} ${count === 1 ? noun : plural}`;
}

;// CONCATENATED MODULE: ./src/register/proxy-file-names.ts


/** A `%` that MLflow's artifact proxy decodes as an escape. */
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;
/**
 * Tells whether MLflow's artifact proxy would refuse a path or store it
 * under another name. Its path check (MLflow 3.17,
 * `validate_path_is_safe`) rejects `#` and turns control characters into
 * `%xx` escapes. It decodes `%` escapes until nothing changes, so `a%2Fb`
 * becomes the folder `a/b` (a `%` that starts no escape, as in
 * `100%.txt`, stays). Each decoding parses the path as a URL and joins
 * it again, which drops an empty query (`what?` becomes `what`) and
 * empty parameters (`weights;` becomes `weights`).
 */
function isUnstorable(relativePath) {
    for (let i = 0; i < relativePath.length; i++) {
        const code = relativePath.charCodeAt(i);
        if (code < 0x20 || code === 0x7f)
            return true;
    }
    if (relativePath.includes('#') || PERCENT_ESCAPE.test(relativePath)) {
        return true;
    }
    return losesEmptyParts(relativePath);
}
/**
 * Tells whether Python's `urlunparse(urlparse(path))` drops a part of
 * the path: a `?` that starts an empty query, or a `;` that starts empty
 * parameters, which Python takes from the last segment before the query.
 */
function losesEmptyParts(relativePath) {
    const queryAt = relativePath.indexOf('?');
    if (queryAt === relativePath.length - 1)
        return true;
    const beforeQuery = queryAt < 0 ? relativePath : relativePath.slice(0, queryAt);
    const lastSegment = beforeQuery.slice(beforeQuery.lastIndexOf('/') + 1);
    const paramsAt = lastSegment.indexOf(';');
    return paramsAt >= 0 && paramsAt === lastSegment.length - 1;
}
/**
 * Rejects model files whose paths the artifact proxy would refuse or
 * store under another name, before anything is written. A refusal in the
 * middle of an upload would read as a server failure. A renamed file
 * would read as an incomplete upload. A bundle of them could never be
 * synced.
 */
function checkProxyFileNames(files) {
    const unstorable = files.filter(file => isUnstorable(file.relativePath));
    if (unstorable.length === 0)
        return;
    const firstNames = unstorable
        .slice(0, 3)
        .map(file => JSON.stringify(file.relativePath))
        .join(', ');
    const more = unstorable.length > 3 ? ` and ${unstorable.length - 3} more` : '';
    throw (0,diagnosis_diagnosis/* configError */.Fj)('input `model-path`', `${countOf(unstorable.length, 'file')} of the model ` +
        `(${firstNames}${more}) cannot go through MLflow's artifact proxy ` +
        "as named: it rejects '#' in a path, decodes a '%' followed by " +
        'two hex digits as an escape, renames control characters, and ' +
        "drops a '?' or ';' that ends a name", "Rename the files without '#', '%' escapes, control characters or " +
        "a trailing '?' or ';', " +
        'or log the model with the MLflow client and register it by ' +
        '`source`.');
}

;// CONCATENATED MODULE: ./src/config/alias-guards.ts


const GUARD_ENTRY = /^([^=\s]+)\s*=\s*(\S+)$/;
const VERSION_NUMBER = /^[1-9]\d*$/;
/**
 * Parses `expected-alias-versions` entries such as `champion=3` or
 * `champion=none`, separated by commas or newlines. Each alias must be
 * one that `aliases` moves, because a guard on any other alias would
 * never be checked.
 */
function parseAliasGuards(setting, aliases) {
    if (!setting)
        return [];
    const label = settingLabel('expected-alias-versions', setting);
    const entries = setting.value
        .split(/[,\n]/)
        .map(entry => entry.trim())
        .filter(entry => entry !== '');
    const guards = new Map();
    for (const text of entries) {
        const guard = parseGuard(label, text);
        if (!aliases.includes(guard.alias)) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `alias ${quote(guard.alias)} is not in \`aliases\`, so this run ` +
                'never moves it', `Add ${guard.alias} to \`aliases\`, or remove its entry.`);
        }
        if (guards.has(guard.alias)) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `alias ${quote(guard.alias)} is given more than once`, 'Give one expected version per alias.');
        }
        guards.set(guard.alias, guard);
    }
    return [...guards.values()];
}
function parseGuard(label, text) {
    const match = GUARD_ENTRY.exec(text);
    const alias = match?.[1];
    const version = match?.[2]?.toLowerCase();
    if (alias === undefined ||
        version === undefined ||
        (version !== 'none' && !VERSION_NUMBER.test(version))) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(text)} is not alias=version`, 'Write each entry as alias=version, such as champion=3, or as ' +
            'champion=none for an alias that must not be set yet.');
    }
    return {
        text,
        alias,
        expectedVersion: version === 'none' ? null : version
    };
}

;// CONCATENATED MODULE: ./src/config/registry-rules.ts
/**
 * MLflow's own checks on registry names, tags and aliases, applied before
 * any request so that a bad value never leaves a version half-configured.
 * The rules follow `mlflow/utils/validation.py` in MLflow 3.17.2.
 */
/** Maximum length of a model version tag key. */
const MAX_TAG_KEY_LENGTH = 250;
/** Maximum length of a model version tag value (MLflow 3.x). */
const MAX_TAG_VALUE_LENGTH = 100_000;
/**
 * Maximum length of a model version description: the size of its column
 * in MLflow 3.17.2's SQL schema (`String(5000)`). MLflow's validator does
 * not check it, so PostgreSQL and MySQL reject a longer one with a
 * database error, while SQLite stores it.
 */
const MAX_DESCRIPTION_LENGTH = 5000;
/** Maximum length of an alias. */
const MAX_ALIAS_LENGTH = 255;
const TAG_KEY_PATTERN = /^[/\p{L}\p{N}_.\- :]+$/u;
const ALIAS_PATTERN = /^[\p{L}\p{N}_-]+$/u;
const CONTROL_CHARACTER = /\p{Cc}/u;
/** Returns why a registered model name is invalid, or undefined. */
function checkModelName(name) {
    if (name !== name.trim())
        return 'it has leading or trailing whitespace';
    if (name === '')
        return 'it is empty';
    if (CONTROL_CHARACTER.test(name))
        return 'it contains a control character';
    if (name.includes('/') || name.includes(':')) {
        return "MLflow model names cannot contain '/' or ':'";
    }
    if (name === '.' || name.startsWith('..')) {
        return "MLflow model names cannot be '.' or start with '..'";
    }
    return undefined;
}
/** Returns why a model version tag key is invalid, or undefined. */
function checkTagKey(key) {
    if (key.length > MAX_TAG_KEY_LENGTH) {
        return tooLong(key.length, MAX_TAG_KEY_LENGTH);
    }
    if (!TAG_KEY_PATTERN.test(key)) {
        return ('tag keys may contain only letters, digits, underscores, dashes, ' +
            'periods, spaces, colons and slashes');
    }
    const segments = key.split('/');
    if (key.startsWith('/') ||
        key.startsWith('..') ||
        segments.some(s => s === '' || s === '.' || s === '..')) {
        return ('tag keys must be relative paths that do not start with ".." and ' +
            'have no empty, "." or ".." parts');
    }
    return undefined;
}
/** Returns why an alias is invalid, or undefined. */
function checkAlias(alias) {
    if (alias.length > MAX_ALIAS_LENGTH) {
        return tooLong(alias.length, MAX_ALIAS_LENGTH);
    }
    if (!ALIAS_PATTERN.test(alias)) {
        return 'aliases may contain only letters, digits, underscores and dashes';
    }
    if (alias.toLowerCase() === 'latest') {
        return "'latest' is reserved by MLflow (in any case)";
    }
    if (/^[vV]\d+$/.test(alias)) {
        return "'v' followed by digits is reserved by MLflow for version numbers";
    }
    return undefined;
}
function tooLong(length, limit) {
    return `it is ${length} characters long; the limit is ${limit}`;
}

;// CONCATENATED MODULE: ./src/config/lists.ts



/**
 * Parses `key=value` lines into tags. Blank lines are skipped; the first
 * `=` splits key from value, so values may contain `=`.
 */
function parseTags(setting) {
    if (!setting)
        return [];
    const label = settingLabel('tags', setting);
    const tags = new Map();
    for (const [index, rawLine] of setting.value.split(/\r?\n/).entries()) {
        const line = rawLine.trim();
        if (line === '')
            continue;
        const separator = line.indexOf('=');
        if (separator <= 0) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `line ${index + 1} is ${quote(line)}, expected key=value`, 'Write one tag per line as key=value.');
        }
        const key = line.slice(0, separator).trim();
        const value = line.slice(separator + 1).trim();
        checkTag(label, key, value);
        tags.set(key, value);
    }
    return [...tags].map(([key, value]) => ({ key, value }));
}
/**
 * Tag key prefixes the action writes itself. A user tag with one of them
 * is rejected rather than dropped with a warning. The `ci.*` tags are the
 * version's provenance, so a user value could claim another commit or
 * run, and a warning is easy to miss in a long log.
 */
const RESERVED_TAG_PREFIXES = ['ci.', 'mlflow_register.'];
function checkTag(label, key, value) {
    const reserved = RESERVED_TAG_PREFIXES.find(prefix => key.startsWith(prefix));
    if (reserved) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `tag key ${quote(key)} starts with ${quote(reserved)}, a prefix ` +
            'reserved for the provenance tags this action sets', `Rename the tag so that it does not start with ${reserved}`);
    }
    const keyProblem = checkTagKey(key);
    if (keyProblem) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `tag key ${quote(key)} is invalid: ${keyProblem}`, 'Rename the tag.');
    }
    if (value.length > MAX_TAG_VALUE_LENGTH) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `the value of tag ${quote(key)} is ${value.length} characters ` +
            `long; MLflow accepts at most ${MAX_TAG_VALUE_LENGTH}`, 'Shorten the value, or store long text as a run artifact.');
    }
}
/** Parses aliases separated by commas or newlines, checking each one. */
function parseAliases(setting) {
    if (!setting)
        return [];
    const aliases = setting.value
        .split(/[,\n]/)
        .map(alias => alias.trim())
        .filter(alias => alias !== '');
    const problems = aliases.flatMap(alias => {
        const problem = checkAlias(alias);
        return problem ? [`${quote(alias)}: ${problem}`] : [];
    });
    if (problems.length > 0) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('aliases', setting), `invalid ${problems.length === 1 ? 'alias' : 'aliases'} ` +
            problems.join('; '), 'Choose alias names such as champion or staging-eu.');
    }
    return [...new Set(aliases)];
}

;// CONCATENATED MODULE: ./src/config/metric-gates.ts



/** The comparison operators a metric gate accepts. */
const GATE_OPERATORS = ['>=', '<=', '>', '<', '=='];
// MLflow metric keys contain letters, digits, `_ - . / :` and spaces, so
// the key is everything before the first operator.
const GATE_LINE = /^(.+?)\s*(>=|<=|==|>|<)\s*(\S+)$/;
const METRIC_KEY = /^[\w\-. /:]+$/;
const numberSchema = schemas/* string */.YjP()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)
    .transform(Number)
    // zod's number rejects Infinity, which 1e400 would otherwise become.
    .pipe(schemas/* number */.aig());
/**
 * Parses `require-metric` lines such as `val_auc >= 0.91` or
 * `val_loss <= champion`. A name on the right must be the first alias,
 * whose current version is the one the new version is compared with.
 * `uploadsModel` is true when the model comes from `model-path`.
 */
function parseMetricGates(setting, aliases, uploadsModel = false) {
    if (!setting)
        return [];
    const label = settingLabel('require-metric', setting);
    if (uploadsModel && setting.value.trim() !== '') {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'metric gates read the source run, and a `model-path` upload goes ' +
            'into a new run that has no metrics', "Register the training run's model with " +
            '`source: runs:/<run-id>/<path>` instead of `model-path`, or ' +
            'remove `require-metric`.');
    }
    const gates = [];
    for (const [index, rawLine] of setting.value.split(/\r?\n/).entries()) {
        const line = rawLine.trim();
        if (line === '')
            continue;
        const match = GATE_LINE.exec(line);
        if (!match?.[1] || !match[2] || !match[3] || !METRIC_KEY.test(match[1])) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `line ${index + 1} is ${quote(line)}, expected ` +
                '`<metric> <operator> <number or alias>` with an operator of ' +
                GATE_OPERATORS.join(' '), 'Write one condition per line, such as `val_auc >= 0.91` or ' +
                '`val_loss <= champion`.');
        }
        gates.push({
            text: line,
            metric: match[1],
            operator: match[2],
            threshold: parseThreshold(`${label}, line ${index + 1}`, match[3], aliases)
        });
    }
    if (gates.length > 0 && aliases.length === 0) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'metric gates decide whether aliases move, but no `aliases` are set', 'Set `aliases` (for example champion), or remove `require-metric`.');
    }
    return gates;
}
function parseThreshold(label, value, aliases) {
    const number = numberSchema.safeParse(value);
    if (number.success)
        return { kind: 'number', value: number.data };
    if (value === aliases[0])
        return { kind: 'alias', alias: value };
    const first = aliases[0];
    throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} is neither a number nor the first alias` +
        (first ? ` (${quote(first)})` : ''), 'Compare with a number, or with the first alias in `aliases`, whose ' +
        'current version is the one the new version replaces.');
}

;// CONCATENATED MODULE: ./src/config/model-location.ts




const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** A Windows drive path such as `C:\model`, which looks like a URI scheme. */
const DRIVE_PATH = /^[a-z]:[\\/]/i;
/**
 * The run id of a `runs:/` source, as MLflow 3.17's `_RUN_ID_REGEX`
 * (mlflow/utils/validation.py) checks it: `^[a-zA-Z0-9][\w\-]{0,255}$`.
 * Python's `\w` also matches Unicode letters and digits, and `\p{L}\p{N}`
 * accepts every character that it matches in Python 3.11.
 */
const RUN_ID = /^[a-zA-Z0-9][\p{L}\p{N}_-]{0,255}$/u;
/**
 * Checks that exactly one of `source` and `model-path` is set, that a
 * source is a URI the server can resolve, and that a model path is a
 * readable MLflow model directory.
 */
function parseModelLocation(source, modelPath, workspace) {
    if (source && modelPath) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('inputs `source` and `model-path`', 'both are set, but a version has exactly one origin', 'Set `source` for a model already on the server, or `model-path` ' +
            'for a local model directory, not both.');
    }
    if (source)
        return { source: checkSource(source) };
    if (modelPath)
        return { modelPath: checkModelPath(modelPath, workspace) };
    throw (0,diagnosis_diagnosis/* configError */.Fj)('inputs `source` and `model-path`', 'neither is set, so there is no model to register', 'Set `source` (for example runs:/<run-id>/model) or `model-path` ' +
        '(a directory with an MLmodel file).');
}
function checkSource(setting) {
    const value = setting.value;
    const label = settingLabel('source', setting);
    const isLocal = !URI_SCHEME.test(value) || DRIVE_PATH.test(value) || /^file:/i.test(value);
    if (isLocal) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} is a local path, which a tracking server cannot read`, 'Use `model-path` to upload a local model directory, or give a ' +
            'runs:/, models:/ or artifact URI.');
    }
    if (value.split(/[/\\]/).includes('..') || value.includes('\0')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} contains a ".." segment, which MLflow rejects`, 'Use the normalised URI of the model.');
    }
    if (/^runs:\/*$/i.test(value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} names no run`, 'Give the run id and the artifact path of the model, as in ' +
            'runs:/<run-id>/model.');
    }
    if (/^models:\/*[^/@]*$/i.test(value) && !/^models:\/m-/i.test(value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} names no version of a registered model`, 'Use models:/<name>/<version>, models:/<name>@<alias> or the ' +
            'logged model models:/<model-id>.');
    }
    if (/^runs:\/[^/]+\/?$/i.test(value)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} names a run but no model path inside it`, 'Add the artifact path of the model, as in runs:/<run-id>/model.');
    }
    checkRunId(value, label);
    return value;
}
/**
 * Checks the run id of a `runs:/` source before any request, so that a
 * placeholder such as `<run-id>` copied from an example fails at once,
 * also offline, where it would otherwise fail only when it is synced.
 */
function checkRunId(value, label) {
    const runId = /^runs:\/([^/]+)\//i.exec(value)?.[1];
    if (runId === undefined || RUN_ID.test(runId))
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(value)} names the run ${quote(runId)}, but an MLflow run id ` +
        'is 1 to 256 letters, digits, underscores or hyphens that start ' +
        'with a letter or digit (MLflow makes them 32 hexadecimal digits)', `Replace ${quote(runId)} with the id of the run that logged the ` +
        'model: mlflow.active_run().info.run_id in the training code, or ' +
        'the id after /runs/ in the URL of its page in the MLflow UI.');
}
function checkModelPath(setting, workspace) {
    const label = settingLabel('model-path', setting);
    // Node's file functions throw a TypeError on a NUL byte in a path.
    if (setting.value.includes('\0')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(setting.value)} contains a NUL byte, which no path can hold`, 'Point `model-path` at the model directory, relative to the workspace.');
    }
    const directory = external_node_path_default().resolve(workspace, setting.value);
    const stats = (0,external_node_fs_.statSync)(directory, { throwIfNoEntry: false });
    if (!stats?.isDirectory()) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(setting.value)} is not a directory` +
            (stats ? '' : ` (nothing exists at ${directory})`), 'Point `model-path` at the directory that mlflow.<flavor>.save_model ' +
            'wrote, relative to the workspace.');
    }
    const mlmodel = (0,external_node_fs_.statSync)(external_node_path_default().join(directory, 'MLmodel'), {
        throwIfNoEntry: false
    });
    if (!mlmodel?.isFile()) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${directory} is not an MLflow model directory: it has no MLmodel file`, 'Point `model-path` at the directory that contains the MLmodel ' +
            'file, not its parent or a single model file.');
    }
    return directory;
}

;// CONCATENATED MODULE: ./src/config/registration-fields.ts








/**
 * Validates the registration's settings. The model name and location are
 * required in `register` mode only; `sync` may filter by model name.
 */
function parseRegistrationFields(get, mode, workspace) {
    const required = (name) => registration_fields_requireSetting(name, get);
    const modelName = parseModelName(mode === 'register' ? required('model-name') : get('model-name'));
    const location = mode === 'register'
        ? parseModelLocation(get('source'), get('model-path'), workspace)
        : {};
    const aliases = parseAliases(get('aliases'));
    return {
        modelName,
        ...location,
        artifactPath: parseArtifactPath(required('artifact-path')),
        experimentName: required('experiment-name').value,
        ...optional('description', parseDescription(get('description'))),
        tags: parseTags(get('tags')),
        aliases,
        aliasGuards: parseAliasGuards(get('expected-alias-versions'), aliases),
        metricGates: parseMetricGates(get('require-metric'), aliases, 'modelPath' in location),
        ...optional('idempotencyKey', get('idempotency-key')?.value),
        forceNewVersion: parseSetting('force-new-version', required('force-new-version'), booleanSchema, 'true or false', 'Set `force-new-version` to true or false.')
    };
}
/** Returns a setting, or throws the error of a required input left empty. */
function registration_fields_requireSetting(name, get) {
    const setting = get(name);
    if (setting)
        return setting;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${name}\``, 'it is required but empty', `Set \`${name}\` in the step's \`with:\` block.`);
}
function optional(key, value) {
    return value === undefined || value === ''
        ? {}
        : { [key]: value };
}
function parseModelName(setting) {
    if (!setting)
        return '';
    const problem = checkModelName(setting.value);
    if (!problem)
        return setting.value;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('model-name', setting), `${quote(setting.value)} is not a valid registered model name: ${problem}`, 'Choose a name such as fraud-model.');
}
function parseArtifactPath(setting) {
    const value = setting.value.replace(/^\/+|\/+$/g, '');
    const parts = value.split('/');
    if (value === '' || parts.some(p => p === '' || p === '.' || p === '..')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('artifact-path', setting), `${quote(setting.value)} is not a relative path inside a run`, 'Use a plain relative path such as model.');
    }
    // The model's files go below it, so only its own characters count,
    // and a `?` would end the path of the version's `runs:/` source.
    if (value.includes('?') || isUnstorable(`${value}/file`)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('artifact-path', setting), `${quote(setting.value)} holds a character that MLflow refuses or ` +
            "reads otherwise in an artifact path: '#', '?', a '%' followed " +
            'by two hex digits, or a control character', 'Use a plain relative path such as model.');
    }
    return value;
}
function parseDescription(setting) {
    if (!setting)
        return undefined;
    const { length } = setting.value;
    if (length > MAX_DESCRIPTION_LENGTH) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('description', setting), `it is ${length} characters long; MLflow stores at most ` +
            `${MAX_DESCRIPTION_LENGTH}`, 'Shorten the description, or store long text as a run artifact.');
    }
    return setting.value;
}

;// CONCATENATED MODULE: ./src/config/offline-settings.ts






/** Tells an offline configuration from one for a tracking server. */
function isOffline(config) {
    return 'offline' in config;
}
const offlineSchema = schemas/* string */.YjP()
    .toLowerCase()
    .pipe(schemas/* enum */.k5n([...OFFLINE_CHOICES, '1', '0', 'yes', 'no']))
    .transform(value => {
    if (value === '1' || value === 'yes')
        return 'true';
    if (value === '0' || value === 'no')
        return 'false';
    return value;
});
/**
 * Returns the configuration of an offline registration, or undefined when
 * this run talks to a tracking server. Offline applies to `register`
 * only, because `preflight` and `sync` exist to reach a server.
 */
function parseOfflineConfig(settings, workspace) {
    const get = (name) => settings.get(name);
    const setting = get('offline');
    const choice = setting
        ? parseSetting('offline', setting, offlineSchema, 'auto, true or false', 'Set `offline` to true, false, or leave it unset for auto.')
        : 'auto';
    if (choice === 'false')
        return undefined;
    if (choice === 'auto' && get('tracking-uri'))
        return undefined;
    const mode = get('mode')?.value ?? 'register';
    if (mode !== 'register') {
        if (choice === 'auto')
            return undefined;
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('offline', setting), `offline is true, but \`mode: ${mode}\` needs a tracking server`, 'Remove `offline`, and set `tracking-uri` to the MLflow server.');
    }
    const signing = get('signing');
    if (signing && signing.value !== 'none') {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('signing', signing), 'a registration into the local registry is not signed', 'Set `tracking-uri` to register on a server, or set `signing` to none.');
    }
    rejectSourceChecks(get);
    const origins = new Map();
    for (const [name, value] of settings)
        origins.set(name, value.origin);
    return {
        mode: 'register',
        ...parseRegistrationFields(get, 'register', workspace),
        offline: {
            reason: choice === 'true' ? 'offline-input' : 'no-tracking-uri',
            registryDir: resolveRegistryDir(get('registry-dir'), workspace)
        },
        origins
    };
}
/**
 * Rejects `verify-signature` and `digest-source`, because the local
 * registry neither verifies nor digests a source, and a sync of it would
 * register the source unchecked.
 */
function rejectSourceChecks(get) {
    const checks = [
        ['verify-signature', "verify the source's signature"],
        ['digest-source', "compute the source's model digest"]
    ];
    for (const [name, check] of checks) {
        const setting = get(name);
        if (!setting)
            continue;
        const enabled = parseSetting(name, setting, booleanSchema, 'true or false', `Set \`${name}\` to true or false.`);
        if (!enabled)
            continue;
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `a registration into the local registry does not ${check}`, `Set \`tracking-uri\` to register on a server, or remove \`${name}\`.`);
    }
}
/**
 * Returns the local registry's directory: the `registry-dir` input, or
 * `.mlflow-register/registry` in the workspace. Unlike bundles, the local
 * registry is kept after a sync, so it lives in the workspace and not in
 * RUNNER_TEMP.
 */
function resolveRegistryDir(setting, workspace) {
    if (setting?.value)
        return external_node_path_default().resolve(workspace, setting.value);
    return external_node_path_default().join(workspace, '.mlflow-register', 'registry');
}

;// CONCATENATED MODULE: ./src/provenance/attest.ts
/**
 * GitHub build provenance attestations of a model: an SLSA provenance
 * statement about the model's digest, signed with Sigstore and stored in
 * the repository's attestations, through `@actions/attest`.
 */



const SHA256_HEX = /^[0-9a-f]{64}$/;
/**
 * Attests the build provenance of a model and returns where it is
 * stored. Checks the job's permissions before any request.
 *
 * NOTE: @actions/attest 3.2.0 sends its requests through its own clients
 * and reads the ID token variables from process.env, whatever `env` is.
 * The `ca-cert` and proxy inputs do not apply to those requests.
 */
async function attestModelProvenance(request) {
    checkAttestationPermissions(request.env, request.githubToken);
    if (!SHA256_HEX.test(request.sha256)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('model digest', `expected 64 lowercase hex digits of SHA-256, got ` +
            quote(request.sha256), 'Pass the digest that the model signing step computed.');
    }
    request.setSecret(request.githubToken);
    // Imported on first use: @actions/attest reads the workflow context
    // from the environment when it loads, and only attestations need it.
    const { attestProvenance } = await Promise.all(/* import() */[__webpack_require__.e(969), __webpack_require__.e(169)]).then(__webpack_require__.bind(__webpack_require__, 30169));
    // The API returns a number, though @actions/attest types it a string.
    let id;
    try {
        const attestation = await attestProvenance({
            subjects: [
                { name: request.modelName, digest: { sha256: request.sha256 } }
            ],
            token: request.githubToken,
            ...(request.issuer === undefined ? {} : { issuer: request.issuer })
        });
        id = attestation.attestationID;
    }
    catch (error) {
        throw attestationFailed(error instanceof Error ? error.message : String(error), { cause: error });
    }
    if (typeof id !== 'number' && typeof id !== 'string') {
        throw attestationFailed('the attestations API returned no id');
    }
    const text = String(id);
    return { id: text, url: attestationUrl(request.env, text) };
}
/**
 * Checks that the job can request an ID token (`id-token: write`) and
 * has a token for the attestations API (`attestations: write`).
 */
function checkAttestationPermissions(env, githubToken) {
    const canRequestIdToken = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL) &&
        Boolean(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    if (!canRequestIdToken) {
        const reason = isForkPullRequest(env)
            ? 'this job runs for a pull request from a fork, and GitHub issues ' +
                'no ID token to those'
            : 'the job lacks the `id-token: write` permission ' +
                '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
                'are not set)';
        throw permissionError(`attest is true, but ${reason}`, 'Add `permissions: id-token: write` to the job (or the workflow); ' +
            'attest from a workflow that runs on the base repository.');
    }
    if (githubToken === '') {
        throw permissionError('attest is true, but input `github-token` is empty, and storing ' +
            'the attestation needs a token with `attestations: write`', 'Give `github-token: ${{ github.token }}` and add ' +
            '`permissions: attestations: write` to the job.');
    }
}
function permissionError(detail, fix) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('ATTESTATION_PERMISSION', detail, fix));
}
function attestationFailed(message, options) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('ATTESTATION_FAILED', `Creating the build provenance attestation failed: ${message.trim()}`, 'A 403 or 404 means the token cannot write attestations: check ' +
        '`permissions: attestations: write`. Otherwise run the job again.'), options);
}
/** Builds the attestation's page URL, as GitHub's attest action does. */
function attestationUrl(env, id) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = env.GITHUB_REPOSITORY ?? '';
    return `${server}/${repository}/attestations/${id}`;
}

;// CONCATENATED MODULE: ./src/config/attest-settings.ts

/**
 * Checks, before any request of the run, that `attest: true` can work.
 * The attestation's subject is the model digest, which the action
 * computes for `model-path`, and for a `source` from its verified
 * signature or by streaming its files down. Storing it needs the job's
 * ID token and a token with `attestations: write`.
 */
function checkAttestUse(config, env) {
    if (!config.attest || config.mode !== 'register')
        return;
    // A dry run attests nothing, so it needs no permissions.
    if (config.dryRun)
        return;
    checkAttestationPermissions(env, config.bundle.githubToken ?? '');
}

;// CONCATENATED MODULE: ./src/config/bundle-settings.ts




/**
 * Reads `on-unavailable`, `bundle-dir` and `github-token`. A relative
 * bundle directory is resolved against the workspace.
 */
function parseBundleSettings(get, workspace) {
    const onUnavailable = parseSetting('on-unavailable', get('on-unavailable') ?? { value: 'bundle', origin: 'default' }, schemas/* enum */.k5n(ON_UNAVAILABLE), ON_UNAVAILABLE.join(' or '), 'Set `on-unavailable` to bundle (defer and pass) or fail.');
    const directory = get('bundle-dir')?.value;
    const githubToken = get('github-token')?.value;
    return {
        onUnavailable,
        ...(directory ? { directory: external_node_path_default().resolve(workspace, directory) } : {}),
        ...(githubToken ? { githubToken } : {})
    };
}

;// CONCATENATED MODULE: ./src/config/cleartext.ts


/**
 * Rejects credentials bound for a tracking server over plain `http` on a
 * host other than loopback, where anyone on the path could read them,
 * unless `allow-insecure-http` is set. It runs while the configuration is
 * parsed, so the check precedes every connection.
 */
function checkCleartextCredentials(url, auth, extraHeaders, allowInsecureHttp) {
    if (url.protocol !== 'http:' || isLoopbackHost(url.hostname))
        return;
    if (allowInsecureHttp || !sendsCredentials(auth, extraHeaders))
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)('input `tracking-uri`', `${url.origin} is plain http on a host that is not loopback, so the ` +
        'credentials would cross the network unencrypted', 'Use the https:// URL of the server, or set `allow-insecure-http: ' +
        'true` if the network between the runner and the server is trusted.');
}
function sendsCredentials(auth, extraHeaders) {
    if (extraHeaders.length > 0)
        return true;
    if (auth.mode === 'none')
        return false;
    if (auth.mode !== 'auto')
        return true;
    return (auth.username !== undefined ||
        auth.password !== undefined ||
        auth.token !== undefined ||
        auth.hokusaiKey !== undefined ||
        auth.oauth !== undefined ||
        auth.oidc !== undefined);
}

;// CONCATENATED MODULE: ./src/config/databricks-host.ts




/**
 * Normalises DATABRICKS_HOST: `https://` is added to a bare host name and
 * trailing slashes are removed. A query or fragment is dropped with a
 * warning, because the API paths are joined to the URL.
 */
function parseDatabricksHost(setting) {
    const label = settingLabel('databricks-host', setting);
    const raw = setting.value.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
        ? raw
        : `https://${raw}`;
    const url = URL.parse(withScheme);
    const shown = quote(redactUserinfo(raw));
    if (url === null || !['https:', 'http:'].includes(url.protocol)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} is not a workspace URL`, 'Set `databricks-host` to the URL of the workspace, such as ' +
            'https://dbc-1234.cloud.databricks.com.');
    }
    if (url.username || url.password) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} contains user info`, 'Remove it, and set the credentials in `databricks-token` or ' +
            '`databricks-client-id` and `databricks-client-secret`.');
    }
    if (url.protocol === 'http:' && !isLoopbackHttp(url)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} does not use https, so the token would cross the network ` +
            'in clear text', 'Use the https URL of the workspace.');
    }
    return normalise(url, label);
}
function normalise(url, label) {
    const dropped = url.search || url.hash;
    const clean = new URL(url.href);
    clean.search = '';
    clean.hash = '';
    clean.pathname = clean.pathname.replace(/\/+$/, '');
    if (!dropped)
        return { url: clean };
    return {
        url: clean,
        warning: `${label}: dropped the query and fragment of the workspace URL; ` +
            `the requests go to ${clean.href}`
    };
}

;// CONCATENATED MODULE: ./src/config/databricks-settings.ts



/**
 * Reads the workspace when the tracking URI is `databricks`, or when
 * `auth-mode` is `databricks` and no tracking URI is set. Returns
 * undefined for any other tracking URI.
 */
function readDatabricksSettings(get) {
    const uri = get('tracking-uri');
    const mode = get('auth-mode')?.value;
    const named = uri !== undefined && isDatabricksUri(uri);
    if (!named && !(uri === undefined && mode === 'databricks')) {
        return undefined;
    }
    const databricks = readWorkspace(get, 'the tracking URI is `databricks`');
    return { tracking: { url: databricks.host }, auth: { databricks } };
}
/**
 * Reads the workspace of a Databricks registry URI when the tracking
 * server is elsewhere, or returns undefined for any other registry URI.
 * Its credentials go to the workspace only.
 */
function readRegistryWorkspace(get) {
    const registry = get('registry-uri');
    if (!registry || !parseDatabricksUri(registry, 'registry-uri')) {
        return undefined;
    }
    return readWorkspace(get, 'the registry URI names Databricks');
}
function readWorkspace(get, reason) {
    const hostSetting = get('databricks-host');
    if (!hostSetting) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `databricks-host`', `${reason} but no workspace URL is set`, 'Set `databricks-host` or DATABRICKS_HOST to the URL of the ' +
            'workspace, such as https://dbc-1234.cloud.databricks.com, or ' +
            'name a Databricks CLI profile in `databricks://<profile>`.');
    }
    const host = parseDatabricksHost(hostSetting);
    return {
        host: host.url,
        ...(host.warning ? { hostWarning: host.warning } : {}),
        ...databricks_settings_optional('token', get('databricks-token')),
        ...databricks_settings_optional('clientId', get('databricks-client-id')),
        ...databricks_settings_optional('clientSecret', get('databricks-client-secret'))
    };
}
/**
 * Checks whether a tracking URI names Databricks: `databricks` or
 * `databricks://<profile>`, whose profile the configuration loader has
 * already read into the workspace settings.
 */
function isDatabricksUri(setting) {
    return parseDatabricksUri(setting, 'tracking-uri')?.scheme === 'databricks';
}
function databricks_settings_optional(key, setting) {
    return setting ? { [key]: setting.value } : {};
}

;// CONCATENATED MODULE: ./src/config/registry-uri.ts




/**
 * Parses `registry-uri` (or MLFLOW_REGISTRY_URI). `databricks-uc` selects
 * Unity Catalog on `databricks-host`, and `databricks` the workspace
 * registry, which is the tracking server when the tracking URI is
 * `databricks`. An http(s) URL names a second MLflow server.
 */
function parseRegistryUri(setting, tracking, databricks) {
    if (!setting)
        return { kind: 'tracking' };
    const databricksUri = parseDatabricksUri(setting, 'registry-uri');
    if (databricksUri) {
        requireWorkspace(setting, databricks);
        return databricksUri.scheme === 'databricks-uc'
            ? { kind: 'unity-catalog' }
            : { kind: 'workspace' };
    }
    const parsed = parseTrackingUri(setting, 'registry-uri');
    if (parsed.url.href === tracking.href && !parsed.username) {
        return { kind: 'tracking', explicit: true };
    }
    return {
        kind: 'server',
        url: parsed.url,
        sameOrigin: parsed.url.origin === tracking.origin,
        ...(parsed.username ? { username: parsed.username } : {}),
        ...(parsed.password ? { password: parsed.password } : {})
    };
}
/**
 * Rejects a Databricks registry URI without a workspace. The
 * configuration loader has already read the profile that a
 * `databricks-uc://<profile>` URI names.
 */
function requireWorkspace(setting, databricks) {
    const label = settingLabel('registry-uri', setting);
    if (databricks === undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(setting.value.trim())} names a Databricks workspace's ` +
            'registry, but no workspace URL is set', 'Set `databricks-host` (DATABRICKS_HOST) and its credentials, or ' +
            'name a Databricks CLI profile in `databricks-uc://<profile>`.');
    }
}

;// CONCATENATED MODULE: ./src/config/registry-choice.ts



/** Checks whether a model name has Unity Catalog's three parts. */
function isThreePartName(modelName) {
    return modelName.split('.').length === 3;
}
/**
 * Chooses where registry calls go. Without `registry-uri`, a `databricks`
 * tracking URI uses Unity Catalog for a three-part name, as MLflow 3
 * defaults to `databricks-uc`, and the workspace registry otherwise.
 */
function chooseRegistry(setting, tracking, databricks, registration) {
    const registry = parseRegistryUri(setting, tracking, databricks);
    const { modelName } = registration;
    if (setting === undefined &&
        databricks !== undefined &&
        isThreePartName(modelName)) {
        return checkUnityCatalogFields({ kind: 'unity-catalog' }, registration);
    }
    if (registry.kind !== 'unity-catalog')
        return registry;
    if (modelName !== '' && !isThreePartName(modelName)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `model-name`', `'${modelName}' is not a Unity Catalog name, which has three parts: ` +
            'catalog.schema.model', 'Give the catalog and schema, such as main.ml.churn, or set ' +
            '`registry-uri` to `databricks` for the workspace registry.');
    }
    return checkUnityCatalogFields(registry, registration);
}
/**
 * The `source` kinds whose files the tracking server serves through its
 * artifact API, from which this action copies them into Unity Catalog.
 */
const PROXIED_SOURCE = /^(runs:\/|models:\/|mlflow-artifacts:)/;
/**
 * Unity Catalog copies the model files into its own storage. This action
 * reads them from a local `model-path` or, for a `source`, through the
 * tracking server's artifact API; MLflow also reads other URIs with the
 * cloud's own credentials, which this action does not.
 */
function checkUnityCatalogFields(registry, registration) {
    const { source, modelName } = registration;
    if (source === undefined || PROXIED_SOURCE.test(source))
        return registry;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `model '${modelName}' goes to Unity Catalog, which copies the model ` +
        'files into its own storage, but `source` is ' +
        `${describeSource(source)}. ` +
        'This action reads a `source` for that only through the tracking ' +
        "server's artifact API: runs:/, models:/ and mlflow-artifacts: URIs.", 'Download the model (`mlflow artifacts download -u <uri>`) and give ' +
        'its directory as `model-path`, or log it to a run of the ' +
        'tracking server and register runs:/<run-id>/<path>.'));
}
/** Names the kind of a `source` URI that the artifact API does not serve. */
function describeSource(uri) {
    // User info can carry a password, which a message must not show.
    const source = uri.replace(/^([^:/]+:\/\/)[^/@]*@/, '$1');
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1]?.toLowerCase();
    const kind = scheme === undefined ? undefined : SOURCE_KINDS[scheme];
    if (kind)
        return `${kind} (${source})`;
    if (scheme === undefined || /^[a-z]$/.test(scheme)) {
        return `a local path (${source})`;
    }
    return `a ${scheme}: URI (${source})`;
}
const SOURCE_KINDS = {
    s3: 'an S3 URI',
    dbfs: 'a Databricks File System URI',
    gs: 'a Google Cloud Storage URI',
    wasbs: 'an Azure Blob Storage URI',
    abfss: 'an Azure Data Lake Storage URI',
    hdfs: 'an HDFS URI',
    file: 'a local file URI',
    http: 'an HTTP URL',
    https: 'an HTTPS URL'
};
/**
 * Rejects registry URI credentials over plain `http` on a host other than
 * loopback, unless `allow-insecure-http` is set, as for the tracking URI.
 */
function checkRegistryCleartext(registry, allowInsecureHttp) {
    if (registry.kind !== 'server' || allowInsecureHttp)
        return;
    const { url } = registry;
    if (url.protocol !== 'http:' || isLoopbackHost(url.hostname))
        return;
    if (registry.username === undefined && !registry.sameOrigin)
        return;
    throw (0,diagnosis_diagnosis/* configError */.Fj)('input `registry-uri`', `${url.origin} is plain http on a host that is not loopback, so the ` +
        'credentials would cross the network unencrypted', 'Use the https:// URL of the registry server, or set ' +
        '`allow-insecure-http: true` if the network is trusted.');
}

;// CONCATENATED MODULE: ./src/config/sagemaker-arn.ts



const ARN_PATTERN = new RegExp(String.raw `^arn:([a-z-]+):sagemaker:([a-z]{2}(?:-[a-z]+)+-\d+):` +
    String.raw `(\d{12}):([a-z-]+)\/([^/\s]+)$`);
const PARTITIONS = ['aws', 'aws-us-gov'];
const RESOURCES = {
    'mlflow-tracking-server': {
        service: 'sagemaker-mlflow',
        header: 'x-mlflow-sm-tracking-server-arn',
        host: region => `${region}.experiments.sagemaker.aws`
    },
    'mlflow-app': {
        service: 'sagemaker',
        header: 'x-sm-mlflow-app-arn',
        host: region => `mlflow.sagemaker.${region}.app.aws`
    }
};
/** Returns whether a tracking URI is an ARN rather than a URL. */
function isArn(value) {
    return value.toLowerCase().startsWith('arn:');
}
/**
 * Parses a SageMaker MLflow ARN tracking URI into its endpoint and
 * signing scope. `endpoint` overrides the derived host, as the plugin's
 * SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT does (for VPC endpoints and tests).
 */
function parseSageMakerArn(uri, endpoint) {
    const label = settingLabel('tracking-uri', uri);
    const match = ARN_PATTERN.exec(uri.value);
    const [, partition, region, account, type, resourceId] = match ?? [];
    if (!partition || !region || !account || !type || !resourceId) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(uri.value)} is not a SageMaker MLflow ARN`, 'Use arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/' +
            '<name> (or mlflow-app/<id>), or the https:// URL of the server.');
    }
    const resource = RESOURCES[type];
    if (!resource) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `the ARN names a ${quote(type)}, not an MLflow tracking server or app`, 'Use the ARN of an mlflow-tracking-server or mlflow-app.');
    }
    if (!PARTITIONS.includes(partition)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `the AWS partition ${quote(partition)} has no SageMaker MLflow ` +
            'endpoint the sagemaker-mlflow plugin knows', 'Use an ARN in the aws or aws-us-gov partition, or set ' +
            '`sagemaker-endpoint` to the endpoint URL.');
    }
    return {
        arn: uri.value,
        partition,
        region,
        account,
        resourceType: type,
        resourceId,
        service: resource.service,
        arnHeader: resource.header,
        endpoint: endpoint
            ? sagemaker_arn_parseEndpoint(endpoint)
            : new URL(`https://${resource.host(region)}`)
    };
}
/**
 * Parses the endpoint override. Plain http is accepted only on loopback,
 * because an AWS session token travels in a request header.
 */
function sagemaker_arn_parseEndpoint(setting) {
    const label = settingLabel('sagemaker-endpoint', setting);
    let url;
    try {
        url = new URL(setting.value);
    }
    catch {
        url = undefined;
    }
    const secure = url?.protocol === 'https:' ||
        (url?.protocol === 'http:' && isLoopbackHost(url.hostname));
    const credentials = url !== undefined && (url.username || url.password);
    if (!url || !secure || credentials || url.search || url.hash) {
        // A value with credentials is not quoted, because quoting would print
        // the password.
        const shown = credentials ? 'the URL' : quote(setting.value);
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${shown} is not an https:// URL without credentials or query`, 'Use the https:// URL of the SageMaker MLflow endpoint, such as a ' +
            'VPC endpoint, or leave it unset.');
    }
    url.pathname = url.pathname.replace(/\/+$/, '');
    return url;
}

;// CONCATENATED MODULE: ./src/config/sagemaker-settings.ts


/**
 * Reads the SageMaker target and the AWS credentials when the tracking
 * URI is an ARN; returns undefined for any other tracking URI.
 */
function readSageMakerSettings(get, env) {
    const uri = get('tracking-uri');
    if (!uri || !isArn(uri.value))
        return undefined;
    const sagemaker = parseSageMakerArn(uri, get('sagemaker-endpoint'));
    return {
        tracking: { url: sagemaker.endpoint },
        auth: { sagemaker, aws: readAwsCredentials(env) }
    };
}

// EXTERNAL MODULE: ./src/provenance/sigstore-urls.ts
var sigstore_urls = __webpack_require__(16320);
;// CONCATENATED MODULE: ./src/config/sigstore-settings.ts







const serviceUrlSchema = schemas/* url */.OZ5({ protocol: /^https?$/ })
    .transform(url => url.replace(/\/+$/, ''));
/** Validates the Sigstore service URLs and the trusted root's path. */
function parseSigstoreSettings(get, workspace) {
    const trustedRootPath = readTrustedRootPath(get('sigstore-trusted-root'), workspace);
    return {
        fulcioUrl: parseServiceUrl('sigstore-fulcio-url', get('sigstore-fulcio-url'), sigstore_urls/* PUBLIC_GOOD_FULCIO_URL */.X),
        rekorUrl: parseServiceUrl('sigstore-rekor-url', get('sigstore-rekor-url'), sigstore_urls/* PUBLIC_GOOD_REKOR_URL */.Y),
        ...(trustedRootPath ? { trustedRootPath } : {})
    };
}
function parseServiceUrl(name, setting, fallback) {
    return parseSetting(name, setting ?? { value: fallback, origin: 'default' }, serviceUrlSchema, 'an http or https URL', `Set \`${name}\` to the base URL of the service, such as ${fallback}.`);
}
function readTrustedRootPath(setting, workspace) {
    if (!setting)
        return undefined;
    const file = external_node_path_default().resolve(workspace, setting.value);
    if (!(0,external_node_fs_.existsSync)(file)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('sigstore-trusted-root', setting), `expected the path of a trusted root JSON file, and ${file} does ` +
            'not exist', 'Give the trusted_root.json of the Sigstore instance that signs, ' +
            'relative to the workspace or absolute.');
    }
    return file;
}
/**
 * Checks, before any request, what keyless signing and verification
 * need: `signing: sigstore` needs the job's ID token, unless a dry run
 * signs nothing, and verifying by `certificate-identity` needs
 * `sigstore-trusted-root`.
 */
function checkKeylessUse(signing, mode, env, dryRun = false) {
    if (signing.method === 'sigstore' && mode === 'register' && !dryRun) {
        checkIdTokenAvailable(env, {
            input: 'signing',
            setting: 'signing is sigstore',
            forkFix: 'Sign from a workflow that runs on the base repository, or set ' +
                '`signing: none` for pull requests from forks.',
            outsideFix: 'Outside GitHub Actions, use `signing: key`.'
        });
    }
    const verifies = mode === 'verify' || signing.verifySignature;
    if (verifies && signing.identity && !signing.sigstore.trustedRootPath) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `sigstore-trusted-root`', 'verifying a keyless signature by `certificate-identity` needs the ' +
            'Sigstore trusted root, which the action never fetches from ' +
            "Sigstore's TUF repository because the runner may be offline", 'Set `sigstore-trusted-root` to the path of a trusted_root.json, ' +
            'such as the one `cosign` or `sigstore-python` stores after a TUF ' +
            'update.');
    }
}

;// CONCATENATED MODULE: ./src/config/signing-settings.ts








/**
 * Validates the signing inputs. Keys are parsed here, so a wrong key
 * fails before any request. The messages never quote a private key.
 */
function parseSigningSettings(get, mode, workspace) {
    const method = parseSetting('signing', get('signing') ?? { value: 'none', origin: 'default' }, schemas/* enum */.k5n(SIGNING_METHODS), SIGNING_METHODS.join(', '), 'Set `signing` to none, key or sigstore.');
    const verifySignature = readSwitch(get, 'verify-signature');
    const digestSource = readSwitch(get, 'digest-source');
    const privateKey = readPrivateKey(get('signing-key'), method);
    const verifyKey = readPublicKey(get('verify-key'), workspace);
    const identity = readIdentity(get);
    if ((mode === 'verify' || verifySignature) && !verifyKey && !identity) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `verify-key`', `${mode === 'verify' ? '`mode: verify`' : '`verify-signature`'} ` +
            'needs a key or a signer identity to check the signature against', 'Set `verify-key` to the PEM public key, or set both ' +
            '`certificate-identity` and `certificate-oidc-issuer`.');
    }
    return {
        method,
        verifySignature,
        digestSource,
        sigstore: parseSigstoreSettings(get, workspace),
        ...(privateKey ? { privateKey } : {}),
        ...(verifyKey ? { verifyKey } : {}),
        ...(identity ? { identity } : {})
    };
}
function readPrivateKey(setting, method) {
    if (method !== 'key')
        return undefined;
    const label = settingLabel('signing-key', setting);
    if (!setting) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `signing-key`', '`signing: key` needs a private key, and none is set', 'Pass the PEM private key from a repository secret, or set ' +
            '`signing` to none.');
    }
    try {
        return (0,node_crypto/* nodeCrypto */.S)().createPrivateKey({ key: setting.value, format: 'pem' });
    }
    catch {
        // The error text of OpenSSL can quote key bytes, so it is dropped.
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'it is not an unencrypted PEM private key', 'Pass the whole PEM text, from -----BEGIN to -----END, of an ' +
            'unencrypted EC key.');
    }
}
function readPublicKey(setting, workspace) {
    if (!setting)
        return undefined;
    const label = settingLabel('verify-key', setting);
    let text = setting.value;
    if (!text.includes('-----BEGIN')) {
        const file = external_node_path_default().resolve(workspace, text);
        try {
            text = (0,external_node_fs_.readFileSync)(file, 'utf8');
        }
        catch {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(label, `${quote(setting.value)} is neither PEM text nor a readable file`, 'Pass the PEM public key itself, or the path of its file.');
        }
    }
    // Node derives a public key from a private one, but a private key in
    // this input, which is not masked, would be a leaked secret.
    if (text.includes('PRIVATE KEY-----')) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'it holds a private key, where only the public key belongs', 'Pass the output of `openssl ec -in key.pem -pubout`, and replace ' +
            'the private key, which is no longer secret.');
    }
    try {
        return (0,node_crypto/* nodeCrypto */.S)().createPublicKey({ key: text, format: 'pem' });
    }
    catch {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(label, 'it does not hold a PEM public key', 'Export the public key with `openssl ec -in key.pem -pubout`.');
    }
}
function readIdentity(get) {
    const identity = get('certificate-identity')?.value;
    const issuer = get('certificate-oidc-issuer')?.value;
    if (identity === undefined && issuer === undefined)
        return undefined;
    if (identity === undefined || issuer === undefined) {
        const missing = identity === undefined
            ? 'certificate-identity'
            : 'certificate-oidc-issuer';
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`input \`${missing}\``, 'a keyless signer is named by both an identity and an issuer, ' +
            'and only one is set', 'Set both `certificate-identity` and `certificate-oidc-issuer`.');
    }
    return { identity, issuer };
}
/**
 * Checks that signing and verification apply to where the model is:
 * `signing` signs the files of `model-path` as they are uploaded, and
 * `verify-signature` checks a `source` that is already on the server.
 */
function checkSigningTarget(signing, location) {
    if (signing.method !== 'none' && location.source !== undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `signing`', `\`signing: ${signing.method}\` signs the files of \`model-path\` ` +
            'as they are uploaded, and this registration uses `source`', 'Sign the model before logging it (`model_signing sign`) and set ' +
            '`verify-signature: true`, or register from `model-path`.');
    }
    if (signing.verifySignature && location.modelPath !== undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `verify-signature`', 'it checks a `source` that is already on the tracking server, and ' +
            'this registration uploads `model-path`', 'Remove `verify-signature`, or set `signing: key` or `signing: ' +
            'sigstore` to sign the uploaded files.');
    }
    if (signing.digestSource && location.modelPath !== undefined) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `digest-source`', 'it hashes the files of a `source` on the tracking server, and this ' +
            'registration uploads `model-path`, whose model digest is always ' +
            'computed', 'Remove `digest-source`.');
    }
}
/** Reads a true/false input that is false when unset. */
function readSwitch(get, name) {
    return parseSetting(name, get(name) ?? { value: 'false', origin: 'default' }, booleanSchema, 'true or false', `Set \`${name}\` to true or false.`);
}

;// CONCATENATED MODULE: ./src/config/verify-source.ts


/** A `models:/<name>/<version>` or `models:/<name>@<alias>` URI. */
const VERSION_URI = /^models:\/([^/@]+)(?:\/(\d+)|@([\w-]+))\/?$/;
/**
 * Validates the `source` of `mode: verify`: the registered model version
 * to check, by number or by alias.
 */
function parseVerifySource(setting) {
    if (setting && VERSION_URI.test(setting.value))
        return setting.value;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('source', setting), setting
        ? `${quote(setting.value)} does not name a model version`
        : '`mode: verify` needs the model version to check, and none is set', 'Set `source` to models:/<name>/<version> or models:/<name>@<alias>.');
}

;// CONCATENATED MODULE: ./src/config/settings.ts

/**
 * Reads every input, falling back to its environment variables and then to
 * its default. Inputs with environment fallbacks have no default in
 * `action.yml`, because the runner would fill it in and hide the
 * environment variable.
 */
function readSettings(readInput, env) {
    const settings = new Map();
    for (const spec of INPUTS) {
        const name = spec.name;
        const setting = readSetting(spec, readInput(name), env);
        if (setting)
            settings.set(name, setting);
    }
    return settings;
}
function readSetting(spec, value, env) {
    if (value !== '') {
        return { value, origin: value === spec.default ? 'default' : 'input' };
    }
    for (const envName of spec.env ?? []) {
        const envValue = env[envName]?.trim();
        if (envValue)
            return { value: envValue, origin: envName };
    }
    if (spec.default === undefined)
        return undefined;
    return { value: spec.default, origin: 'default' };
}
/** Returns the description of where a setting came from, for logs. */
function describeOrigin(name, setting) {
    if (setting.origin === 'input')
        return `input \`${name}\``;
    if (setting.origin === 'default')
        return 'the default';
    return setting.origin;
}

;// CONCATENATED MODULE: ./src/storage/endpoint-url.ts


/**
 * Parses the URL of a storage endpoint that an environment variable
 * names, such as an emulator. Plain http is accepted only on loopback,
 * because storage requests carry credentials: a SAS token in the query
 * or a bearer token in a header.
 */
function parseEndpointUrl(variable, raw) {
    const url = URL.parse(raw);
    if (url === null || !['http:', 'https:'].includes(url.protocol)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`environment variable ${variable}`, `'${raw}' is not an http or https URL`, 'Set it to the URL of the storage emulator, or unset it to write ' +
            "to the cloud's own endpoint.");
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(`environment variable ${variable}`, `'${url.origin}' is plain http on a host that is not loopback, so ` +
            'storage credentials would cross the network unencrypted', 'Use an https URL, or an http URL on 127.0.0.1 for a local emulator.');
    }
    return url;
}

;// CONCATENATED MODULE: ./src/storage/azure-location.ts

/**
 * Parses `abfss://container@account.dfs.core.windows.net/path`. Any
 * domain suffix is accepted, as MLflow 3.17 accepts them, for sovereign
 * clouds and private endpoints.
 */
function parseAzureLocation(uri) {
    const match = /^abfss?:\/\/([^@/]+)@([^./]+)\.([^/]+)\/?(.*)$/i.exec(uri);
    if (!match?.[1] || !match[2] || !match[3])
        return undefined;
    return {
        container: match[1],
        account: match[2],
        domainSuffix: match[3],
        prefix: (match[4] ?? '').replace(/^\/+|\/+$/g, '')
    };
}
/**
 * Returns the URL of the location's container on the Blob endpoint. ADLS
 * Gen2 accounts serve the Blob API at `account.blob.<suffix>` beside the
 * DFS API at `account.dfs.<suffix>`, and a Blob upload is visible to both.
 */
function containerUrl(endpoint, location) {
    const container = encodeURIComponent(location.container);
    if (endpoint.blobUrl) {
        const base = endpoint.blobUrl.href.replace(/\/+$/, '');
        return new URL(`${base}/${container}`);
    }
    const suffix = location.domainSuffix.replace(/^dfs\./i, 'blob.');
    return new URL(`https://${location.account}.${suffix}/${container}`);
}
/** Azurite's Blob endpoint for its well-known development account. */
const DEVELOPMENT_BLOB_URL = 'http://127.0.0.1:10000/devstoreaccount1';
/**
 * Reads the Blob endpoint from AZURE_STORAGE_CONNECTION_STRING, the
 * variable the Azure Storage SDKs and tools read: its `BlobEndpoint`, or
 * Azurite's endpoint for `UseDevelopmentStorage=true`. A string with
 * neither, such as one with only an account name and key, leaves the
 * account's own endpoint. Account keys and SAS tokens in the string are
 * ignored, because Unity Catalog issues the credentials.
 */
function readAzureEndpoint(env) {
    const raw = env.AZURE_STORAGE_CONNECTION_STRING;
    if (!raw)
        return {};
    const fields = new Map();
    for (const part of raw.split(';')) {
        const equals = part.indexOf('=');
        if (equals > 0) {
            fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
        }
    }
    const variable = 'AZURE_STORAGE_CONNECTION_STRING';
    const blobEndpoint = fields.get('blobendpoint');
    if (blobEndpoint)
        return { blobUrl: parseEndpointUrl(variable, blobEndpoint) };
    if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
        return { blobUrl: new URL(DEVELOPMENT_BLOB_URL) };
    }
    return {};
}

;// CONCATENATED MODULE: ./src/storage/gcs-location.ts

const GCS_API_URL = 'https://storage.googleapis.com';
/** Parses a storage location such as `gs://bucket/models/abc/versions/1`. */
function parseGcsLocation(uri) {
    const match = /^gs:\/\/([^/]+)\/?(.*)$/i.exec(uri);
    if (!match?.[1])
        return undefined;
    return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}
/**
 * Reads STORAGE_EMULATOR_HOST, which the Google Cloud Storage client
 * libraries read for an emulator such as fake-gcs-server. A value
 * without a scheme, such as `127.0.0.1:4443`, is taken as http.
 */
function readGcsEndpoint(env) {
    const raw = env.STORAGE_EMULATOR_HOST;
    if (!raw)
        return { url: new URL(GCS_API_URL) };
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
        ? raw
        : `http://${raw}`;
    return { url: parseEndpointUrl('STORAGE_EMULATOR_HOST', withScheme) };
}

;// CONCATENATED MODULE: ./src/storage/r2-location.ts

/**
 * Parses `r2://bucket@account.r2.cloudflarestorage.com/path`, the form
 * of MLflow 3.17's R2 artifact repository.
 */
function parseR2Location(uri) {
    const match = /^r2:\/\/([^@/]+)@([^/]+)\/?(.*)$/i.exec(uri);
    if (!match?.[1] || !match[2])
        return undefined;
    return {
        bucket: match[1],
        host: match[2],
        prefix: (match[3] ?? '').replace(/^\/+|\/+$/g, '')
    };
}
/**
 * Reads MLFLOW_R2_ENDPOINT_URL, this action's counterpart of
 * MLFLOW_S3_ENDPOINT_URL for R2 locations: MLflow 3.17 always sends R2
 * requests to the account's host and reads no variable for it.
 */
function readR2Endpoint(env) {
    const raw = env.MLFLOW_R2_ENDPOINT_URL;
    if (!raw)
        return {};
    return { url: parseEndpointUrl('MLFLOW_R2_ENDPOINT_URL', raw) };
}
/**
 * Returns the URL that a bucket's keys are joined to: the endpoint with
 * the bucket as the first path segment, or the account's virtual-hosted
 * URL, as MLflow addresses R2.
 */
function r2BucketUrl(endpoint, location) {
    if (endpoint.url) {
        const base = endpoint.url.href.replace(/\/+$/, '');
        return new URL(`${base}/${encodeURIComponent(location.bucket)}`);
    }
    return new URL(`https://${location.bucket}.${location.host}`);
}

;// CONCATENATED MODULE: ./src/storage/s3-location.ts

/** Parses a storage location such as `s3://bucket/models/abc/versions/1`. */
function parseS3Location(uri) {
    const match = /^s3a?:\/\/([^/]+)\/?(.*)$/i.exec(uri);
    if (!match?.[1])
        return undefined;
    return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}
/**
 * Reads the S3 endpoint from the variables MLflow's S3 artifact
 * repository and the AWS SDKs read: MLFLOW_S3_ENDPOINT_URL, then
 * AWS_REGION or AWS_DEFAULT_REGION.
 */
function readS3Endpoint(env) {
    // NOTE: without a region variable, requests are signed for us-east-1,
    // and S3 rejects them for a bucket in another region. MLflow 3.17 reads
    // the bucket's region with HeadBucket first; this action does not.
    const region = [env.AWS_REGION, env.AWS_DEFAULT_REGION].find(value => value !== undefined && value !== '');
    const raw = env.MLFLOW_S3_ENDPOINT_URL;
    if (!raw)
        return { region: region ?? 'us-east-1' };
    const url = URL.parse(raw);
    if (url === null || !['http:', 'https:'].includes(url.protocol)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('environment variable MLFLOW_S3_ENDPOINT_URL', `'${raw}' is not an http or https URL`, 'Set it to the URL of the S3-compatible server, or unset it for AWS.');
    }
    return { url, region: region ?? 'us-east-1' };
}
/**
 * Returns the URL that a bucket's keys are joined to: the endpoint with
 * the bucket as the first path segment, or AWS's virtual-hosted URL.
 */
function bucketUrl(endpoint, bucket) {
    if (endpoint.url) {
        const base = endpoint.url.href.replace(/\/+$/, '');
        return new URL(`${base}/${encodeURIComponent(bucket)}`);
    }
    return new URL(`https://${bucket}.s3.${endpoint.region}.amazonaws.com`);
}

;// CONCATENATED MODULE: ./src/storage/endpoints.ts




/** Reads the storage endpoints from the environment. */
function readStorageEndpoints(env) {
    return {
        s3: readS3Endpoint(env),
        azure: readAzureEndpoint(env),
        r2: readR2Endpoint(env),
        gcs: readGcsEndpoint(env)
    };
}
/** The cloud endpoints, with S3 requests signed for us-east-1. */
const DEFAULT_ENDPOINTS = {
    s3: { region: 'us-east-1' },
    azure: {},
    r2: {},
    gcs: readGcsEndpoint({})
};

;// CONCATENATED MODULE: ./src/config/tls.ts






const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;
const KEY_LABELS = new Set([
    'PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'DSA PRIVATE KEY'
]);
/** Parses the PEM blocks of a file, with their labels, in file order. */
const pemSchema = schemas/* string */.YjP().transform((text, context) => {
    const blocks = [...text.matchAll(PEM_BLOCK)].map(match => ({
        label: match[1] ?? '',
        text: match[0]
    }));
    if (blocks.length === 0) {
        context.addIssue({
            code: 'custom',
            message: 'it is not a PEM file (no -----BEGIN ...----- block); a DER ' +
                'file must be converted first'
        });
        return core/* NEVER */.tm;
    }
    return blocks;
});
/**
 * Reads and checks `ca-cert`, `client-cert`, `client-key`,
 * `client-key-passphrase` and `insecure-tls` before any connection:
 * every file must be readable PEM, the key must decrypt and belong to the
 * certificate. Messages name the input and the file, never key material
 * or the passphrase.
 */
function parseTlsSettings(get, workspace) {
    const insecure = parseInsecure(get('insecure-tls'));
    const caSetting = get('ca-cert');
    if (insecure && caSetting) {
        // MLflow's Python client rejects the same pair (MlflowHostCreds).
        throw (0,diagnosis_diagnosis/* configError */.Fj)('inputs `insecure-tls` and `ca-cert`', 'both are set, but a CA to verify against and no verification ' +
            'contradict each other', 'Remove `insecure-tls` (or MLFLOW_TRACKING_INSECURE_TLS): with ' +
            '`ca-cert` the private CA is trusted and verification stays on.');
    }
    const ca = caSetting ? readCaBundle(caSetting, workspace) : undefined;
    const clientCertificate = readClientCertificate(get, workspace);
    return {
        ...(ca ? { ca: ca.pem } : {}),
        caSubjects: ca?.subjects ?? [],
        ...(clientCertificate ? { clientCertificate } : {}),
        insecure
    };
}
function parseInsecure(setting) {
    if (!setting)
        return false;
    return parseSetting('insecure-tls', setting, booleanSchema, 'true or false', 'Set `insecure-tls` to true or false.');
}
function readCaBundle(setting, workspace) {
    const file = readPem('ca-cert', setting, workspace);
    const certificates = parseCertificates('ca-cert', setting, file);
    return {
        pem: certificates.map(entry => entry.block.text).join(''),
        subjects: certificates.map(entry => oneLine(entry.certificate.subject))
    };
}
function readClientCertificate(get, workspace) {
    const certSetting = get('client-cert');
    const keySetting = get('client-key');
    const passphrase = get('client-key-passphrase')?.value;
    if (!certSetting) {
        if (keySetting) {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('client-key', keySetting), 'a client key is set without `client-cert`', 'Set `client-cert` to the certificate that belongs to the key.');
        }
        return undefined;
    }
    const certFile = readPem('client-cert', certSetting, workspace);
    const [leaf, ...chain] = parseCertificates('client-cert', certSetting, certFile);
    if (!leaf)
        throw new Error('parseCertificates returned no certificate');
    const keySource = keySetting
        ? { name: 'client-key', setting: keySetting }
        : { name: 'client-cert', setting: certSetting };
    const keyBlock = findKey(keySource.name, keySource.setting, keySetting ? readPem('client-key', keySetting, workspace) : certFile);
    const key = decryptKey(keySource, keyBlock, get);
    if (!leaf.certificate.checkPrivateKey(key)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(keySource.name, keySource.setting), `the private key in ${quotePath(keySource.setting)} does not belong ` +
            `to the certificate in ${quotePath(certSetting)} (subject ` +
            `${oneLine(leaf.certificate.subject)})`, 'Use the key that was created with this certificate request.');
    }
    return {
        cert: [leaf, ...chain].map(entry => entry.block.text).join(''),
        key: keyBlock.text,
        ...(passphrase === undefined ? {} : { passphrase }),
        subject: oneLine(leaf.certificate.subject),
        issuer: oneLine(leaf.certificate.issuer),
        validTo: leaf.certificate.validToDate
    };
}
function readPem(name, setting, workspace) {
    const file = external_node_path_default().resolve(workspace, setting.value);
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (error) {
        const code = error.code ?? 'an error';
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `cannot read ${quotePath(setting)} (${code}; resolved to ${file})`, `Point \`${name}\` at a readable PEM file, relative to the ` +
            'workspace or absolute.');
    }
    const result = pemSchema.safeParse(text);
    if (result.success)
        return result.data;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `${quotePath(setting)}: ${result.error.issues[0]?.message ?? 'invalid'}`, 'Convert it to PEM, for example `openssl x509 -inform der -in ' +
        'cert.der -out cert.pem`.');
}
function parseCertificates(name, setting, blocks) {
    const certificates = blocks.filter(block => block.label === 'CERTIFICATE');
    if (certificates.length === 0) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `${quotePath(setting)} holds no certificate, only ` +
            [...new Set(blocks.map(block => block.label))].join(', '), `Point \`${name}\` at the PEM certificate file.`);
    }
    const { X509Certificate: Certificate } = (0,node_crypto/* nodeCrypto */.S)();
    return certificates.map((block, index) => {
        try {
            return { block, certificate: new Certificate(block.text) };
        }
        catch {
            throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), `certificate ${index + 1} in ${quotePath(setting)} is damaged and ` +
                'cannot be parsed', 'Export the certificate again as PEM.');
        }
    });
}
function findKey(name, setting, blocks) {
    const key = blocks.find(block => KEY_LABELS.has(block.label));
    if (key)
        return key;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel(name, setting), name === 'client-key'
        ? `${quotePath(setting)} holds no PEM private key`
        : `${quotePath(setting)} holds a certificate but no private key, ` +
            'and `client-key` is not set', 'Set `client-key` to the key file, or give one PEM file holding the ' +
        'certificate and its key.');
}
/** Decrypts the key to prove the passphrase; the key stays as it was. */
function decryptKey(source, block, get) {
    const passphraseSetting = get('client-key-passphrase');
    const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' ||
        /^Proc-Type: 4,ENCRYPTED$/m.test(block.text);
    if (encrypted && !passphraseSetting) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `client-key-passphrase`', `the private key in ${quotePath(source.setting)} is encrypted and no ` +
            'passphrase is set', 'Set `client-key-passphrase` from a secret.');
    }
    try {
        return (0,node_crypto/* nodeCrypto */.S)().createPrivateKey({
            key: block.text,
            ...(encrypted ? { passphrase: passphraseSetting?.value ?? '' } : {})
        });
    }
    catch {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(encrypted
            ? 'input `client-key-passphrase`'
            : settingLabel(source.name, source.setting), encrypted
            ? `it does not decrypt the private key in ${quotePath(source.setting)}`
            : `the private key in ${quotePath(source.setting)} is damaged ` +
                'or of an unsupported type', encrypted
            ? 'Check the passphrase secret.'
            : 'Export the key again as PEM (PKCS#8, RSA or EC).');
    }
}
/** Joins the lines of an X.509 name as `CN=..., O=...`. */
function oneLine(name) {
    return name.replace(/\n/g, ', ');
}
function quotePath(setting) {
    return JSON.stringify(setting.value);
}

;// CONCATENATED MODULE: ./src/config/parse-config.ts


























/**
 * Validates every setting, and the proxy variables of `env`, into one
 * typed configuration. Nothing here touches the network; each failure
 * names the input and the fix.
 */
function parseConfig(settings, workspace, env = {}) {
    const get = (name) => settings.get(name);
    const required = (name) => registration_fields_requireSetting(name, get);
    const mode = parseSetting('mode', required('mode'), schemas/* enum */.k5n(MODES), MODES.join(' or '), 'Set `mode` to register, preflight, sync or verify.');
    const sagemaker = readSageMakerSettings(get, env);
    const databricks = readDatabricksSettings(get);
    const tracking = sagemaker?.tracking ??
        databricks?.tracking ??
        parseTrackingUri(get('tracking-uri'));
    const registration = parseRegistrationFields(get, mode, workspace);
    const registryWorkspace = databricks ? undefined : readRegistryWorkspace(get);
    const registry = placeRegistry(chooseRegistry(get('registry-uri'), tracking.url, databricks?.auth.databricks ?? registryWorkspace, registration), registryWorkspace);
    const auth = {
        ...parseAuthSettings(get, tracking),
        ...sagemaker?.auth,
        ...databricks?.auth,
        ...readHokusaiSettings(get, env, tracking)
    };
    const extraHeaders = parseExtraHeaders(get('extra-headers'), auth.tokenHeader);
    const allowInsecureHttp = parseSetting('allow-insecure-http', required('allow-insecure-http'), booleanSchema, 'true or false', 'Set `allow-insecure-http` to true or false.');
    checkCleartextCredentials(tracking.url, auth, extraHeaders, allowInsecureHttp);
    checkRegistryCleartext(registry, allowInsecureHttp);
    const signing = parseSigningSettings(get, mode, workspace);
    checkSigningTarget(signing, registration);
    const dryRun = parseDryRun(mode, required('dry-run'));
    checkKeylessUse(signing, mode, env, dryRun);
    const reportPath = get('report-path')?.value;
    const config = {
        mode,
        trackingUri: tracking.url,
        registry,
        ...(registry.kind === 'unity-catalog' || databricks
            ? { storageEndpoints: readStorageEndpoints(env) }
            : {}),
        ...registration,
        auth,
        tls: parseTlsSettings(get, workspace),
        extraHeaders,
        proxy: readProxySettings(env),
        dryRun,
        attest: parseSetting('attest', required('attest'), booleanSchema, 'true or false', 'Set `attest` to true or false.'),
        waitTimeoutMs: parseSeconds('wait-timeout', required('wait-timeout')),
        requestTimeoutMs: parseSeconds('request-timeout', required('request-timeout')),
        maxAttempts: parseSetting('max-attempts', required('max-attempts'), attemptsSchema, 'a whole number from 1 to 20', 'Set `max-attempts` to, for example, 5.'),
        retryMaxTimeMs: parseSeconds('retry-max-time', required('retry-max-time')),
        retryInitialDelayMs: parseSetting('retry-initial-delay', required('retry-initial-delay'), delaySchema, 'a number of seconds from 0 to 60', 'Set `retry-initial-delay` to, for example, 0.5.'),
        bundle: parseBundleSettings(get, workspace),
        signing,
        ...(mode === 'verify' ? { source: parseVerifySource(get('source')) } : {}),
        registryDir: resolveRegistryDir(get('registry-dir'), workspace),
        ...(reportPath ? { reportPath: external_node_path_default().resolve(workspace, reportPath) } : {}),
        origins: describeOrigins(settings, tracking)
    };
    checkAttestUse(config, env);
    return config;
}
function describeOrigins(settings, tracking) {
    const origins = new Map();
    for (const [name, setting] of settings) {
        origins.set(name, describeOrigin(name, setting));
    }
    for (const name of ['username', 'password']) {
        if (!settings.has(name) && tracking[name] !== undefined) {
            origins.set(name, 'the user info of the tracking URI');
        }
    }
    return origins;
}
/**
 * Attaches the workspace of a Databricks registry URI to the registry
 * when the tracking server is elsewhere, so registry calls go to the
 * workspace with its own credentials.
 */
function placeRegistry(registry, workspace) {
    if (workspace === undefined)
        return registry;
    if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
        return registry;
    }
    return { ...registry, workspace };
}
function parseDryRun(mode, setting) {
    const dryRun = parseSetting('dry-run', setting, booleanSchema, 'true or false', 'Set `dry-run` to true or false.');
    if (dryRun && mode === 'sync') {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('dry-run', setting), 'a dry run plans one registration, and sync replays bundles', 'Use `dry-run` with mode register, or remove it.');
    }
    return dryRun;
}
function parseSeconds(name, setting) {
    return parseSetting(name, setting, secondsSchema, 'a whole number of seconds from 1 to 86400', `Set \`${name}\` to a number of seconds, such as 300.`);
}
function parseAuthSettings(get, tracking) {
    const mode = parseSetting('auth-mode', get('auth-mode') ?? { value: 'auto', origin: 'default' }, schemas/* enum */.k5n(AUTH_MODES), `one of ${AUTH_MODES.join(', ')}`, 'Set `auth-mode` to one of the listed modes, or leave it unset for auto.');
    checkAzureExchange(mode, get);
    const tokenHeader = get('token-header')?.value ?? 'Authorization';
    if (!HEADER_NAME.test(tokenHeader)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('token-header', get('token-header')), `${quote(tokenHeader)} is not a valid HTTP header name`, 'Use a header name such as Authorization or X-API-Key.');
    }
    const username = get('username')?.value ?? tracking.username;
    if (username?.includes(':')) {
        // HTTP Basic joins the two with a colon, so a colon in the username
        // would move the rest of it into the password (RFC 7617).
        throw (0,diagnosis_diagnosis/* configError */.Fj)(settingLabel('username', get('username')), 'it contains ":", which HTTP Basic authentication cannot carry in ' +
            'a username', 'Use the username without the colon; if the colon starts the ' +
            'password, set `password` to that part instead.');
    }
    const password = get('password')?.value ?? tracking.password;
    const token = get('token')?.value;
    return {
        mode,
        tokenHeader,
        ...parseOAuthSettings(get),
        ...parseOidcSettings(get),
        ...parseAzureSettings(get),
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(token === undefined ? {} : { token })
    };
}

;// CONCATENATED MODULE: ./src/config/load-config.ts







/**
 * Reads, masks and validates the configuration: an offline registration
 * into the local registry, or a run against a tracking server. Secrets
 * are masked before validation, so even an error message about them is
 * safe to print. A Databricks CLI profile fills the workspace settings
 * that the inputs and variables leave unset.
 */
function loadConfig(host) {
    const inputSettings = readSettings((name) => host.getInput(name), host.env);
    const mask = (value) => {
        host.setSecret(value);
    };
    maskSecretSettings(inputSettings, mask, host.env);
    maskAwsCredentials(host.env, mask);
    maskHokusaiKey(host.env, mask);
    const settings = applyDatabricksProfile(inputSettings, host.env, mask);
    const workspace = host.env.GITHUB_WORKSPACE ?? process.cwd();
    return (parseOfflineConfig(settings, workspace) ??
        parseConfig(settings, workspace, host.env));
}

;// CONCATENATED MODULE: ./src/register/provenance.ts
/** Reads the CI context from the variables each CI system sets. */
function readProvenance(env) {
    if (env.GITHUB_ACTIONS === 'true')
        return readGitHub(env);
    if (env.GITLAB_CI === 'true')
        return readGitLab(env);
    if (env.JENKINS_URL)
        return readJenkins(env);
    return compact({ system: 'local', commit: env.GIT_COMMIT });
}
function readGitHub(env) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runUrl = env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
    return compact({
        system: 'github-actions',
        repository: env.GITHUB_REPOSITORY,
        commit: env.GITHUB_SHA,
        ref: env.GITHUB_REF,
        workflow: env.GITHUB_WORKFLOW,
        runId: env.GITHUB_RUN_ID,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        runUrl
    });
}
function readGitLab(env) {
    return compact({
        system: 'gitlab-ci',
        repository: env.CI_PROJECT_PATH,
        commit: env.CI_COMMIT_SHA,
        ref: env.CI_COMMIT_REF_NAME,
        workflow: env.CI_JOB_NAME,
        runId: env.CI_PIPELINE_ID,
        runUrl: env.CI_PIPELINE_URL
    });
}
function readJenkins(env) {
    return compact({
        system: 'jenkins',
        repository: env.GIT_URL,
        commit: env.GIT_COMMIT,
        ref: env.GIT_BRANCH,
        workflow: env.JOB_NAME,
        runId: env.BUILD_NUMBER,
        runUrl: env.BUILD_URL
    });
}
function compact(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== ''));
}
/** The tag that stores a version's idempotency key. */
const IDEMPOTENCY_TAG = 'mlflow_register.idempotency_key';
/** Tags that record the provenance on the model version. */
function provenanceTags(provenance) {
    const entries = [
        ['ci.system', provenance.system],
        ['ci.repository', provenance.repository],
        ['ci.commit', provenance.commit],
        ['ci.ref', provenance.ref],
        ['ci.workflow', provenance.workflow],
        ['ci.run_id', provenance.runId],
        ['ci.run_attempt', provenance.runAttempt],
        ['ci.run_url', provenance.runUrl]
    ];
    return entries.flatMap(([key, value]) => value === undefined ? [] : [{ key, value }]);
}

;// CONCATENATED MODULE: ./src/async/after-io.ts
/**
 * Runs `work` in a setImmediate callback, after the current task, and
 * settles with its result. In traces of CLI registrations, the requests
 * started just before had been sent by then, so work run this way fills
 * the wait for their responses instead of delaying them.
 */
function afterIo(work) {
    return new Promise((resolve, reject) => {
        setImmediate(() => {
            try {
                resolve(work());
            }
            catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
            }
        });
    });
}

;// CONCATENATED MODULE: ./src/mlflow/api-paths.ts
/** Paths of MLflow's REST API, below the tracking URI. */
const API = 'api/2.0/mlflow';
/** The artifact proxy's path, below the tracking URI. */
const ARTIFACTS_API = 'api/2.0/mlflow-artifacts/artifacts';
/** Names a registered model for messages. */
function modelResource(name) {
    return `registered model '${name}'`;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/coerce.js
var coerce = __webpack_require__(49567);
;// CONCATENATED MODULE: ./src/mlflow/schemas.ts

/**
 * zod schemas for the MLflow REST answers the action reads. MLflow omits
 * empty fields (no `tags: []`), so lists default to empty, and unknown
 * fields are kept so newer servers validate too.
 */
const tag = schemas/* object */.Ikc({ key: schemas/* string */.YjP(), value: schemas/* string */.YjP() });
const modelVersionSchema = schemas/* looseObject */._H3({
    name: schemas/* string */.YjP(),
    version: schemas/* string */.YjP(),
    status: schemas/* string */.YjP().optional(),
    status_message: schemas/* string */.YjP().optional(),
    source: schemas/* string */.YjP().optional(),
    run_id: schemas/* string */.YjP().optional(),
    model_id: schemas/* string */.YjP().optional(),
    description: schemas/* string */.YjP().optional(),
    /** Where Unity Catalog expects the version's files, such as s3://... */
    storage_location: schemas/* string */.YjP().optional(),
    tags: schemas/* array */.YOg(tag).default([]),
    /** Unity Catalog lists `{alias, version}` objects, MLflow bare names. */
    aliases: schemas/* array */.YOg(schemas/* union */.KCZ([
        schemas/* string */.YjP(),
        schemas/* looseObject */._H3({ alias: schemas/* string */.YjP() }).transform(entry => entry.alias)
    ]))
        .default([]),
    user_id: schemas/* string */.YjP().optional(),
    /** Milliseconds since the epoch; int64 values may come as strings. */
    creation_timestamp: coerce/* number */.ai().optional()
});
const modelAlias = schemas/* object */.Ikc({ alias: schemas/* string */.YjP(), version: schemas/* string */.YjP() });
const registeredModelSchema = schemas/* looseObject */._H3({
    name: schemas/* string */.YjP(),
    description: schemas/* string */.YjP().optional(),
    tags: schemas/* array */.YOg(tag).default([]),
    aliases: schemas/* array */.YOg(modelAlias).default([]),
    /** The newest version of each stage; only the number is read. */
    latest_versions: schemas/* array */.YOg(schemas/* looseObject */._H3({ version: schemas/* string */.YjP() })).default([])
});
const getRegisteredModelResponse = schemas/* object */.Ikc({
    registered_model: registeredModelSchema
});
const modelVersionResponse = schemas/* object */.Ikc({
    model_version: modelVersionSchema
});
const searchModelVersionsResponse = schemas/* object */.Ikc({
    model_versions: schemas/* array */.YOg(modelVersionSchema).default([]),
    next_page_token: schemas/* string */.YjP().optional()
});
const experimentResponse = schemas/* object */.Ikc({
    experiment: schemas/* looseObject */._H3({
        experiment_id: schemas/* string */.YjP(),
        name: schemas/* string */.YjP(),
        lifecycle_stage: schemas/* string */.YjP().optional()
    })
});
const createExperimentResponse = schemas/* object */.Ikc({
    experiment_id: schemas/* string */.YjP()
});
const runInfo = schemas/* looseObject */._H3({
    run_id: schemas/* string */.YjP(),
    experiment_id: schemas/* string */.YjP(),
    artifact_uri: schemas/* string */.YjP().optional(),
    lifecycle_stage: schemas/* string */.YjP().optional()
});
const runResponse = schemas/* object */.Ikc({
    run: schemas/* looseObject */._H3({ info: runInfo })
});
/** The runs that `runs/search` returns; MLflow omits `runs` when none match. */
const searchRunsResponse = schemas/* object */.Ikc({
    runs: schemas/* array */.YOg(schemas/* looseObject */._H3({ info: runInfo })).default([])
});
// MLflow sends NaN and infinite metric values as the strings "NaN",
// "Infinity" and "-Infinity", which zod's number schema rejects.
const metric = schemas/* object */.Ikc({
    key: schemas/* string */.YjP(),
    value: schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP().transform(Number)])
});
/** A run's latest metric values, params and tags. */
const runDataResponse = schemas/* object */.Ikc({
    run: schemas/* looseObject */._H3({
        info: runInfo,
        data: schemas/* looseObject */._H3({
            metrics: schemas/* array */.YOg(metric).default([]),
            params: schemas/* array */.YOg(tag).default([]),
            tags: schemas/* array */.YOg(tag).default([])
        })
            .default({ metrics: [], params: [], tags: [] })
    })
});
const downloadUriResponse = schemas/* object */.Ikc({ artifact_uri: schemas/* string */.YjP() });
const listArtifactsResponse = schemas/* object */.Ikc({
    root_uri: schemas/* string */.YjP().optional(),
    files: schemas/* array */.YOg(schemas/* object */.Ikc({
        path: schemas/* string */.YjP(),
        is_dir: schemas/* boolean */.zMY().default(false),
        file_size: schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP()]).optional()
    }))
        .default([]),
    next_page_token: schemas/* string */.YjP().optional()
});
const loggedModel = schemas/* looseObject */._H3({
    info: schemas/* looseObject */._H3({
        model_id: schemas/* string */.YjP(),
        name: schemas/* string */.YjP().optional(),
        source_run_id: schemas/* string */.YjP().optional(),
        artifact_uri: schemas/* string */.YjP().optional()
    })
});
const getLoggedModelResponse = schemas/* object */.Ikc({ model: loggedModel });
const searchLoggedModelsResponse = schemas/* object */.Ikc({
    models: schemas/* array */.YOg(loggedModel).default([]),
    next_page_token: schemas/* string */.YjP().optional()
});
const schemas_emptyResponse = schemas/* looseObject */._H3({});

;// CONCATENATED MODULE: ./src/mlflow/registry.ts




/**
 * Whether an error is MLflow's "no such object" answer. The same 404 code
 * for a user the auth store lacks is about the caller, not the object.
 */
function isNotFound(error) {
    return (error instanceof HttpError &&
        error.response.status === 404 &&
        error.errorCode === 'RESOURCE_DOES_NOT_EXIST' &&
        unknownUser(error) === undefined);
}
/**
 * Whether an error says the object exists already: HTTP 400
 * `RESOURCE_ALREADY_EXISTS` on open-source MLflow, 409 `ALREADY_EXISTS`
 * on Unity Catalog.
 */
function isAlreadyExists(error) {
    return (error instanceof HttpError &&
        (error.errorCode === 'RESOURCE_ALREADY_EXISTS' ||
            error.errorCode === 'ALREADY_EXISTS' ||
            (error.response.status === 409 && error.errorCode === undefined)));
}
/** Gets a registered model by exact name; undefined when it is absent. */
async function getRegisteredModel(http, name) {
    try {
        const response = await http.json({
            method: 'GET',
            path: `${API}/registered-models/get`,
            query: { name },
            operation: 'get registered model',
            resource: modelResource(name),
            idempotent: true
        }, getRegisteredModelResponse);
        return response.registered_model;
    }
    catch (error) {
        if (isNotFound(error))
            return undefined;
        throw error;
    }
}
/** Builds the request that creates a registered model. */
function createRegisteredModelRequest(name) {
    return {
        method: 'POST',
        path: `${API}/registered-models/create`,
        json: { name },
        operation: 'create registered model',
        resource: modelResource(name),
        idempotent: false
    };
}
/** Creates a registered model; the caller reads back on any doubt. */
async function createRegisteredModel(http, name) {
    await http.json(createRegisteredModelRequest(name), schemas_emptyResponse);
}
/** Reads the newest versions of a model, newest first, in one request. */
async function searchNewestVersions(http, name, maxResults) {
    const page = await searchVersionPage(http, { filter: `name = '${name}'`, order_by: 'version_number DESC' }, modelResource(name), maxResults);
    return {
        versions: page.versions.filter(version => version.name === name),
        complete: page.complete
    };
}
/** Reads one page of a version search, the first without `pageToken`. */
async function searchVersionPage(http, query, resource, maxResults, pageToken) {
    const page = await http.json({
        method: 'GET',
        path: `${API}/model-versions/search`,
        query: { ...query, max_results: maxResults, page_token: pageToken },
        operation: 'search model versions',
        resource,
        idempotent: true
    }, searchModelVersionsResponse);
    const next = page.next_page_token;
    return {
        versions: page.model_versions,
        complete: next === undefined,
        ...(next === undefined ? {} : { nextPageToken: next })
    };
}
/** Finds model versions that match a filter, following every page. */
async function searchModelVersions(http, filter, resource) {
    const versions = [];
    let pageToken;
    do {
        const page = await searchVersionPage(http, { filter }, resource, 200, pageToken);
        versions.push(...page.versions);
        pageToken = page.nextPageToken;
    } while (pageToken);
    return versions;
}
/**
 * Gets one model version by name and number. `where` selects the
 * tracking server's own registry over the configured one.
 */
async function getModelVersion(http, name, version, where = {}) {
    const response = await http.json({
        method: 'GET',
        path: `${API}/model-versions/get`,
        query: { name, version },
        operation: 'get model version',
        resource: `version ${version} of ${modelResource(name)}`,
        idempotent: true,
        ...where
    }, modelVersionResponse);
    return response.model_version;
}
/** Builds the request that creates a model version. */
function createModelVersionRequest(create) {
    return {
        method: 'POST',
        path: `${API}/model-versions/create`,
        json: {
            name: create.name,
            source: create.source,
            run_id: create.runId,
            model_id: create.modelId,
            description: create.description,
            tags: create.tags
        },
        operation: 'create model version',
        resource: modelResource(create.name),
        idempotent: false
    };
}
/** Creates a model version. Not idempotent: never re-sent blindly. */
async function createModelVersion(http, create) {
    const response = await http.json(createModelVersionRequest(create), modelVersionResponse);
    return response.model_version;
}
/** Builds the request that sets one tag on a model version. */
function setModelVersionTagRequest(name, version, tag) {
    return {
        method: 'POST',
        path: `${API}/model-versions/set-tag`,
        json: { name, version, key: tag.key, value: tag.value },
        operation: 'set model version tag',
        resource: `version ${version} of ${modelResource(name)}`,
        idempotent: true
    };
}
/** Sets one tag on a model version; setting a tag twice is harmless. */
async function setModelVersionTag(http, name, version, tag) {
    await http.json(setModelVersionTagRequest(name, version, tag), schemas_emptyResponse);
}
/** Builds the request that replaces a model version's description. */
function updateModelVersionDescriptionRequest(name, version, description) {
    return {
        method: 'PATCH',
        path: `${API}/model-versions/update`,
        json: { name, version, description },
        operation: 'update model version',
        resource: `version ${version} of ${modelResource(name)}`,
        idempotent: true
    };
}
/** Replaces the description of a model version. */
async function updateModelVersionDescription(http, name, version, description) {
    await http.json(updateModelVersionDescriptionRequest(name, version, description), emptyResponse);
}
/** Builds the request that points an alias at a version. */
function setAliasRequest(name, alias, version) {
    return {
        method: 'POST',
        path: `${API}/registered-models/alias`,
        json: { name, alias, version },
        operation: 'set alias',
        resource: `alias '${alias}' of ${modelResource(name)}`,
        idempotent: true
    };
}
/** Points an alias at a version; moving an alias twice is harmless. */
async function setAlias(http, name, alias, version) {
    await http.json(setAliasRequest(name, alias, version), schemas_emptyResponse);
}
/**
 * Gets the version an alias points to; undefined when the model or the
 * alias does not exist. It reads the registered model's alias list,
 * because for a missing alias MLflow 3.17's `registered-models/alias`
 * returns 400 `INVALID_PARAMETER_VALUE`, a code that also means bad input.
 */
async function getModelVersionByAlias(http, name, alias) {
    const model = await getRegisteredModel(http, name);
    const target = model?.aliases.find(entry => entry.alias === alias);
    if (!target)
        return undefined;
    return getModelVersion(http, name, target.version);
}
/** Gets the URI where a model version's files can be downloaded. */
async function getModelVersionDownloadUri(http, name, version, where = {}) {
    const response = await http.json({
        method: 'GET',
        path: `${API}/model-versions/get-download-uri`,
        query: { name, version },
        operation: 'get model version download URI',
        resource: `version ${version} of ${modelResource(name)}`,
        idempotent: true,
        ...where
    }, downloadUriResponse);
    return response.artifact_uri;
}

;// CONCATENATED MODULE: ./src/preflight/registry-read.ts






const searchResponse = schemas/* looseObject */._H3({});
const TRACKING_PROBE = 'search experiments';
/**
 * Runs the preflight's registry read. When it fails with a bare HTTP 500,
 * sends one tracking request to the server that serves the registry. If
 * that request succeeds, the server runs, so the registry is read once
 * more: a short outage may have ended while the first read was retried.
 * Only when that read fails with a bare HTTP 500 too does the failure
 * become SERVER_CONFIG, rather than an outage that the action would defer
 * into a bundle that could never sync. A successful second read is
 * returned, and any other failure of it is raised unchanged, as is the
 * original error when the tracking request fails.
 */
async function readRegistryOrExplain(http, read) {
    try {
        return await read();
    }
    catch (error) {
        if (!(error instanceof HttpError) || !isBareServerError(error)) {
            throw error;
        }
        const registry = http.route({ path: REGISTRY_PATHS[0] });
        // Unity Catalog is not MLflow's own server, so a working tracking API
        // there proves nothing about its registry.
        if (registry.options.unityCatalog === true)
            throw error;
        if (!(await tracksExperiments(registry)))
            throw error;
        return readAgainOrExplain(read);
    }
}
/** Reads the registry again after the tracking request succeeded. */
async function readAgainOrExplain(read) {
    try {
        return await read();
    }
    catch (error) {
        if (!(error instanceof HttpError) || !isBareServerError(error)) {
            throw error;
        }
        throw new diagnosis_diagnosis/* DiagnosedError */.xB(classifyBrokenRegistry(error, TRACKING_PROBE), {
            cause: error
        });
    }
}
/**
 * Sends one experiment search to `http`'s own server. It is sent once,
 * without retries, because the registry read before it already spent the
 * retry budget. Any failure means "unknown", not "broken registry".
 */
async function tracksExperiments(http) {
    try {
        await http.json({
            method: 'GET',
            path: `${API}/experiments/search`,
            query: { max_results: 1 },
            operation: TRACKING_PROBE,
            idempotent: false
        }, searchResponse);
        return true;
    }
    catch (error) {
        if (!isRequestError(error))
            throw error;
        http.options.log.debug(`The tracking probe after a registry failure failed too: ` + error.message);
        return false;
    }
}

;// CONCATENATED MODULE: ./src/preflight/write-permission.ts


/**
 * The caller's own grants, from MLflow's basic-auth app (3.x). Any
 * authenticated user may read this list about themselves.
 */
const currentPermissionsResponse = schemas/* object */.Ikc({
    is_admin: schemas/* boolean */.zMY(),
    permissions: schemas/* array */.YOg(schemas/* looseObject */._H3({
        resource_type: schemas/* string */.YjP(),
        resource_pattern: schemas/* string */.YjP(),
        permission: schemas/* string */.YjP()
    }))
});
/** The permissions of MLflow's auth app that allow a new model version. */
const WRITE_PERMISSIONS = new Set(['EDIT', 'MANAGE']);
/** MLflow's order of permissions. A DENY overrides all of them. */
const PERMISSION_RANK = {
    NO_PERMISSIONS: 0,
    READ: 1,
    USE: 2,
    EDIT: 3,
    MANAGE: 4
};
/**
 * Reads the caller's grants on `modelName` without writing anything.
 * Only MLflow's basic-auth app serves the list, so on other servers the
 * result is "not verified".
 */
async function checkWritePermission(http, modelName) {
    const grants = await readCurrentPermissions(http);
    if (!grants) {
        return notVerified('the server does not list permissions to its users');
    }
    if (grants.is_admin) {
        return { verified: true, statement: 'the user is an admin' };
    }
    if (grants.permissions.some(isWorkspaceAdmin)) {
        return { verified: true, statement: 'the user is a workspace admin' };
    }
    if (grants.permissions.some(deniesNewVersions)) {
        return notVerified('a DENY grant on registered_model_version * forbids creating any ' +
            'model version');
    }
    const grant = effectiveGrant(grants.permissions, modelName);
    if (!grant) {
        // The auth app then applies its default permission, which it does not
        // publish, so write access cannot be confirmed.
        return notVerified(`no grant on registered model '${modelName}', so the server's ` +
            'default permission applies');
    }
    if (grant.permission === 'DENY') {
        return notVerified(`a DENY grant (${grant.resource_pattern}) forbids the user any ` +
            `access to registered model '${modelName}'`);
    }
    if (WRITE_PERMISSIONS.has(grant.permission)) {
        return {
            verified: true,
            statement: `${grant.permission} on registered model '${modelName}'` +
                (grant.resource_pattern === '*' ? ' (granted on all models)' : '')
        };
    }
    return notVerified(`the user holds only ${grant.permission} on registered model ` +
        `'${modelName}'; creating a version needs EDIT or MANAGE`);
}
/**
 * Folds the grants that apply to `modelName` the way MLflow 3.17.2's
 * auth app does (`fold_grants_for_key` in mlflow/server/auth): a DENY
 * wins, else the highest permission. A grant's pattern is an exact model
 * name or `*`. That auth app has no glob or prefix patterns, so `fraud-*`
 * matches only a model named `fraud-*`.
 *
 * NOTE: with workspaces enabled, the auth app counts only the grants of
 * the model's workspace. This fold ignores the rows' `workspace` field,
 * so it can overstate access on such a server.
 */
function effectiveGrant(grants, modelName) {
    const applying = grants.filter(row => row.resource_type === 'registered_model' &&
        (row.resource_pattern === modelName || row.resource_pattern === '*'));
    const denied = applying.find(row => row.permission === 'DENY');
    if (denied)
        return denied;
    let best;
    for (const row of applying) {
        if (!best || rank(row) > rank(best))
            best = row;
    }
    return best;
}
function rank(grant) {
    return PERMISSION_RANK[grant.permission] ?? 0;
}
/**
 * Checks for MANAGE on the workspace slot, which MLflow treats as MANAGE
 * on every resource of the workspace.
 */
function isWorkspaceAdmin(grant) {
    return (grant.resource_type === 'workspace' &&
        grant.resource_pattern === '*' &&
        grant.permission === 'MANAGE');
}
/**
 * Checks for a DENY on model versions: MLflow 3.17.2 requires, besides
 * EDIT on the model, that new versions are not denied.
 */
function deniesNewVersions(grant) {
    return (grant.resource_type === 'registered_model_version' &&
        grant.permission === 'DENY');
}
function notVerified(reason) {
    return { verified: false, statement: reason };
}
async function readCurrentPermissions(http) {
    try {
        return await http.json({
            method: 'GET',
            path: 'api/3.0/mlflow/users/current/permissions',
            operation: 'list current user permissions',
            idempotent: true
        }, currentPermissionsResponse);
    }
    catch (error) {
        if (error instanceof HttpError)
            return undefined;
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/preflight/preflight.ts






const preflight_searchResponse = schemas/* looseObject */._H3({});
const currentUserResponse = schemas/* object */.Ikc({
    user: schemas/* looseObject */._H3({
        username: schemas/* string */.YjP(),
        is_admin: schemas/* boolean */.zMY().optional()
    })
});
/**
 * The preflight of a registration, in one request: reading the target
 * model proves the server is reachable, is MLflow, has a registry and
 * accepts the credentials for reading, and the answer is needed anyway.
 * A missing model is MLflow's JSON `RESOURCE_DOES_NOT_EXIST`, which
 * proves the same.
 */
async function checkTargetModel(http, modelName, log) {
    const model = await readRegistryOrExplain(http, () => getRegisteredModel(http, modelName));
    const tracking = await checkSeparateTracking(http);
    log.info(`Preflight passed: MLflow answered and accepted the credentials; ` +
        `registered model '${modelName}' ` +
        `${model ? 'exists' : 'does not exist yet'}.`);
    const notVerified = [
        `write permission on registered model '${modelName}': the preflight ` +
            'does not write, so the server checks it when the version is created'
    ];
    for (const item of notVerified)
        log.info(`Not verified: ${item}`);
    return {
        passed: [
            'tracking server reachable',
            'MLflow API at the tracking URI',
            'model registry available',
            'credentials accepted for reading',
            ...tracking
        ],
        ...(model ? { model } : {}),
        notVerified
    };
}
/**
 * Moves write permission from "not verified" to "passed" once the server
 * accepted a new version of `modelName`, which proves it.
 */
function recordWriteProven(report, modelName) {
    const write = /^write permission\b/;
    return {
        ...report,
        passed: [
            ...report.passed,
            `write permission on registered model '${modelName}' (the server ` +
                'accepted the new version)'
        ],
        notVerified: report.notVerified.filter(item => !write.test(item))
    };
}
/**
 * The full preflight of `mode: preflight`, in three or four requests: a
 * registry read (the target model, else a one-item search), the server
 * version, the identity the server sees and, on MLflow's basic-auth app
 * with a model name, the caller's own grants. It writes nothing.
 */
async function runPreflight(http, modelName, log) {
    const model = await readRegistryOrExplain(http, () => readRegistry(http, modelName));
    const passed = [
        http.options.baseUrl.protocol === 'https:'
            ? 'tracking server reachable over verified TLS'
            : 'tracking server reachable',
        'MLflow API at the tracking URI (base path right)',
        'model registry answered',
        'credentials accepted for reading'
    ];
    if (modelName)
        passed.push(`read access to registered model '${modelName}'`);
    passed.push(...(await checkSeparateTracking(http)));
    const serverVersion = await readServerVersion(http);
    const identity = await preflight_readIdentity(http);
    const write = identity && modelName
        ? await checkWritePermission(http, modelName)
        : undefined;
    if (write?.verified)
        passed.push(`write permission: ${write.statement}`);
    log.info(`Preflight passed: ${passed.join('; ')}.`);
    log.info(`MLflow server version: ${serverVersion ?? 'not reported'}`);
    log.info(`Authenticated as: ${identity ?? 'not reported by this server'}`);
    log.info(`Preflight sent ${http.requestCount} requests.`);
    const notVerified = write?.verified
        ? []
        : [notVerifiedWrite(modelName, write?.statement)];
    // The log, not only the report file, states that write permission was
    // not proven, so a passed preflight is not read as a promise.
    for (const item of notVerified)
        log.info(`Not verified: ${item}`);
    return {
        passed,
        ...(model ? { model } : {}),
        ...(serverVersion ? { serverVersion } : {}),
        ...(identity ? { identity } : {}),
        notVerified,
        requestCount: http.requestCount
    };
}
/**
 * Reads the target model, or searches for one model when no name is
 * given. Either is a registry read, so a server whose tracking API works
 * but whose registry does not fails here.
 */
async function readRegistry(http, modelName) {
    if (modelName)
        return getRegisteredModel(http, modelName);
    await http.json({
        method: 'GET',
        path: `${API}/registered-models/search`,
        query: { max_results: 1 },
        operation: 'search registered models',
        idempotent: true
    }, preflight_searchResponse);
    return undefined;
}
/**
 * Reads one experiment from the tracking server when registry calls go
 * to another server, so a run lookup or an upload cannot be the first
 * request to find the tracking server unreachable or the credentials
 * rejected there. Returns the check that passed, if one ran.
 */
async function checkSeparateTracking(http) {
    const registry = http.options.registry;
    if (registry === undefined)
        return [];
    await http.json({
        method: 'GET',
        path: `${API}/experiments/search`,
        query: { max_results: 1 },
        operation: 'search experiments',
        idempotent: true
    }, preflight_searchResponse);
    return [
        `registry server ${registry.options.baseUrl.href} and tracking ` +
            'server both answered'
    ];
}
function notVerifiedWrite(modelName, reason) {
    const target = modelName
        ? `write permission on registered model '${modelName}'`
        : 'write permission (no model-name given)';
    return `${target}: ${reason ?? 'the server does not report it'}`;
}
async function readServerVersion(http) {
    try {
        const response = await http.send({
            method: 'GET',
            path: 'version',
            operation: 'get server version',
            idempotent: true
        });
        const version = response.text.trim();
        return /^\d+\.\d+/.test(version) ? version : undefined;
    }
    catch (error) {
        if (error instanceof HttpError)
            return undefined;
        throw error;
    }
}
/** Reads the current user from the basic-auth app; other servers have none. */
async function preflight_readIdentity(http) {
    try {
        const response = await http.json({
            method: 'GET',
            path: `${API}/users/current`,
            operation: 'get current user',
            idempotent: true
        }, currentUserResponse);
        const { username, is_admin: isAdmin } = response.user;
        return isAdmin ? `${username} (admin)` : username;
    }
    catch (error) {
        if (error instanceof HttpError)
            return undefined;
        throw error;
    }
}

// EXTERNAL MODULE: ./src/provenance/model-digest.ts
var model_digest = __webpack_require__(10363);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/mlflow/artifacts.ts



/**
 * Maps an `mlflow-artifacts:` URI to its path below the artifact proxy:
 * `mlflow-artifacts:/1/<run>/artifacts` becomes `1/<run>/artifacts`.
 * Returns undefined for other schemes, which the proxy does not serve.
 */
function proxyPath(artifactUri) {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    return match?.[1]?.replace(/\/+$/, '');
}
/** Encodes each segment of a relative path for use in a URL. */
function encodePath(path) {
    return path.split('/').map(encodeURIComponent).join('/');
}
/**
 * Uploads one file through the artifact proxy as a raw PUT, with an
 * explicit `Content-Length`, never chunked, so proxies that enforce body
 * limits can see the size.
 */
async function uploadArtifact(http, destination, body, signal) {
    await http.json({
        method: 'PUT',
        path: `${ARTIFACTS_API}/${encodePath(destination)}`,
        body: {
            contentType: 'application/octet-stream',
            length: body.size,
            open: () => body.open()
        },
        file: body.path,
        operation: 'upload artifact',
        resource: `artifact ${destination}`,
        idempotent: true,
        ...(signal ? { signal } : {})
    }, schemas_emptyResponse);
}
/** Uploads a small text file, such as `model.sig`, as a raw PUT. */
async function uploadArtifactText(http, destination, text) {
    await http.json({
        method: 'PUT',
        path: `${ARTIFACTS_API}/${encodePath(destination)}`,
        body: {
            contentType: 'application/octet-stream',
            length: Buffer.byteLength(text),
            open: () => text
        },
        operation: 'upload artifact',
        resource: `artifact ${destination}`,
        idempotent: true
    }, schemas_emptyResponse);
}
/** Lists what lies directly below a path of the artifact proxy. */
async function listProxyFiles(http, path) {
    const response = await http.json({
        method: 'GET',
        path: ARTIFACTS_API,
        query: { path },
        operation: 'list artifacts',
        resource: `artifact ${path}`,
        idempotent: true
    }, listArtifactsResponse);
    return response.files;
}
/** Lists the files directly below a path of the artifact proxy. */
async function listProxyArtifacts(http, path) {
    return (await listProxyFiles(http, path)).map(file => file.path);
}
/**
 * Lists the entries directly below a path of the artifact proxy, with
 * whether each is a directory. MLflow 3.17 returns base names here.
 */
async function listProxyEntries(http, path) {
    return (await listProxyFiles(http, path)).map(file => ({
        name: file.path.split('/').pop() ?? file.path,
        isDir: file.is_dir
    }));
}
/** The operation of a download through the proxy, in request facts. */
const DOWNLOAD_OPERATION = 'download artifact';
/**
 * Downloads a file through the proxy into `sink` as a stream, so large
 * files never sit in memory. A retry calls `sink` again from the start;
 * with `retry` false the download is tried once.
 */
async function downloadArtifactStream(http, path, sink, retry = true) {
    await http.send({
        method: 'GET',
        path: `${ARTIFACTS_API}/${encodePath(path)}`,
        operation: DOWNLOAD_OPERATION,
        resource: `artifact ${path}`,
        idempotent: retry,
        sink
    });
}
/**
 * Opens a file of the artifact proxy as a stream that another request,
 * such as an upload, consumes. The download is tried once, because a
 * retry after some bytes went on would send them twice: the consumer
 * opens the file again instead. A failed download destroys the stream
 * with the transport's error, which names the tracking server.
 */
function openArtifactStream(http, path) {
    const output = new external_node_stream_.PassThrough();
    // The consumer may stop listening once its own request failed; the
    // download's error must not then end the process as unhandled.
    output.on('error', () => undefined);
    const sink = async (body) => {
        for await (const chunk of body) {
            if (!(await writeChunk(output, chunk)))
                return;
        }
        output.end();
    };
    downloadArtifactStream(http, path, sink, false).catch((error) => {
        output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    return output;
}
/**
 * Writes one chunk and waits while the consumer is behind. Returns false
 * once the consumer has closed the stream, so the download stops.
 */
async function writeChunk(output, chunk) {
    if (output.destroyed)
        return false;
    if (output.write(chunk))
        return true;
    await new Promise(resolve => {
        const done = () => {
            output.off('drain', done);
            output.off('close', done);
            resolve();
        };
        output.on('drain', done);
        output.on('close', done);
    });
    return !output.destroyed;
}
/** Downloads a small text file, such as `MLmodel`, through the proxy. */
async function downloadArtifactText(http, path) {
    const response = await http.send({
        method: 'GET',
        path: `${ARTIFACTS_API}/${encodePath(path)}`,
        operation: DOWNLOAD_OPERATION,
        resource: `artifact ${path}`,
        idempotent: true
    });
    return response.text;
}

;// CONCATENATED MODULE: ./src/mlflow/tracking.ts




/**
 * Gets an experiment's id by name; undefined when there is none. A
 * deleted experiment is an error, as nothing can be logged to it.
 */
async function getExperimentId(http, name) {
    try {
        const response = await http.json({
            method: 'GET',
            path: `${API}/experiments/get-by-name`,
            query: { experiment_name: name },
            operation: 'get experiment',
            resource: `experiment '${name}'`,
            idempotent: true
        }, experimentResponse);
        const { experiment } = response;
        if (experiment.lifecycle_stage === 'deleted') {
            throw deletedExperiment(name, experiment.experiment_id);
        }
        return experiment.experiment_id;
    }
    catch (error) {
        if (isNotFound(error))
            return undefined;
        throw error;
    }
}
/**
 * MLflow keeps a deleted experiment, with its name, until `mlflow gc`
 * removes it: runs cannot be created in it, and a new experiment cannot
 * take its name (RESOURCE_ALREADY_EXISTS).
 */
function deletedExperiment(name, id) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `Experiment '${name}' (id ${id}) is deleted, so the action can ` +
        'neither create a run in it nor create a new experiment with ' +
        'that name.', 'Restore the experiment (experiments/restore or the MLflow UI), ' +
        'set `experiment-name` to another name, or have an admin remove ' +
        'it for good with `mlflow gc`.', {}, `Experiment '${name}' is deleted`));
}
/** Creates an experiment and returns its id. */
async function createExperiment(http, name) {
    const response = await http.json({
        method: 'POST',
        path: `${API}/experiments/create`,
        json: { name },
        operation: 'create experiment',
        resource: `experiment '${name}'`,
        idempotent: false
    }, createExperimentResponse);
    return response.experiment_id;
}
/** Creates a run in an experiment. */
async function createRun(http, experimentId, runName, tags) {
    const response = await http.json({
        method: 'POST',
        path: `${API}/runs/create`,
        json: {
            experiment_id: experimentId,
            run_name: runName,
            start_time: Date.now(),
            tags
        },
        operation: 'create run',
        resource: `experiment ${experimentId}`,
        idempotent: false
    }, runResponse);
    return response.run.info;
}
/**
 * Finds a run of an experiment by the value of one tag; undefined when no
 * run carries it. MLflow's filter grammar quotes the tag key in backticks
 * and the value in single quotes, so neither may contain its own quote.
 */
async function findRunByTag(http, experimentId, tag) {
    const response = await http.json({
        method: 'POST',
        path: `${API}/runs/search`,
        json: {
            experiment_ids: [experimentId],
            filter: `tags.\`${tag.key}\` = '${tag.value}'`,
            max_results: 1
        },
        operation: 'search runs',
        resource: `experiment ${experimentId}`,
        idempotent: true
    }, searchRunsResponse);
    return response.runs[0]?.info;
}
/** Marks a run finished or failed. */
async function endRun(http, runId, status) {
    await http.json({
        method: 'POST',
        path: `${API}/runs/update`,
        json: { run_id: runId, status, end_time: Date.now() },
        operation: 'end run',
        resource: `run ${runId}`,
        idempotent: true
    }, schemas_emptyResponse);
}
/** Sets one tag of a run, replacing its value if the run has the tag. */
async function setRunTag(http, runId, tag) {
    await http.json({
        method: 'POST',
        path: `${API}/runs/set-tag`,
        json: { run_id: runId, key: tag.key, value: tag.value },
        operation: 'set run tag',
        resource: `run ${runId}`,
        idempotent: true
    }, schemas_emptyResponse);
}
/** Gets a run's info. */
async function getRun(http, runId) {
    return (await getRunWithData(http, runId)).info;
}
/**
 * Gets a run with its latest metric values, params and tags. `runs/get`
 * returns every key at once; MLflow pages only a metric's history.
 */
async function getRunWithData(http, runId) {
    const response = await http.json({
        method: 'GET',
        path: `${API}/runs/get`,
        query: { run_id: runId },
        operation: 'get run',
        resource: `run ${runId}`,
        idempotent: true
    }, runDataResponse);
    return response.run;
}
/** Lists a run's artifacts directly under `path`. */
async function listRunArtifacts(http, runId, path, sending = {}) {
    const response = await http.json({
        method: 'GET',
        path: `${API}/artifacts/list`,
        query: { run_id: runId, path },
        operation: 'list run artifacts',
        resource: `run ${runId}`,
        idempotent: true,
        ...sending
    }, listArtifactsResponse);
    return {
        ...(response.root_uri ? { rootUri: response.root_uri } : {}),
        paths: response.files.map(file => file.path)
    };
}
/** Gets a logged model (MLflow 3) by its id, such as `m-0123...`. */
async function getLoggedModel(http, modelId) {
    const response = await http.json({
        method: 'GET',
        path: `${API}/logged-models/${encodeURIComponent(modelId)}`,
        operation: 'get logged model',
        resource: `logged model ${modelId}`,
        idempotent: true
    }, getLoggedModelResponse);
    return response.model;
}
/** Finds an experiment's logged models (MLflow 3) that match a filter. */
async function searchLoggedModels(http, experimentId, filter) {
    const models = [];
    let pageToken;
    do {
        const page = await http.json({
            method: 'POST',
            path: `${API}/logged-models/search`,
            json: {
                experiment_ids: [experimentId],
                filter,
                page_token: pageToken
            },
            operation: 'search logged models',
            resource: `experiment ${experimentId}`,
            idempotent: true
        }, searchLoggedModelsResponse);
        models.push(...page.models);
        pageToken = page.next_page_token;
    } while (pageToken);
    return models;
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/async/bounded-pool.ts
/**
 * Runs `task` on every item with at most `limit` tasks in flight, and
 * resolves once all have settled. After a task fails, no further item
 * starts. Once the tasks in flight settle, the pool rejects with the
 * error of the first failed item in `items`, as a sequential loop would.
 */
async function forEachBounded(items, limit, task) {
    let next = 0;
    const failures = [];
    const worker = async () => {
        while (next < items.length && failures.length === 0) {
            const index = next++;
            try {
                await task(items[index], index);
            }
            catch (error) {
                failures.push({ index, error });
            }
        }
    };
    const workers = Math.max(1, Math.min(limit, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
    const first = failures.sort((a, b) => a.index - b.index)[0];
    if (first)
        throw first.error;
}

;// CONCATENATED MODULE: ./src/mlflow/artifact-sizes.ts




/**
 * Lists the file sizes directly below a path of the artifact proxy, by
 * file name; directories are left out. MLflow lists an empty file with
 * no size, because its JSON leaves out fields that are zero.
 */
async function listArtifactSizes(http, path) {
    const sizes = new Map();
    for (const file of await listProxyFiles(http, path)) {
        if (!file.is_dir)
            sizes.set(file.path, Number(file.file_size ?? 0));
    }
    return sizes;
}
/**
 * Downloads a small text file through the proxy and checks its length
 * against the size the listing records. MLflow streams downloads chunked,
 * without `Content-Length`, so a proxy that loses the body still passes
 * on status 200: a short body is read once more, then reported.
 */
async function downloadCheckedText(http, path) {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const name = path.slice(parent.length ? parent.length + 1 : 0);
    const expected = (await listArtifactSizes(http, parent)).get(name);
    let response = await download(http, path);
    if (expected === undefined)
        return response.text;
    for (let attempt = 1;; attempt++) {
        const received = Buffer.byteLength(response.text);
        if (received === expected)
            return response.text;
        if (attempt >= 2)
            throw shortDownload(path, expected, received, response);
        response = await download(http, path);
    }
}
function download(http, path) {
    return http.send({
        method: 'GET',
        path: `${ARTIFACTS_API}/${encodePath(path)}`,
        operation: 'download artifact',
        resource: `artifact ${path}`,
        idempotent: true
    });
}
function header(response, name) {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
}
function shortDownload(path, expected, received, response) {
    const headerText = (name) => header(response, name) ?? '(none)';
    const headers = `Transfer-Encoding: ${headerText('transfer-encoding')}, ` +
        `Content-Length: ${headerText('content-length')}, ` +
        `Server: ${headerText('server')}, Via: ${headerText('via')}`;
    const server = header(response, 'server');
    const via = header(response, 'via');
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `The artifact proxy returned HTTP ${response.status} for ${path} ` +
        `with ${received} bytes, twice, but the file has ${expected} ` +
        `bytes (${headers}). An intermediary is cutting streamed answers.`, 'Turn off response buffering for the MLflow API in the reverse ' +
        'proxy (nginx: proxy_buffering off) and make sure it talks HTTP/1.1 ' +
        'to MLflow (nginx: proxy_http_version 1.1).', {
        request: `GET ${ARTIFACTS_API}/${path}`,
        status: response.status,
        ...(server === undefined ? {} : { server }),
        ...(via === undefined ? {} : { via })
    }, 'An artifact download arrived incomplete'));
}
/**
 * Checks the size the artifact proxy lists for each uploaded file, so
 * that no version is created from files a proxy cut short: an upload can
 * get a 200 although the body that arrived was shorter.
 */
async function verifyUploadedSizes(http, root, files) {
    const stored = await listStoredSizes(http, root, files);
    for (const file of files) {
        const size = stored.get(file.relativePath);
        if (size !== file.size)
            throw shortUpload(root, file, size);
    }
}
/** Directories listed at once when checking the stored sizes. */
const LIST_CONCURRENCY = 8;
/**
 * Lists the sizes the artifact proxy records for `files` below `root`,
 * by relative path, with one listing per directory. Files the proxy does
 * not list are left out.
 */
async function listStoredSizes(http, root, files) {
    const byDirectory = new Map();
    for (const file of files) {
        const slash = file.relativePath.lastIndexOf('/');
        const directory = slash < 0 ? '' : file.relativePath.slice(0, slash);
        const group = byDirectory.get(directory);
        if (group)
            group.push(file);
        else
            byDirectory.set(directory, [file]);
    }
    const stored = new Map();
    const groups = [...byDirectory];
    await forEachBounded(groups, LIST_CONCURRENCY, async ([directory, group]) => {
        const listed = directory ? `${root}/${directory}` : root;
        const sizes = await listArtifactSizes(http, listed);
        for (const file of group) {
            // The proxy lists the names directly below the path it was given.
            const name = file.relativePath.slice(directory ? directory.length + 1 : 0);
            const size = sizes.get(name);
            if (size !== undefined)
                stored.set(file.relativePath, size);
        }
    });
    return stored;
}
function shortUpload(root, file, stored) {
    const listing = stored === undefined ? 'does not list it' : `lists ${stored} bytes`;
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SERVER_CONFIG', `After the upload of ${root}/${file.relativePath} (${file.size} ` +
        `bytes) was accepted, the artifact proxy ${listing}. A proxy or the ` +
        'artifact store lost part of the body, so no model version was ' +
        'created.', 'Check the body size and timeout limits of the proxies in front of ' +
        'MLflow and the free space of its artifact store, then run again.', {}, 'An uploaded artifact is incomplete'));
}

;// CONCATENATED MODULE: ./src/release/model-file.ts





const mlmodelSchema = schemas/* looseObject */._H3({
    flavors: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).default({}),
    signature: schemas/* looseObject */._H3({
        inputs: schemas/* string */.YjP().optional(),
        outputs: schemas/* string */.YjP().optional()
    })
        .optional(),
    model_size_bytes: coerce/* number */.ai().optional()
});
/**
 * Reads a version's `MLmodel` file through the artifact proxy. Returns
 * the reason instead when the files are not behind the proxy (for example
 * in S3 that the server does not proxy) or the file cannot be parsed.
 */
async function readModelFacts(http, version) {
    const uri = await downloadUri(http, version);
    const path = proxyPath(uri);
    if (path === undefined) {
        return { unreadable: `its files are at ${uri}, outside the proxy` };
    }
    return parseModelFacts(await downloadModelFile(http, `${path}/MLmodel`));
}
/**
 * Downloads an `MLmodel` file through the artifact proxy. A body that
 * does not parse as one is read again with its size checked against the
 * listing, because a proxy can pass on status 200 with the body lost.
 */
async function downloadModelFile(http, path) {
    const text = await downloadArtifactText(http, path);
    if (!('unreadable' in parseModelFacts(text)))
        return text;
    return downloadCheckedText(http, path);
}
/** Reads the model facts from the text of an `MLmodel` file. */
function parseModelFacts(text) {
    const result = mlmodelSchema.safeParse(parseYaml(text));
    if (!result.success)
        return { unreadable: 'its MLmodel file is invalid' };
    const { flavors, signature, model_size_bytes: sizeBytes } = result.data;
    return {
        flavors: Object.keys(flavors).sort(),
        ...(signature ? { signature: withoutEmpty(signature) } : {}),
        ...(sizeBytes === undefined ? {} : { sizeBytes })
    };
}
/**
 * Returns where a version's files are. MLflow 3.17 stores the source
 * itself as the download URI of every version whose source is not a
 * `models:` URI, so an `mlflow-artifacts:` source saves one request.
 */
async function downloadUri(http, version) {
    if (version.source && proxyPath(version.source) !== undefined) {
        return version.source;
    }
    return getModelVersionDownloadUri(http, version.name, version.version);
}
function parseYaml(text) {
    try {
        return (0,dist/* parse */.qg)(text);
    }
    catch {
        return undefined;
    }
}
function withoutEmpty(signature) {
    return {
        ...(signature.inputs ? { inputs: signature.inputs } : {}),
        ...(signature.outputs ? { outputs: signature.outputs } : {})
    };
}

;// CONCATENATED MODULE: ./src/provenance/dsse.ts



/** A DSSE envelope as JSON carries it: payload and signatures in base64. */
const envelopeSchema = schemas/* object */.Ikc({
    payload: schemas/* base64 */.K39(),
    payloadType: schemas/* string */.YjP(),
    signatures: schemas/* array */.YOg(schemas/* object */.Ikc({ sig: schemas/* base64 */.K39(), keyid: schemas/* string */.YjP().optional() }))
        .min(1)
});
/**
 * Encodes a payload for signing as DSSE v1 prescribes (pre-authentication
 * encoding): `DSSEv1 <type length> <type> <payload length> <payload>`,
 * lengths in bytes, so the type cannot be swapped without breaking the
 * signature.
 */
function preAuthEncoding(payloadType, payload) {
    const type = Buffer.from(payloadType, 'utf8');
    const header = `DSSEv1 ${type.length} ${payloadType} ${payload.length} `;
    return Buffer.concat([Buffer.from(header, 'utf8'), payload]);
}
/**
 * Returns the digest that goes with an EC key's curve, as Sigstore's
 * key details pair them: SHA-256 for P-256, SHA-384 for P-384 and
 * SHA-512 for P-521. Other keys are rejected, as model-signing does.
 */
function digestForKey(key, input) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const digest = key.asymmetricKeyType === 'ec' && curve
        ? { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[curve]
        : undefined;
    if (digest)
        return digest;
    throw (0,diagnosis_diagnosis/* configError */.Fj)(input, `the key is ${key.asymmetricKeyType ?? 'unknown'}` +
        `${curve ? ` on curve ${curve}` : ''}, not an EC key on P-256, ` +
        'P-384 or P-521', 'Generate a key with `openssl ecparam -name prime256v1 -genkey` ' +
        'and convert it with `openssl pkcs8 -topk8 -nocrypt`.');
}
/** Signs a payload into a DSSE envelope with an EC private key. */
function signEnvelope(payloadType, payload, privateKey) {
    const digest = digestForKey(privateKey, 'input `signing-key`');
    const signature = (0,node_crypto/* nodeCrypto */.S)().sign(digest, preAuthEncoding(payloadType, payload), privateKey);
    return {
        payload: payload.toString('base64'),
        payloadType,
        signatures: [{ sig: signature.toString('base64'), keyid: '' }]
    };
}
/**
 * Checks the envelope's first signature with a public key, as
 * model-signing's key verifier does. Returns the payload when valid.
 */
function verifyEnvelope(envelope, publicKey) {
    const digest = digestForKey(publicKey, 'input `verify-key`');
    const payload = Buffer.from(envelope.payload, 'base64');
    const first = envelope.signatures[0];
    if (!first)
        return undefined;
    const valid = (0,node_crypto/* nodeCrypto */.S)().verify(digest, preAuthEncoding(envelope.payloadType, payload), publicKey, Buffer.from(first.sig, 'base64'));
    return valid ? payload : undefined;
}
/** Returns the SubjectPublicKeyInfo PEM of a private or public key. */
function publicKeyPem(key) {
    const publicKey = key.type === 'private' ? (0,node_crypto/* nodeCrypto */.S)().createPublicKey(key) : key;
    return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

;// CONCATENATED MODULE: ./src/provenance/key-bundle.ts



/** The media type of Sigstore bundle v0.3, which model-signing writes. */
const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/**
 * A Sigstore bundle that contains a DSSE envelope. Only the parts this
 * action reads are checked, and the rest, such as a keyless bundle's
 * certificate and log entries, is kept as it is.
 */
const bundleSchema = schemas/* looseObject */._H3({
    mediaType: schemas/* string */.YjP(),
    verificationMaterial: schemas/* looseObject */._H3({
        publicKey: schemas/* looseObject */._H3({ hint: schemas/* string */.YjP().nullish() }).optional()
    }),
    dsseEnvelope: envelopeSchema
});
/**
 * Returns the key hint model-signing records for a public key: the hex
 * SHA-256 of its SubjectPublicKeyInfo PEM text.
 */
function publicKeyHint(key) {
    return (0,node_crypto/* nodeCrypto */.S)()
        .createHash('sha256')
        .update(publicKeyPem(key))
        .digest('hex');
}
/**
 * Wraps a key-signed envelope in a Sigstore bundle as model-signing's key
 * signer lays it out: the key's hint as the verification material and no
 * transparency log entries, since nothing is logged.
 */
function buildKeyBundle(envelope, privateKey) {
    return {
        mediaType: BUNDLE_MEDIA_TYPE,
        verificationMaterial: {
            publicKey: { hint: publicKeyHint(privateKey) },
            tlogEntries: []
        },
        dsseEnvelope: envelope
    };
}
/** Parses a `model.sig` file, or returns why it is not a bundle. */
function parseBundle(text) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        return { invalid: 'it is not JSON' };
    }
    const result = bundleSchema.safeParse(json);
    if (!result.success) {
        const issue = result.error.issues[0];
        return {
            invalid: 'it is not a Sigstore bundle with a DSSE envelope ' +
                `(${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`
        };
    }
    if (result.data.mediaType !== BUNDLE_MEDIA_TYPE) {
        return {
            invalid: `its media type is ${result.data.mediaType}, expected ` +
                BUNDLE_MEDIA_TYPE
        };
    }
    return { bundle: result.data };
}

// EXTERNAL MODULE: ./src/provenance/statement.ts
var provenance_statement = __webpack_require__(74158);
;// CONCATENATED MODULE: ./src/provenance/sign-model.ts




/**
 * Signs a model manifest with the key of `signing: key`: the in-toto
 * statement in a DSSE envelope, wrapped in a Sigstore bundle that
 * model-signing 1.1.1 reads with `model_signing verify key`.
 */
function signManifest(manifest, signing) {
    if (!signing.privateKey) {
        throw new Error('signManifest needs the private key of `signing: key`');
    }
    const statement = (0,provenance_statement/* buildStatement */.Y5)(manifest);
    const envelope = signEnvelope(provenance_statement/* IN_TOTO_PAYLOAD_TYPE */.T4, statement, signing.privateKey);
    const bundle = buildKeyBundle(envelope, signing.privateKey);
    return {
        digest: (0,model_digest/* rootDigest */.bb)(manifest.files),
        bundleText: JSON.stringify(bundle)
    };
}
/**
 * Signs a model manifest keylessly: the same in-toto statement as key
 * signing, signed with a Fulcio certificate for the job's ID token and
 * witnessed by Rekor. sigstore-python verifies the bundle the way
 * model-signing 1.1.1 calls it (`Verifier.verify_dsse`).
 */
async function signManifestKeylessly(manifest, sigstore, idTokens) {
    // Imported on first use: @sigstore/sign is large, and only this
    // signing method needs it.
    const { signWithSigstore } = await Promise.all(/* import() */[__webpack_require__.e(969), __webpack_require__.e(128), __webpack_require__.e(179), __webpack_require__.e(491)]).then(__webpack_require__.bind(__webpack_require__, 56491));
    const bundle = await signWithSigstore((0,provenance_statement/* buildStatement */.Y5)(manifest), {
        requestIdToken: audience => idTokens.requestIdToken(audience),
        setSecret: value => {
            idTokens.setSecret(value);
        },
        fulcioUrl: sigstore.fulcioUrl,
        rekorUrl: sigstore.rekorUrl
    });
    return {
        digest: (0,model_digest/* rootDigest */.bb)(manifest.files),
        bundleText: JSON.stringify(bundle)
    };
}

;// CONCATENATED MODULE: ./src/mlflow/artifact-tree.ts

/**
 * Lists every file below a path of the artifact proxy, descending into
 * directories. `skip` leaves out a relative path and, for a directory,
 * everything below it.
 */
async function listProxyTree(http, root, skip = () => false) {
    const files = [];
    await listBelow(http, root, '', skip, files);
    return files;
}
async function listBelow(http, root, relative, skip, files) {
    const directory = relative ? `${root}/${relative}` : root;
    for (const entry of await listProxyFiles(http, directory)) {
        // MLflow 3.17 lists base names here.
        const base = entry.path.split('/').pop() ?? entry.path;
        const name = relative ? `${relative}/${base}` : base;
        if (skip(name))
            continue;
        if (entry.is_dir)
            await listBelow(http, root, name, skip, files);
        else
            files.push({ name, ...sizeOf(entry.file_size) });
    }
}
function sizeOf(size) {
    return size === undefined ? {} : { size: Number(size) };
}

;// CONCATENATED MODULE: ./src/provenance/remote-digest.ts




/**
 * Hashes the model files below a path of the artifact proxy, streaming
 * each one down through the HTTP client (with its TLS, proxy, retries
 * and auth), so memory stays flat. `root` is the proxy path of the model
 * directory, such as `1/<run>/artifacts/model`. Files under
 * `ignorePaths` are neither listed nor hashed.
 */
async function digestProxyArtifacts(http, root, log, ignorePaths = model_digest/* IGNORED_PATHS */.qz) {
    const skip = (name) => (0,model_digest/* isIgnored */.pi)(name, ignorePaths);
    const tree = await listProxyTree(http, root, skip);
    const names = tree.map(file => file.name);
    log.info(`Hashing ${names.length} model files from artifact ${root}`);
    const files = [];
    for (const name of names.sort(model_digest/* compareFileNames */.gE)) {
        let digest = '';
        await downloadArtifactStream(http, `${root}/${name}`, async (body) => {
            digest = await (0,model_digest/* hashStream */.LH)(body);
        });
        files.push({ name, digest });
    }
    return { modelName: root.split('/').pop() ?? root, files };
}
/**
 * Computes the model digest of the model directory at an artifact URI,
 * leaving out the paths the action signs without, so it equals the
 * digest the action records for the same files from `model-path`.
 */
async function digestArtifactUri(http, artifactUri, log) {
    const manifest = await digestProxyArtifacts(http, proxyRoot(artifactUri), log);
    return (0,model_digest/* rootDigest */.bb)(manifest.files);
}
/**
 * Returns the artifact proxy path of an `mlflow-artifacts:` URI, or
 * throws UNSUPPORTED_FEATURE for a location the server does not proxy.
 */
function proxyRoot(artifactUri) {
    const root = proxyPath(artifactUri);
    if (root !== undefined)
        return root;
    // NOTE: only files behind MLflow's artifact proxy are read, so S3, GCS
    // and other stores the server does not proxy cannot be hashed here.
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `The model files are at ${artifactUri}, which is not behind the ` +
        "server's artifact proxy, so the action cannot read them.", 'Serve artifacts through the tracking server (--serve-artifacts), ' +
        'or check a downloaded copy with `model_signing verify`.'));
}

;// CONCATENATED MODULE: ./src/provenance/verify-manifest.ts


/**
 * Returns the first file, in manifest order, where the files differ from
 * the signed statement: its contents changed, it is not in the statement
 * (added), or the statement lists it but it is absent (missing).
 */
function findFirstDifference(signed, actual) {
    const expected = new Map(signed.map(file => [file.name, file.digest]));
    const present = new Map(actual.map(file => [file.name, file.digest]));
    const names = [...new Set([...expected.keys(), ...present.keys()])];
    for (const name of names.sort(model_digest/* compareFileNames */.gE)) {
        const want = expected.get(name);
        const have = present.get(name);
        if (want === undefined)
            return { kind: 'added', name };
        if (have === undefined)
            return { kind: 'missing', name };
        if (want !== have)
            return { kind: 'changed', name };
    }
    return undefined;
}
/**
 * Returns the paths that verification leaves out: those the signer
 * recorded in the statement's `ignore_paths`, and model.sig, the bundle
 * being verified. model-signing 1.1.1 leaves out the same, so git's
 * files are checked when the signer did not ignore them.
 */
function verificationIgnorePaths(signed) {
    return [model_digest/* SIGNATURE_FILE */.I9, ...signed.ignorePaths];
}
/**
 * Checks a model's files against a statement whose signature was already
 * verified, and throws MODEL_DIGEST_MISMATCH naming the first differing
 * file. `where` names the model's location for the message.
 */
function verifyFilesAgainstStatement(signed, actual, where) {
    const difference = findFirstDifference(signed.files, actual.files);
    if (!difference)
        return;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('MODEL_DIGEST_MISMATCH', `${where}: ${describeDifference(difference)}, so the model is not ` +
        `the one that was signed (signed model digest ${signed.digest}).`, 'Find out who changed the model files since signing; register the ' +
        'model again from a trusted build, or sign the new files.', { body: `${difference.kind}: ${difference.name}` }));
}
function describeDifference(difference) {
    const { kind, name } = difference;
    if (kind === 'changed')
        return `file ${name} was changed after signing`;
    if (kind === 'added')
        return `file ${name} was added after signing`;
    return `file ${name} is missing, though the signature lists it`;
}

;// CONCATENATED MODULE: ./src/provenance/verify-keyless.ts


/**
 * Verifies a keyless `model.sig` bundle against `sigstore-trusted-root`
 * and the signer named by `certificate-identity` and
 * `certificate-oidc-issuer`, and returns the signed statement's manifest.
 */
async function verifyKeylessBundle(bundle, signing, where) {
    const { identity, sigstore } = signing;
    if (!identity || !sigstore.trustedRootPath) {
        // The configuration check requires both before any request.
        throw new Error('verifyKeylessBundle needs a signer identity and a trusted root');
    }
    // Sigstore's verifier is loaded only here, so that runs without a
    // keyless signature start without it.
    const { verifySigstoreBundle } = await Promise.all(/* import() */[__webpack_require__.e(128), __webpack_require__.e(187), __webpack_require__.e(35)]).then(__webpack_require__.bind(__webpack_require__, 96035));
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    verifySigstoreBundle(bundle, statement, identity, {
        trustedRootPath: sigstore.trustedRootPath
    });
    const signed = (0,provenance_statement/* parseStatement */.By)(statement);
    if ('invalid' in signed) {
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SIGNATURE_INVALID', `The signature ${where} is valid, but its statement is not a ` +
            `model signing statement: ${signed.invalid}.`, 'Sign the model with `signing: sigstore` or `model_signing sign`.'));
    }
    return signed;
}

;// CONCATENATED MODULE: ./src/provenance/verify-signature.ts





/**
 * Verifies a `model.sig` bundle and returns the signed statement's
 * manifest: a key signature with `verify-key`, a keyless one by its
 * certificate's identity. Throws SIGNATURE_INVALID naming the reason;
 * `where` names the signature file for the message.
 */
async function verifySignatureBundle(text, signing, where) {
    const parsed = parseBundle(text);
    if ('invalid' in parsed)
        throw invalidSignature(where, parsed.invalid);
    const { bundle } = parsed;
    if (isKeylessBundle(bundle)) {
        if (signing.identity)
            return verifyKeylessBundle(bundle, signing, where);
        throw missingVerifier(where, true);
    }
    const key = signing.verifyKey;
    if (!key)
        throw missingVerifier(where, false);
    const hint = bundle.verificationMaterial.publicKey?.hint;
    if (hint && hint !== publicKeyHint(key)) {
        throw invalidSignature(where, 'it was made with another key: its public key hint does not match ' +
            '`verify-key`');
    }
    const payload = verifyEnvelope(bundle.dsseEnvelope, key);
    if (!payload) {
        throw invalidSignature(where, 'its DSSE signature does not verify with `verify-key`');
    }
    if (bundle.dsseEnvelope.payloadType !== provenance_statement/* IN_TOTO_PAYLOAD_TYPE */.T4) {
        throw invalidSignature(where, `its payload type is ${bundle.dsseEnvelope.payloadType}, expected ` +
            provenance_statement/* IN_TOTO_PAYLOAD_TYPE */.T4);
    }
    const statement = (0,provenance_statement/* parseStatement */.By)(payload);
    if ('invalid' in statement)
        throw invalidSignature(where, statement.invalid);
    return statement;
}
function invalidSignature(where, reason) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SIGNATURE_INVALID', `The signature ${where} failed verification: ${reason}.`, 'Check that `verify-key` is the public half of the key that signed ' +
        'the model, and that model.sig was not edited or replaced.'));
}
/** Checks whether a bundle carries a Fulcio certificate, not a key hint. */
function isKeylessBundle(bundle) {
    const material = bundle.verificationMaterial;
    return 'certificate' in material || 'x509CertificateChain' in material;
}
function missingVerifier(where, keyless) {
    if (keyless) {
        return (0,diagnosis_diagnosis/* configError */.Fj)('input `certificate-identity`', `the signature ${where} is a keyless signature with a certificate, ` +
            'and `certificate-identity` and `certificate-oidc-issuer` are not set', 'Set `certificate-identity`, `certificate-oidc-issuer` and ' +
            '`sigstore-trusted-root` to the expected signer.');
    }
    return (0,diagnosis_diagnosis/* configError */.Fj)('input `verify-key`', `the signature ${where} was made with a key, and \`verify-key\` is ` +
        'not set', 'Set `verify-key` to the public key of the signing key.');
}

;// CONCATENATED MODULE: ./src/provenance/verify-artifacts.ts






/**
 * Verifies a model stored behind the artifact proxy: its `model.sig`
 * with the configured key, then every file against the signed statement.
 * Returns the verified model digest. `artifactUri` is the model
 * directory's `mlflow-artifacts:` URI.
 */
async function verifyModelArtifacts(http, artifactUri, signing, log) {
    const root = proxyRoot(artifactUri);
    const entries = await listProxyEntries(http, root);
    if (!entries.some(e => e.name === model_digest/* SIGNATURE_FILE */.I9 && !e.isDir)) {
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SIGNATURE_MISSING', `${artifactUri} has no ${model_digest/* SIGNATURE_FILE */.I9} beside its files, so ` +
            'there is no signature to verify.', 'Register the model with `signing: key` (or sign it with ' +
            '`model_signing sign` before logging it), or stop verifying ' +
            'this model.'));
    }
    const where = `${artifactUri}/${model_digest/* SIGNATURE_FILE */.I9}`;
    const text = await downloadArtifactText(http, `${root}/${model_digest/* SIGNATURE_FILE */.I9}`);
    const signed = await verifySignatureBundle(text, signing, where);
    log.info(`The signature ${where} is valid; checking the files`);
    const actual = await digestProxyArtifacts(http, root, log, verificationIgnorePaths(signed));
    verifyFilesAgainstStatement(signed, actual, artifactUri);
    log.info(`Verified ${actual.files.length} files of ${artifactUri} against ` +
        `the signed model digest ${signed.digest}`);
    return signed.digest;
}

;// CONCATENATED MODULE: ./src/provenance/verify-version.ts





/**
 * Runs `mode: verify`: finds the model version that `source` names,
 * downloads its files and `model.sig`, and checks both. The outcome is
 * `verified`, or a diagnosis that names the first differing file.
 */
async function verifyModelVersion(http, config, log, result) {
    const version = await findVersionByUri(http, config.source ?? '');
    result.version = version;
    const uri = await downloadUri(http, version);
    log.info(`Verifying version ${version.version} of '${version.name}' at ${uri}`);
    result.modelDigest = await verifyModelArtifacts(http, uri, config.signing, log);
    result.outcome = 'verified';
}
/** Finds the version a `models:/<name>/<version>` or `@<alias>` URI names. */
async function findVersionByUri(http, source) {
    const [, name = '', number, alias] = VERSION_URI.exec(source) ?? [];
    try {
        const version = number
            ? await getModelVersion(http, name, number)
            : await getModelVersionByAlias(http, name, alias ?? '');
        if (version)
            return version;
    }
    catch (error) {
        if (!isNotFound(error))
            throw error;
    }
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `${source} names no model version on this tracking server.`, 'Check the registered model name and the version number or alias.'));
}

;// CONCATENATED MODULE: ./src/provenance/registration-signing.ts










/** The version tag that records the model digest. */
const MODEL_DIGEST_TAG = 'mlflow_register.model_digest';
/** The version tag that records where the signature file is. */
const SIGNATURE_TAG = 'mlflow_register.signature';
/**
 * Computes the model digest of a local model directory from the hashes
 * taken when it was read, and signs it unless `signing` is none.
 * `idTokens` supplies the job's ID token to `signing: sigstore`.
 */
async function signModelDirectory(directory, config, log, idTokens) {
    const manifest = (0,model_digest/* manifestFromDirectory */.pb)(directory);
    const { signing } = config;
    if (signing.method === 'none') {
        return { digest: (0,model_digest/* rootDigest */.bb)(manifest.files) };
    }
    const signature = signing.method === 'sigstore'
        ? await signKeylessly(manifest, signing, log, idTokens)
        : signManifest(manifest, signing);
    log.info(`Signed model digest ${signature.digest} (${manifest.files.length} ` +
        `files) ${signerDescription(signing)}; ${model_digest/* SIGNATURE_FILE */.I9} is ` +
        'uploaded beside the model files');
    return {
        digest: signature.digest,
        signatureFile: {
            relativePath: model_digest/* SIGNATURE_FILE */.I9,
            text: signature.bundleText
        }
    };
}
function signKeylessly(manifest, signing, log, idTokens) {
    if (!idTokens) {
        throw new Error('signing: sigstore needs a source of ID tokens');
    }
    log.info(`Signing keylessly with the job's ID token through Fulcio at ` +
        `${signing.sigstore.fulcioUrl} and Rekor at ${signing.sigstore.rekorUrl}`);
    return signManifestKeylessly(manifest, signing.sigstore, idTokens);
}
function signerDescription(signing) {
    return signing.method === 'sigstore'
        ? "with a Sigstore certificate for the job's ID token"
        : 'with the key of `signing-key`';
}
/** Computes the model digest of a local model directory. */
function directoryDigest(directory) {
    return (0,model_digest/* rootDigest */.bb)((0,model_digest/* manifestFromDirectory */.pb)(directory).files);
}
/** Returns the tags that record a model's digest and signature file. */
function signatureTags(digest, signatureUri) {
    return [
        ...(digest ? [{ key: MODEL_DIGEST_TAG, value: digest }] : []),
        ...(signatureUri ? [{ key: SIGNATURE_TAG, value: signatureUri }] : [])
    ];
}
/**
 * Returns the model digest of a resolved `runs:/`, `models:/` or artifact
 * source. With `verify-signature` it is the digest the verified signature
 * signs. With `digest-source` or `attest` it is the digest of the files,
 * streamed down through the artifact proxy. Otherwise it is undefined.
 */
async function sourceModelDigest(http, original, resolved, config, log) {
    if (config.signing.verifySignature) {
        const uri = await sourceArtifactUri(http, original, resolved);
        log.info(`Verifying the signature of ${original} at ${uri}`);
        return verifyModelArtifacts(http, uri, config.signing, log);
    }
    if (!digestsSource(config))
        return undefined;
    const uri = await sourceArtifactUri(http, original, resolved);
    log.info(`Computing the model digest of ${original} from ${uri}`);
    return digestArtifactUri(http, uri, log);
}
/**
 * Checks whether the model digest of a `source` is computed from its
 * files: `digest-source` requests it, and so does `attest`, whose
 * subject is the model digest.
 */
function digestsSource(config) {
    return config.signing.digestSource || config.attest;
}
async function sourceArtifactUri(http, original, resolved) {
    if (proxyPath(resolved.source) !== undefined)
        return resolved.source;
    if (VERSION_URI.test(original)) {
        return downloadUri(http, await findVersionByUri(http, original));
    }
    const artifactUri = resolved.modelId
        ? (await getLoggedModel(http, resolved.modelId)).info.artifact_uri
        : undefined;
    if (artifactUri)
        return artifactUri;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `The action cannot locate the files of ${original} to verify its ` +
        'signature or compute its model digest: it reads run artifacts, ' +
        'logged models, model versions and mlflow-artifacts: URIs.', 'Register from runs:/<run-id>/<path> or the mlflow-artifacts: URI ' +
        'of the model directory, or turn `verify-signature`, ' +
        '`digest-source` and `attest` off.'));
}

;// CONCATENATED MODULE: ./src/release/compare.ts
// Common metric names where a smaller value is better. Everything else
// that looks like a score (accuracy, AUC, F1, R2, ...) improves upwards.
const LOWER_IS_BETTER = /(loss|err|rmse|mse|mae|mape|perplexity|latency|duration|time|cost)/i;
const HIGHER_IS_BETTER = /(acc|auc|f1|precision|recall|r2|score|ap$|map|ndcg|iou|dice|bleu|rouge)/i;
/** Guesses from a metric's name whether higher or lower is better. */
function metricDirection(key) {
    if (LOWER_IS_BETTER.test(key))
        return 'lower';
    if (HIGHER_IS_BETTER.test(key))
        return 'higher';
    return 'unknown';
}
/** Compares two versions' metrics, params, tags and model files. */
function diffVersions(baseline, candidate) {
    return {
        metrics: diffMetrics(baseline.metrics, candidate.metrics),
        params: diffValues(baseline.params, candidate.params),
        tags: diffValues(baseline.tags, candidate.tags),
        model: diffModels(baseline, candidate)
    };
}
/** Lists a single version's metrics, for a first release. */
function listMetrics(metrics) {
    return [...(metrics ?? [])]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => ({
        key,
        candidate: value,
        direction: metricDirection(key),
        change: 'added'
    }));
}
function diffMetrics(baseline, candidate) {
    return sortedKeys(baseline, candidate).map((key) => {
        const before = baseline?.get(key);
        const after = candidate?.get(key);
        const direction = metricDirection(key);
        if (before === undefined || after === undefined) {
            return {
                key,
                ...(before === undefined ? {} : { baseline: before }),
                ...(after === undefined ? {} : { candidate: after }),
                direction,
                change: before === undefined ? 'added' : 'removed'
            };
        }
        const delta = after - before;
        return {
            key,
            baseline: before,
            candidate: after,
            delta,
            direction,
            change: judge(delta, direction)
        };
    });
}
function judge(delta, direction) {
    if (delta === 0)
        return 'same';
    // A NaN on either side makes the delta NaN, which is neither better
    // nor worse.
    if (direction === 'unknown' || Number.isNaN(delta))
        return 'changed';
    return delta > 0 === (direction === 'higher') ? 'better' : 'worse';
}
function diffValues(baseline, candidate) {
    const changes = [];
    for (const key of sortedKeys(baseline, candidate)) {
        const before = baseline?.get(key);
        const after = candidate?.get(key);
        if (before === after)
            continue;
        if (before === undefined) {
            changes.push({ key, candidate: after ?? '', change: 'added' });
        }
        else if (after === undefined) {
            changes.push({ key, baseline: before, change: 'removed' });
        }
        else {
            changes.push({
                key,
                baseline: before,
                candidate: after,
                change: 'changed'
            });
        }
    }
    return changes;
}
function sortedKeys(...maps) {
    const keys = new Set(maps.flatMap(map => [...(map?.keys() ?? [])]));
    return [...keys].sort((a, b) => a.localeCompare(b));
}
function diffModels(baseline, candidate) {
    const before = baseline.model;
    const after = candidate.model;
    if (!before || !after)
        return { flavorsAdded: [], flavorsRemoved: [] };
    const sizeDelta = before.sizeBytes !== undefined && after.sizeBytes !== undefined
        ? after.sizeBytes - before.sizeBytes
        : undefined;
    return {
        flavorsAdded: after.flavors.filter(f => !before.flavors.includes(f)),
        flavorsRemoved: before.flavors.filter(f => !after.flavors.includes(f)),
        signatureChanged: JSON.stringify(before.signature ?? {}) !==
            JSON.stringify(after.signature ?? {}),
        ...(sizeDelta === undefined ? {} : { sizeDelta })
    };
}

;// CONCATENATED MODULE: ./src/release/gates.ts
const COMPARE = {
    '>=': (a, b) => a >= b,
    '<=': (a, b) => a <= b,
    '>': (a, b) => a > b,
    '<': (a, b) => a < b,
    '==': (a, b) => a === b
};
/**
 * Evaluates each gate on the new version's source run. A gate that cannot
 * be evaluated fails, because an unverified release must not move an
 * alias. The one exception is a comparison with an alias that points to
 * no version yet: a first release passes it.
 */
function evaluateGates(gates, candidate, baseline) {
    return gates.map(gate => evaluateGate(gate, candidate, baseline));
}
function evaluateGate(gate, candidate, baseline) {
    const base = { gate: gate.text, metric: gate.metric, operator: gate.operator };
    const value = candidate.metrics?.get(gate.metric);
    if (value === undefined) {
        const why = candidate.metrics
            ? `the new version's source run has no metric '${gate.metric}'`
            : `the new version's metrics are unknown: ${candidate.runNote ?? ''}`;
        return { ...base, passed: false, reason: why };
    }
    const threshold = thresholdOf(gate, baseline);
    if ('skip' in threshold) {
        return { ...base, candidate: value, passed: true, reason: threshold.skip };
    }
    if ('fail' in threshold) {
        return { ...base, candidate: value, passed: false, reason: threshold.fail };
    }
    const passed = COMPARE[gate.operator](value, threshold.value);
    const verb = passed ? 'holds' : 'does not hold';
    return {
        ...base,
        candidate: value,
        threshold: threshold.value,
        passed,
        reason: `${gate.metric} = ${value} ${verb}: ${gate.operator} ` +
            `${threshold.value}${threshold.from}`
    };
}
function thresholdOf(gate, baseline) {
    if (gate.threshold.kind === 'number') {
        return { value: gate.threshold.value, from: '' };
    }
    const { alias, facts } = baseline;
    if (!facts) {
        return { skip: `alias '${alias}' points to no version yet` };
    }
    if (baseline.isCandidate) {
        return { skip: `alias '${alias}' already points to this version` };
    }
    const value = facts.metrics?.get(gate.metric);
    if (value === undefined) {
        const why = facts.metrics
            ? `has no metric '${gate.metric}'`
            : `has unknown metrics: ${facts.runNote ?? ''}`;
        return { fail: `version ${facts.version} ('${alias}') ${why}` };
    }
    return { value, from: ` (version ${facts.version}, '${alias}')` };
}

;// CONCATENATED MODULE: ./src/release/verdict.ts

/**
 * Sums a comparison up in one line: which version replaces which, how
 * the metrics moved and whether the gates passed.
 */
function describeVerdict(comparison, isCandidate) {
    const { alias, candidate, baseline } = comparison;
    const blocked = comparison.gates.some(gate => !gate.passed);
    const parts = [
        headline(alias, candidate.version, baseline, isCandidate, blocked)
    ];
    const metrics = countMetrics(comparison);
    if (metrics)
        parts.push(metrics);
    if (comparison.params.length > 0) {
        const count = comparison.params.length;
        parts.push(`${countOf(count, 'param')} ${count === 1 ? 'differs' : 'differ'}`);
    }
    if (comparison.model?.signatureChanged)
        parts.push('signature changed');
    const gates = describeGates(comparison);
    if (gates)
        parts.push(gates);
    return `${parts.join('; ')}.`;
}
function headline(alias, version, baseline, isCandidate, blocked) {
    if (isCandidate)
        return `Alias '${alias}' already points to version ${version}`;
    if (!baseline)
        return `Version ${version} is the first with alias '${alias}'`;
    const verb = blocked ? 'would replace' : 'replaces';
    return `Version ${version} ${verb} version ${baseline.version} as '${alias}'`;
}
function countMetrics(comparison) {
    if (!comparison.baseline)
        return undefined;
    const counts = new Map();
    for (const metric of comparison.metrics) {
        counts.set(metric.change, (counts.get(metric.change) ?? 0) + 1);
    }
    const order = ['better', 'worse', 'changed', 'same', 'added', 'removed'];
    const parts = order
        .filter(change => counts.has(change))
        .map(change => `${counts.get(change)} ${change}`);
    return parts.length > 0 ? `metrics: ${parts.join(', ')}` : undefined;
}
function describeGates(comparison) {
    const { gates, alias } = comparison;
    if (gates.length === 0)
        return undefined;
    const failed = gates.filter(gate => !gate.passed);
    if (failed.length === 0) {
        return `${countOf(gates.length, 'gate')} passed`;
    }
    const names = failed.map(gate => `'${gate.gate}'`).join(', ');
    return `gate ${names} failed, so '${alias}' does not move`;
}

;// CONCATENATED MODULE: ./src/register/read-back-create.ts



/**
 * The tag that contains a random id of one create request. After a lost
 * response it finds what that create committed, and only that.
 */
const CREATE_REQUEST_TAG = 'mlflow_register.create_request';
/** Returns a {@link CREATE_REQUEST_TAG} with a new random id. */
function newCreateRequestTag() {
    return { key: CREATE_REQUEST_TAG, value: (0,node_crypto/* nodeCrypto */.S)().randomUUID() };
}
/**
 * Sends a create request, and after a transient failure reads back what
 * it may have committed before sending it again, within the client's
 * retry policy. The policy's `budgetMs` covers the whole exchange: the
 * waits between creates and the retries of every request the steps send.
 */
async function createWithReadBack(http, log, operation, steps) {
    const policy = http.options.retry;
    const started = policy.now();
    const bounded = http.withRetryDeadline(started + policy.budgetMs);
    for (let attempt = 1;; attempt++) {
        try {
            return await steps.create(bounded);
        }
        catch (error) {
            if (!isRequestError(error) || !isTransient(error))
                throw error;
            // The last attempt is read back too, because it may have committed.
            const found = await steps.readBack(bounded);
            if (found !== undefined) {
                log.warning(`The server reported ${describe(error)} for ${operation}, but it ` +
                    'had committed; continuing with the committed result.', { title: 'Create committed despite an error' });
                return found;
            }
            if (attempt >= policy.maxAttempts)
                throw error;
            const delay = retryDelay(policy, attempt, error);
            if (policy.now() - started + delay > policy.budgetMs)
                throw error;
            log.info(`${operation} did not commit (${describe(error)}); sending it ` +
                `again (attempt ${attempt + 1} of ${policy.maxAttempts}) in ` +
                `${(delay / 1000).toFixed(1)} s`);
            await policy.sleep(delay);
        }
    }
}
function describe(error) {
    if (error instanceof HttpError)
        return `HTTP ${error.response.status}`;
    return error instanceof ConnectionError ? error.code : 'an error';
}

;// CONCATENATED MODULE: ./src/release/version-facts.ts






/**
 * Tags whose values the action sets for its own bookkeeping and which
 * describe nothing about the model. The `ci.*` tags are compared as
 * provenance instead.
 */
const BOOKKEEPING_TAGS = new Set([IDEMPOTENCY_TAG, CREATE_REQUEST_TAG]);
/**
 * Reads a version's source run and `MLmodel` file, unless resolving its
 * source already read them. A run or file that cannot be read leaves a
 * note instead of failing the registration.
 */
async function readVersionFacts(http, version, reads) {
    const known = readsOf(version, reads);
    // The run and the MLmodel file are independent reads, sent together.
    const [run, model] = await Promise.all([
        known ? runPart(known.run) : readRun(http, version.run_id),
        known?.modelText === undefined
            ? readModel(http, version)
            : modelPart(parseModelFacts(known.modelText))
    ]);
    return { ...describeVersion(version), ...run, ...model };
}
/**
 * Describes a version from itself and from what resolving its source
 * read, without sending a request.
 */
function knownVersionFacts(version, reads) {
    const known = readsOf(version, reads);
    return {
        ...describeVersion(version),
        ...(known ? runPart(known.run) : {}),
        ...(known?.modelText === undefined
            ? {}
            : modelPart(parseModelFacts(known.modelText)))
    };
}
/** Returns the source's reads if they belong to the version's run. */
function readsOf(version, reads) {
    return reads?.run.info.run_id === version.run_id ? reads : undefined;
}
/** Collects the facts that the version itself carries. */
function describeVersion(version) {
    const tags = new Map(version.tags.map(tag => [tag.key, tag.value]));
    return {
        version: version.version,
        ...present('source', version.source),
        ...present('runId', version.run_id),
        ...present('creator', version.user_id),
        ...present('createdAt', isoTime(version.creation_timestamp)),
        provenance: {
            ...present('repository', tags.get('ci.repository')),
            ...present('commit', tags.get('ci.commit')),
            ...present('runUrl', tags.get('ci.run_url'))
        },
        tags: new Map([...tags].filter(([key]) => !key.startsWith('ci.') && !BOOKKEEPING_TAGS.has(key)))
    };
}
async function readRun(http, runId) {
    if (!runId)
        return { runNote: 'the version has no source run' };
    try {
        return runPart(await getRunWithData(http, runId));
    }
    catch (error) {
        return { runNote: unreadableReason(error, `source run ${runId}`) };
    }
}
function runPart({ info, data }) {
    // MLflow deletes runs softly: a deleted run's data is still readable.
    const deleted = info.lifecycle_stage === 'deleted';
    return {
        metrics: new Map(data.metrics.map(m => [m.key, m.value])),
        params: new Map(data.params.map(p => [p.key, p.value])),
        ...(deleted ? { runNote: `source run ${info.run_id} is deleted` } : {})
    };
}
async function readModel(http, version) {
    try {
        return modelPart(await readModelFacts(http, version));
    }
    catch (error) {
        return { modelNote: unreadableReason(error, 'MLmodel') };
    }
}
function modelPart(facts) {
    if ('unreadable' in facts) {
        return { modelNote: `MLmodel not read: ${facts.unreadable}` };
    }
    return { model: facts };
}
/**
 * Describes why a read failed. Only HTTP and connection failures are
 * expected here; anything else is a bug and propagates.
 */
function unreadableReason(error, what) {
    if (isNotFound(error))
        return `${what} was not found (deleted?)`;
    if (error instanceof HttpError) {
        const code = error.errorCode ? ` ${error.errorCode}` : '';
        return `${what} could not be read: HTTP ${error.response.status}${code}`;
    }
    if (error instanceof ConnectionError) {
        return `${what} could not be read: ${error.code}`;
    }
    throw error;
}
function isoTime(milliseconds) {
    if (milliseconds === undefined || !Number.isFinite(milliseconds)) {
        return undefined;
    }
    return new Date(milliseconds).toISOString();
}
function present(key, value) {
    return value ? { [key]: value } : {};
}

;// CONCATENATED MODULE: ./src/release/release.ts






/**
 * Compares the new version with the version that `alias` points to now
 * and evaluates the metric gates. Reads only; moves no alias.
 */
async function compareRelease(http, candidate, alias, gates, log, known = {}) {
    const current = await aliasTarget(http, candidate.name, alias, known);
    const isCandidate = current?.version === candidate.version;
    // A first release without a gate compares nothing, so the candidate's
    // run and MLmodel are used only when resolving its source read them.
    const compares = current !== undefined || gates.length > 0;
    const [candidateFacts, baselineFacts] = await Promise.all([
        compares
            ? readVersionFacts(http, candidate, known.sourceReads)
            : knownVersionFacts(candidate, known.sourceReads),
        current && !isCandidate ? readVersionFacts(http, current) : undefined
    ]);
    const gateResults = evaluateGates(gates, candidateFacts, {
        alias,
        isCandidate,
        ...(current ? { facts: baselineFacts ?? candidateFacts } : {})
    });
    const comparison = buildComparison(alias, candidateFacts, baselineFacts, gateResults, isCandidate);
    log.info(comparison.verdict);
    return comparison;
}
async function aliasTarget(http, name, alias, known) {
    if (!known.aliases)
        return getModelVersionByAlias(http, name, alias);
    const target = known.aliases.find(entry => entry.alias === alias);
    if (!target)
        return undefined;
    return (known.versions?.get(target.version) ??
        getModelVersion(http, name, target.version));
}
/**
 * Fails the run when a gate failed, before any alias moves. The version
 * stays registered; only the aliases keep their old targets.
 */
function enforceGates(comparison) {
    const failed = comparison.gates.filter(gate => !gate.passed);
    if (failed.length === 0)
        return;
    const old = comparison.baseline
        ? `version ${comparison.baseline.version}`
        : 'no version';
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('METRIC_GATE_FAILED', `Version ${comparison.candidate.version} is registered, but ` +
        failed
            .map(gate => `'${gate.gate}' failed (${gate.reason})`)
            .join('; ') +
        `, so the aliases were not moved: '${comparison.alias}' still ` +
        `points to ${old}.`, 'Improve the model and run again, or change `require-metric` if the ' +
        'condition is wrong. To release this version anyway, set the alias ' +
        'in the MLflow UI or run again without the gate.'));
}
function buildComparison(alias, candidate, baseline, gates, isCandidate) {
    const diff = baseline ? diffVersions(baseline, candidate) : undefined;
    const comparison = {
        alias,
        candidate: reportVersion(candidate),
        ...(baseline ? { baseline: reportVersion(baseline) } : {}),
        metrics: diff?.metrics ?? listMetrics(candidate.metrics),
        params: diff?.params ?? [],
        tags: diff?.tags ?? [],
        ...(diff ? { model: diff.model } : {}),
        gates
    };
    return { ...comparison, verdict: describeVerdict(comparison, isCandidate) };
}
function reportVersion(facts) {
    const report = {
        version: facts.version,
        source: facts.source,
        runId: facts.runId,
        creator: facts.creator,
        createdAt: facts.createdAt,
        ...facts.provenance,
        flavors: facts.model?.flavors,
        sizeBytes: facts.model?.sizeBytes,
        runNote: facts.runNote,
        modelNote: facts.modelNote
    };
    // Optional fields are left out rather than set to undefined, so the
    // JSON output and the typed report agree.
    return Object.fromEntries(Object.entries(report).filter(([, value]) => value !== undefined));
}

;// CONCATENATED MODULE: ./src/register/alias-guard.ts


/** Reads where each alias points now; an unset alias is absent. */
async function readAliases(http, name) {
    // The alias list of the registered model, not `registered-models/alias`,
    // because for an unset alias MLflow 3.17 returns 400
    // INVALID_PARAMETER_VALUE on that route, the same code as for invalid
    // input.
    const model = await getRegisteredModel(http, name);
    return new Map(model?.aliases.map(entry => [entry.alias, entry.version]));
}
/**
 * Checks, before any alias moves, that each guarded alias points to its
 * expected version (or is unset when `none` is expected). An alias that
 * already points to the new version passes, so a re-run that moved it
 * the first time does not fail.
 */
async function checkAliasGuards(http, version, guards, log) {
    if (guards.length === 0)
        return;
    const current = await readAliases(http, version.name);
    for (const guard of guards) {
        const actual = current.get(guard.alias) ?? null;
        if (actual === version.version) {
            log.info(`Alias '${guard.alias}' already points to version ` +
                `${version.version}; its guard ${guard.text} is not checked again`);
            continue;
        }
        if (actual !== guard.expectedVersion) {
            throw aliasMismatch(version, guard, actual);
        }
        log.info(`Alias '${guard.alias}' points to ${describeTarget(actual)}, as ` +
            `expected by ${guard.text}`);
    }
}
/**
 * Reads the aliases back after they moved and fails when another writer
 * has moved a guarded alias since. MLflow has no compare-and-set for
 * aliases, so this read-back is the only race check it allows.
 *
 * NOTE: a write by another pipeline between the guard check and this
 * run's alias update is overwritten without being detected.
 */
async function confirmGuardedAliases(http, version, guards, log) {
    if (guards.length === 0)
        return;
    const current = await readAliases(http, version.name);
    for (const guard of guards) {
        const actual = current.get(guard.alias) ?? null;
        if (actual !== version.version) {
            throw aliasRace(version, guard, actual);
        }
    }
    log.info(`Read back the guarded aliases: ` +
        `${guards.map(guard => guard.alias).join(', ')} point to version ` +
        version.version);
}
function describeTarget(version) {
    return version === null ? 'no version (unset)' : `version ${version}`;
}
function aliasMismatch(version, guard, actual) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('ALIAS_CONFLICT', `Alias '${guard.alias}' of registered model '${version.name}' was ` +
        `expected to point to ${describeTarget(guard.expectedVersion)} ` +
        `but points to ${describeTarget(actual)}, so no alias was moved. ` +
        `Version ${version.version} stays registered.`, 'Another pipeline moved the alias. Check which version should have ' +
        'it, then update `expected-alias-versions` (for example ' +
        `${guard.alias}=${actual ?? 'none'}) and run again.`));
}
function aliasRace(version, guard, actual) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('ALIAS_CONFLICT', `Alias '${guard.alias}' of registered model '${version.name}' was ` +
        `set to version ${version.version}, but reading it back shows ` +
        `${describeTarget(actual)}: another writer moved it in between.`, 'Two pipelines moved the alias at the same time. Check which ' +
        'version should have it and set the alias again.'));
}

;// CONCATENATED MODULE: ./src/register/find-version.ts




/**
 * How many of the newest versions are read one by one when the version
 * search cannot be trusted. A re-run usually follows its first attempt
 * closely, so its version is among the newest.
 */
const EXACT_READ_VERSIONS = 20;
/**
 * How many of the newest versions one search reads. A re-run follows its
 * first attempt, so its version is among them unless this many versions
 * were registered in between.
 */
const NEWEST_PAGE = 200;
/**
 * Finds the version an earlier attempt registered with this idempotency
 * key. The search only finds candidates; an exact GET confirms each, as
 * searches can miss fields or lag. With several matches (registered
 * before this action guarded against it), the oldest wins.
 *
 * When `model` is given, one search reads its newest versions, which
 * also shows whether the search lists the newest version the registered
 * model lists. The versions it returns are added to `seen` when they
 * carry tags, so that later steps need not read them again.
 */
async function findVersionByKey(http, modelName, key, log, model, seen) {
    // Unity Catalog's search filters by name alone, so it has no quirk of
    // leaving out versions that a search by tag would hit.
    if (!model || http.isUnityCatalog) {
        return searchByKey(http, modelName, key, log);
    }
    const newest = newestVersion(model);
    if (newest === 0)
        return undefined;
    // A name containing a quote cannot go into a filter, so such a model
    // is searched by tag alone, and the search is checked by the number
    // of its newest version alone.
    if (modelName.includes("'")) {
        const found = await searchByKey(http, modelName, key, log);
        if (found)
            return found;
        const listed = await searchVersionPage(http, { filter: `version_number = ${newest}` }, modelResource(modelName), NEWEST_PAGE);
        const seesNewest = listed.versions.some(version => version.name === modelName && version.version === String(newest));
        if (seesNewest)
            return undefined;
        if (listed.complete)
            return readAfterIncompleteSearch(http, model, key, log);
        return readNewestVersions(http, modelName, newest, keyTag(key));
    }
    const page = await searchNewestVersions(http, modelName, NEWEST_PAGE);
    if (!page.versions.some(version => version.version === String(newest))) {
        return readAfterIncompleteSearch(http, model, key, log);
    }
    const matching = page.versions.filter(version => carriesKey(version, key));
    // A search that returns no tag at all may omit tags, so then only the
    // search by tag can show that no version carries the key.
    const tagsShown = page.versions.some(version => version.tags.length > 0);
    if (tagsShown) {
        for (const version of page.versions)
            seen?.set(version.version, version);
    }
    if (matching.length > 0 || (page.complete && tagsShown)) {
        return confirmOldest(http, modelName, keyTag(key), matching, log);
    }
    return searchByKey(http, modelName, key, log);
}
/** Reads the newest versions one by one after a search missed one. */
function readAfterIncompleteSearch(http, model, key, log) {
    const newest = newestVersion(model);
    log.warning(`The version search of '${model.name}' returned no version ${newest}, ` +
        'which exists, so the action reads the newest ' +
        `${Math.min(newest, EXACT_READ_VERSIONS)} versions one by one to ` +
        'find one registered with this idempotency key.', { title: 'Version search is incomplete' });
    return readNewestVersions(http, model.name, newest, keyTag(key));
}
function carriesKey(version, key) {
    return carriesTag(version, keyTag(key));
}
function carriesTag(version, tag) {
    return version.tags.some(t => t.key === tag.key && t.value === tag.value);
}
function keyTag(key) {
    return { key: IDEMPOTENCY_TAG, value: key };
}
function searchByKey(http, modelName, key, log) {
    return searchByTag(http, modelName, keyTag(key), log);
}
async function searchByTag(http, modelName, tag, log) {
    const candidates = await searchModelVersions(http, searchFilter(http, modelName, tag), modelResource(modelName));
    // NOTE: on Unity Catalog every version of the model is a candidate, so
    // this sends one GET per version until one carries the tag.
    const matching = candidates.filter(version => version.name === modelName);
    return confirmOldest(http, modelName, tag, matching, log);
}
/**
 * Confirms candidates by exact reads and returns one: for the key the
 * oldest, for a create request's tag the newest, which is where its own
 * version is among all the versions a search on Unity Catalog returns.
 *
 * A version created with `force-new-version` carries the key of the same
 * content and a create request's tag. It was wanted as another version,
 * so for the key it comes after the others and is no duplicate.
 */
async function confirmOldest(http, modelName, tag, candidates, log) {
    const byKey = tag.key === IDEMPOTENCY_TAG;
    const matching = [...candidates].sort(byKey ? byKeyPreference : (a, b) => Number(b.version) - Number(a.version));
    const unforced = matching.filter(version => !forced(version));
    if (byKey && unforced.length > 1) {
        log.warning(`Versions ${unforced.map(v => v.version).join(', ')} of ` +
            `'${modelName}' share idempotency key ${tag.value}; using the ` +
            'oldest.', { title: 'Duplicate model versions' });
    }
    for (const candidate of matching) {
        const confirmed = await getModelVersion(http, modelName, candidate.version);
        if (carriesTag(confirmed, tag))
            return confirmed;
    }
    return undefined;
}
/** Orders versions with one key: unforced before forced, then oldest. */
function byKeyPreference(a, b) {
    return (Number(forced(a)) - Number(forced(b)) ||
        Number(a.version) - Number(b.version));
}
/** Whether a version was created with `force-new-version`. */
function forced(version) {
    return version.tags.some(tag => tag.key === CREATE_REQUEST_TAG);
}
function newestVersion(model) {
    return Math.max(0, ...model.latest_versions.map(v => Number(v.version)));
}
/**
 * Finds the version that carries a tag unique to one create request. A
 * search by the tag comes first. A search can lag behind a create that
 * committed moments ago, so when it finds nothing the newest versions
 * are read one by one. Unity Catalog lists no newest versions, and its
 * search by name already returns every version.
 */
async function findVersionByRequestTag(http, model, tag, log) {
    const found = await searchByTag(http, model.name, tag, log);
    if (found || http.isUnityCatalog)
        return found;
    const newest = newestVersion(model);
    if (newest === 0)
        return undefined;
    return readNewestVersions(http, model.name, newest, tag);
}
/**
 * Reads the newest versions one by one, newest first. For a create
 * request's tag the first match is the one; for the key the matches are
 * ordered as {@link byKeyPreference} orders them.
 */
async function readNewestVersions(http, modelName, newest, tag) {
    const oldest = Math.max(1, newest - EXACT_READ_VERSIONS + 1);
    const matches = [];
    for (let number = newest; number >= oldest; number--) {
        let version;
        try {
            version = await getModelVersion(http, modelName, String(number));
        }
        catch (error) {
            // A deleted version keeps its number, so a gap is expected.
            if (isNotFound(error))
                continue;
            throw error;
        }
        if (!carriesTag(version, tag))
            continue;
        if (tag.key !== IDEMPOTENCY_TAG)
            return version;
        matches.push(version);
    }
    return matches.sort(byKeyPreference)[0];
}
/**
 * Builds the search filter for the versions with a tag, whose value
 * contains no quote. Unity Catalog's search accepts only one `name =
 * '...'` (or `run_id`) condition, as MLflow 3.17's store states, so
 * there the tag is matched on the client. A name with a quote cannot
 * go into a filter safely, so it is matched on the client too.
 */
function searchFilter(http, modelName, tag) {
    const tagFilter = `tags.\`${tag.key}\` = '${tag.value}'`;
    if (http.isUnityCatalog)
        return `name = '${modelName}'`;
    if (modelName.includes("'"))
        return tagFilter;
    return `name = '${modelName}' AND ${tagFilter}`;
}

;// CONCATENATED MODULE: ./src/register/create-version.ts




/**
 * Creates the registered model when it is missing. "Already exists" is
 * success (another job won the race); after a lost answer the model is
 * read back before the create is sent again. Returns whether this call
 * created it, so the caller knows the model has no aliases yet.
 */
async function ensureRegisteredModel(http, name, log) {
    let created = false;
    await createWithReadBack(http, log, `create registered model '${name}'`, {
        create: async (bounded) => {
            try {
                await createRegisteredModel(bounded, name);
                created = true;
                log.info(`Created registered model '${name}'`);
            }
            catch (error) {
                if (!isAlreadyExists(error))
                    throw error;
                await readRacedModel(bounded, name, error);
                log.info(`Registered model '${name}' was created meanwhile; using it`);
            }
            return true;
        },
        readBack: async (bounded) => (await getRegisteredModel(bounded, name)) ? true : undefined
    });
    return created;
}
/**
 * Reads back a model whose create was rejected as existing, since another
 * job won the race. A model this identity cannot read is an error here,
 * so the action never loops between create and get.
 */
async function readRacedModel(http, name, cause) {
    if (await getRegisteredModel(http, name))
        return;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `The server rejected the create of registered model '${name}' ` +
        'because it exists, but reading it returns "not found": the model ' +
        'exists but is invisible to this identity.', `An admin must grant this identity READ (and EDIT) on '${name}', or ` +
        'use another `model-name`.'), { cause });
}
/**
 * Creates a model version with its tags and description in the same
 * request, so a refusal leaves no half-tagged version. A create whose
 * response was lost is sent again only after a lookup by idempotency
 * key, or by its request tag, shows that it did not commit.
 */
async function createVersion(http, request, log) {
    return createWithReadBack(http, log, 'create model version', {
        create: bounded => createModelVersion(bounded, {
            name: request.modelName,
            source: request.source.source,
            ...(request.source.runId ? { runId: request.source.runId } : {}),
            ...(request.source.modelId ? { modelId: request.source.modelId } : {}),
            ...(request.description ? { description: request.description } : {}),
            tags: request.requestTag
                ? [...request.tags, request.requestTag]
                : request.tags
        }),
        readBack: bounded => readBackVersion(bounded, request, log)
    });
}
/**
 * Looks for a version the lost create committed. The registered model is
 * read again, so the lookup can check that the search lists its newest
 * version and read versions one by one when it does not.
 */
async function readBackVersion(http, request, log) {
    const model = await getRegisteredModel(http, request.modelName);
    if (!model)
        return undefined;
    if (request.requestTag) {
        return findVersionByRequestTag(http, model, request.requestTag, log);
    }
    return findVersionByKey(http, request.modelName, request.idempotencyKey, log, model);
}

;// CONCATENATED MODULE: ./src/register/idempotency.ts

/**
 * Derives the idempotency key of a registration: a hash of the CI run (not
 * its attempt, so a re-run finds the version of the first attempt), the
 * model name and what is registered (the source URI, or the digest of a
 * local model directory's contents).
 */
function deriveIdempotencyKey(provenance, modelName, origin) {
    const parts = [
        'v1',
        provenance.system,
        provenance.repository ?? '',
        provenance.workflow ?? '',
        provenance.runId ?? '',
        modelName,
        'source' in origin
            ? `source:${origin.source}`
            : `sha256:${origin.contentDigest}`
    ];
    return (0,node_crypto/* nodeCrypto */.S)()
        .createHash('sha256')
        .update(JSON.stringify(parts))
        .digest('hex');
}

;// CONCATENATED MODULE: ./src/register/metadata.ts






/**
 * Builds the requests that bring a reused version's tags and description
 * up to what this run sets: one per changed tag, and one for a changed
 * description.
 */
function reusedVersionRequests(version, tags, description) {
    const current = new Map(version.tags.map(tag => [tag.key, tag.value]));
    const requests = tags
        .filter(tag => current.get(tag.key) !== tag.value)
        .map(tag => setModelVersionTagRequest(version.name, version.version, tag));
    if (description !== undefined &&
        description !== (version.description ?? '')) {
        requests.push(updateModelVersionDescriptionRequest(version.name, version.version, description));
    }
    return requests;
}
/**
 * Brings a reused version's tags and description up to what this run
 * asks for; a new version got them in its create request.
 */
async function updateReusedVersion(http, version, tags, description, log) {
    const requests = reusedVersionRequests(version, tags, description);
    for (const [index, request] of requests.entries()) {
        try {
            await http.json(request, schemas_emptyResponse);
        }
        catch (error) {
            throw explainUnappliedChanges(error, version, requests.slice(index));
        }
    }
    if (requests.length > 0) {
        log.info(`Updated version ${version.version}: ${requests.length} tag or ` +
            'description changes');
    }
}
/**
 * Points each alias at the version. A server that rejects an alias the
 * local checks passed (another registry, a newer rule) does so after the
 * version exists, so the error names the version left without which
 * aliases.
 */
async function setAliases(http, version, aliases, log) {
    for (const [index, alias] of aliases.entries()) {
        try {
            await setAlias(http, version.name, alias, version.version);
        }
        catch (error) {
            throw explainAliasRejection(error, version, aliases.slice(index));
        }
        // A re-run sets the alias again, because it may have moved after the
        // version was read, and the log reports when it did not move.
        const verb = version.aliases.includes(alias) ? 'still' : 'now';
        log.info(`Alias '${alias}' ${verb} points to version ${version.version}`);
    }
}
/**
 * Adds to a failed tag or description update what the reused version is
 * left without, since the version itself exists.
 */
function explainUnappliedChanges(error, version, unapplied) {
    const diagnosis = classifyFailure(error);
    // Availability failures stay as they are, so they can still be deferred.
    if (codes/* AVAILABILITY_CODES */.J.has(diagnosis.code))
        return error;
    const changes = unapplied.map(request => {
        const key = request.json?.key;
        return typeof key === 'string' ? `tag '${key}'` : 'the description';
    });
    return new diagnosis_diagnosis/* DiagnosedError */.xB({
        ...diagnosis,
        detail: `${diagnosis.detail} Version ${version.version} of ` +
            `'${version.name}' exists without these changes: ` +
            `${changes.join(', ')}.`
    }, { cause: error });
}
function explainAliasRejection(error, version, unset) {
    const isRejection = error instanceof HttpError &&
        error.response.status >= 400 &&
        error.response.status < 500 &&
        classifyFailure(error).code === 'CLIENT_CONFIG';
    if (!isRejection)
        return error;
    const reason = error.response.errorBody?.message ?? error.response.body;
    const diagnosis = (0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `The server rejected alias '${unset[0] ?? ''}': ${reason}. Version ` +
        `${version.version} of '${version.name}' exists without the aliases ` +
        `${unset.map(alias => `'${alias}'`).join(', ')}.`, 'Change `aliases` to names this registry accepts and run the job ' +
        `again: the re-run reuses version ${version.version} (same ` +
        'idempotency key) instead of creating another.', classifyFailure(error).evidence, 'The server rejected an alias');
    return new diagnosis_diagnosis/* DiagnosedError */.xB(diagnosis, { cause: error });
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/async/first-failure.ts
/**
 * The failure of the item that comes first in a list worked on out of
 * order, so that the error reported is the one a loop in order would
 * meet. An item after a failed one no longer matters: it is skipped, or
 * the work on it is cancelled. Items before it still run.
 */
class FirstFailure {
    #index = Number.POSITIVE_INFINITY;
    #error;
    #running = new Map();
    /** Tells whether the item at `index` comes after a failed one. */
    skips(index) {
        return index > this.#index;
    }
    /**
     * Gives the signal that cancels the work on the item at `index` once an
     * earlier item fails. Call {@link untrack} when that work ends.
     */
    track(index) {
        const controller = new AbortController();
        this.#running.set(index, controller);
        return controller.signal;
    }
    untrack(index) {
        this.#running.delete(index);
    }
    /** Keeps the error when no earlier item has failed. */
    record(index, error) {
        if (index >= this.#index)
            return;
        this.#index = index;
        this.#error = error;
        for (const [running, controller] of this.#running) {
            if (running > index)
                controller.abort();
        }
    }
    /** Throws the error of the first failed item, if any failed. */
    throwIfAny() {
        if (this.#index !== Number.POSITIVE_INFINITY)
            throw this.#error;
    }
}

;// CONCATENATED MODULE: ./src/async/time-slices.ts
/**
 * The longest stretch of synchronous work between two turns of the event
 * loop, so responses to requests in flight wait up to about this long.
 */
const SLICE_MS = 4;
/**
 * Lets the event loop run once every slice of about `sliceMs` of
 * synchronous work, so that timers and the responses to requests in
 * flight are still handled. One clock spans every call of {@link pause},
 * so work split into many short loops still yields.
 */
class TimeSlicer {
    sliceMs;
    #sliceStart = performance.now();
    constructor(sliceMs = SLICE_MS) {
        this.sliceMs = sliceMs;
    }
    /** Yields to the event loop when the current slice has run out. */
    async pause() {
        if (performance.now() - this.#sliceStart < this.sliceMs)
            return;
        await new Promise(resolve => setImmediate(resolve));
        this.#sliceStart = performance.now();
    }
}
/**
 * Runs `task` on every item in order, synchronously, pausing between
 * items through `slicer`. Synchronous file system calls suit many small
 * files: 2,000 files of 4 KiB were listed and hashed in about 50 ms this
 * way, against 130 to 200 ms through Node's thread pool. A task that
 * throws stops the loop with its error.
 */
async function forEachInSlices(items, task, slicer = new TimeSlicer()) {
    for (const item of items) {
        await slicer.pause();
        task(item);
    }
}

;// CONCATENATED MODULE: ./src/register/listed-file-reads.ts



/**
 * Opens a file without blocking and without following a link in its
 * last component. A named pipe put in a listed file's place would block
 * the read, and a link could lead out of the model.
 */
const OPEN_FLAGS = external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NONBLOCK | external_node_fs_.constants.O_NOFOLLOW;
/**
 * Reads a listed file whole with synchronous calls, or gives undefined
 * when it has grown past `limit` bytes since the listing and must be
 * read in parts instead. It must still be a regular file.
 */
function readSmallFile(file, limit) {
    let descriptor;
    try {
        descriptor = (0,external_node_fs_.openSync)(file.absolutePath, OPEN_FLAGS);
    }
    catch (error) {
        throw explainOpenError(file, error);
    }
    try {
        checkListed(file, statOpen(file, () => (0,external_node_fs_.fstatSync)(descriptor)));
        // One byte more than the listed size shows whether the file grew.
        const buffer = Buffer.allocUnsafe(file.size + 1);
        const length = readInto(file, descriptor, buffer);
        if (length <= file.size)
            return buffer.subarray(0, length);
        const rest = Buffer.allocUnsafe(Math.max(0, limit + 1 - length));
        const more = readInto(file, descriptor, rest);
        if (length + more > limit)
            return undefined;
        return Buffer.concat([buffer, rest.subarray(0, more)]);
    }
    finally {
        try {
            (0,external_node_fs_.closeSync)(descriptor);
        }
        catch {
            // See closeListedFile.
        }
    }
}
/** Reads the status of an open listed file, with a failure explained. */
function statOpen(file, stat) {
    try {
        return stat();
    }
    catch (error) {
        throw explainReadError(file, error);
    }
}
/** Reads until the buffer is full or the file ends, and returns the length. */
function readInto(file, descriptor, buffer) {
    let length = 0;
    let read = -1;
    try {
        while (read !== 0 && length < buffer.length) {
            read = (0,external_node_fs_.readSync)(descriptor, buffer, length, buffer.length - length, null);
            length += read;
        }
    }
    catch (error) {
        throw explainReadError(file, error);
    }
    return length;
}
/**
 * Opens a listed file to read through Node's thread pool, with the same
 * checks as {@link readSmallFile}. The caller closes the handle.
 */
async function openListedFile(file) {
    let handle;
    try {
        handle = await (0,promises_.open)(file.absolutePath, OPEN_FLAGS);
    }
    catch (error) {
        throw explainOpenError(file, error);
    }
    try {
        const info = await handle.stat().catch((error) => {
            throw explainReadError(file, error);
        });
        checkListed(file, info);
    }
    catch (error) {
        await closeListedFile(handle);
        throw error;
    }
    return handle;
}
/**
 * Closes a file that was opened only to read. Such a file has nothing to
 * write back, so an error while closing it changes nothing that was read,
 * and it must not replace the error or the result of the read.
 */
async function closeListedFile(handle) {
    await handle.close().catch(() => undefined);
}
/**
 * Reads an open listed file from its start in chunks of up to
 * `chunkBytes`, with a failed read explained as the file's. The caller
 * closes the handle.
 */
async function* listedFileChunks(file, handle, chunkBytes) {
    const chunks = handle.createReadStream({
        start: 0,
        highWaterMark: chunkBytes,
        autoClose: false
    });
    try {
        yield* chunks;
    }
    catch (error) {
        throw explainReadError(file, error);
    }
}
/**
 * Explains the open errors that mean a file was replaced or removed
 * since the listing: a socket cannot be opened (ENXIO), a link is not
 * followed (ELOOP), and a file or a folder on its path is gone (ENOENT,
 * ENOTDIR). Other errors of the file system are explained as a file that
 * cannot be read.
 */
function explainOpenError(file, error) {
    const code = error.code;
    if (code === 'ENXIO')
        return replaced(file, 'a socket');
    if (code === 'ELOOP')
        return replaced(file, 'a symbolic link');
    if (code === 'ENOENT' || code === 'ENOTDIR')
        return replaced(file, 'gone');
    return explainReadError(file, error);
}
/**
 * Errors that show that the model directory cannot be read as given,
 * such as missing permissions: an invalid `model-path`.
 */
const INPUT_ERRORS = new Set(['EACCES', 'EISDIR', 'ENAMETOOLONG', 'EPERM']);
/** Limits of the machine that runs the registration, not of the file. */
const LIMIT_ERRORS = new Set([
    'EAGAIN',
    'EMFILE',
    'ENFILE',
    'ENOBUFS',
    'ENOMEM'
]);
/**
 * Explains an error of the system while a listed file is opened, read or
 * inspected: missing permissions as an invalid `model-path`, a limit such
 * as EMFILE as the machine's, and any other, such as EIO or the ESTALE
 * of a network mount, as the file system's. Each is a diagnosis, because
 * the upload takes any other error for a failed connection, and so a
 * local failure for the server's. An error without a system call, such
 * as a diagnosis or an abort, passes unchanged.
 */
function explainReadError(file, error) {
    if (!(error instanceof Error))
        return error;
    const { syscall, code } = error;
    if (syscall === undefined || code === undefined)
        return error;
    const failed = `${file.relativePath} could not be read: ${syscall} failed`;
    if (INPUT_ERRORS.has(code)) {
        return (0,diagnosis_diagnosis/* configError */.Fj)('input `model-path`', `${failed} with ${code}`, "Make every file of the model directory readable by the runner's " +
            'user, and leave the directory unchanged while it is registered.');
    }
    const limit = LIMIT_ERRORS.has(code);
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', limit
        ? `${failed} with ${code}, a limit of the machine that runs ` +
            'the registration'
        : `${failed} with ${code}, an error of the file system`, limit
        ? 'Free or raise the limit (for EMFILE, the open files: ' +
            '`ulimit -n`), then run the registration again.'
        : 'Check the disk or the mount that holds the model directory ' +
            '(a network or FUSE mount may have gone away), then run the ' +
            'registration again.', {}, 'A model file could not be read'));
}
/**
 * Checks that an open file is a regular file and the one the listing
 * found. A folder on its path replaced by a link since then would lead
 * to another file, perhaps outside the model.
 *
 * NOTE: a file system that numbers an unchanged file anew while it is
 * closed, such as a FUSE mount without `use_ino` or a CIFS mount with
 * `noserverino`, may fail a model here as changed.
 */
function checkListed(file, info) {
    if (!info.isFile())
        throw replaced(file, kindOf(info));
    if (info.dev !== file.fileId.dev || info.ino !== file.fileId.ino) {
        throw replaced(file, 'another file');
    }
}
function kindOf(info) {
    if (info.isDirectory())
        return 'a directory';
    if (info.isFIFO())
        return 'a named pipe';
    if (info.isSocket())
        return 'a socket';
    return 'a device';
}
/** Reports a listed file that is no longer a regular file. */
function replaced(file, nowIs) {
    const name = file.isSymlink
        ? `The target of ${file.relativePath}`
        : file.relativePath;
    return changedSinceListing(`${name} was a regular file`, nowIs);
}
/**
 * Reports a path of the model directory that changed between the listing
 * and its read, such as a folder that is now reached through a link.
 */
function changedSinceListing(wasWhat, nowIs) {
    return (0,diagnosis_diagnosis/* configError */.Fj)('input `model-path`', `${wasWhat} when the model directory was listed and is now ${nowIs}`, 'Leave the model directory unchanged while it is registered.');
}
/** Reports a file whose contents differ from those hashed before. */
function changedContents(relativePath) {
    return (0,diagnosis_diagnosis/* configError */.Fj)('input `model-path`', `${relativePath} changed while the model was registered: its ` +
        'contents differ from those hashed when the directory was read', 'Leave the model directory unchanged while it is registered.');
}

;// CONCATENATED MODULE: ./src/register/model-directory.ts









/**
 * Lists a model directory and hashes its files, streamed so memory stays
 * flat for large files. Symbolic links are followed only when they stay
 * inside the directory; a link out of it is rejected, so a crafted model
 * cannot upload files from elsewhere on the runner. Files up to 64 KiB
 * keep their bytes in {@link ModelFile.contents}, up to `keptBytesLimit`
 * in all, for an upload that sends them; by default none are kept.
 */
async function readModelDirectory(root, keptBytesLimit = 0) {
    const { directory, slicer } = await readFiles(root, keptBytesLimit, true);
    return completeDirectory(directory, new Map(), slicer);
}
/**
 * Lists a model directory as {@link readModelDirectory} does, but hashes
 * only the files up to 64 KiB, which it reads whole. An upload that
 * hashes the larger ones as it sends them then needs one read of them
 * instead of two.
 */
async function listModelDirectory(root, keptBytesLimit) {
    return (await readFiles(root, keptBytesLimit, false)).directory;
}
/**
 * Completes a listed directory with the SHA-256 of each file it has not
 * hashed, as `digests` gives it by relative path, and computes the
 * content digest.
 */
async function completeDirectory(listed, digests, slicer = new TimeSlicer()) {
    const files = listed.files.map((file) => {
        if ('sha256' in file)
            return file;
        const sha256 = digests.get(file.relativePath);
        if (sha256 === undefined) {
            throw new Error(`${file.relativePath} was never hashed`);
        }
        return { ...file, sha256 };
    });
    return withContentDigest(listed, files, slicer);
}
async function readFiles(root, keptBytesLimit, hashLarge) {
    const realRoot = await (0,promises_.realpath)(root);
    // One clock for the listing and the hashing, so that every stretch of
    // synchronous calls ends within a slice.
    const slicer = new TimeSlicer();
    const files = await listFiles(realRoot, slicer);
    const read = await hashFiles(files, keptBytesLimit, slicer, hashLarge);
    const given = trimTrailingSeparators(external_node_path_default().normalize(root));
    const directory = {
        root: realRoot,
        modelName: modelNameOf(given, realRoot),
        rootIsSymlink: (await (0,promises_.lstat)(given)).isSymbolicLink(),
        files: read,
        totalBytes: files.reduce((sum, file) => sum + file.size, 0)
    };
    return { directory, slicer };
}
async function withContentDigest(listed, files, slicer) {
    const digest = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256');
    await forEachInSlices(files, file => digest.update(`${file.relativePath}\0${file.sha256}\n`), slicer);
    return { ...listed, files, contentDigest: digest.digest('hex') };
}
/**
 * Returns the model name as Python's `pathlib` gives it for the path:
 * its last component, or the real directory's name when that is empty
 * or `..`, as for `.`.
 */
function modelNameOf(given, realRoot) {
    const name = external_node_path_default().basename(given);
    if (name === '' || name === '.' || name === '..') {
        return external_node_path_default().basename(realRoot);
    }
    return name;
}
/** Drops trailing separators, so `lstat` reads a link, not its target. */
function trimTrailingSeparators(given) {
    const { root } = external_node_path_default().parse(given);
    let trimmed = given;
    while (trimmed.length > root.length && trimmed.endsWith((external_node_path_default()).sep)) {
        trimmed = trimmed.slice(0, -1);
    }
    return trimmed;
}
/**
 * Lists the files below the root with synchronous calls, in slices that
 * let the preflight's responses through. Of the entries that fail, the
 * first in path order is reported, so the error is the same on every run.
 */
async function listFiles(root, slicer) {
    const files = [];
    const failures = [];
    const folders = [''];
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
        // Every folder counts against the slice, empty ones too.
        await slicer.pause();
        const directory = external_node_path_default().join(root, folder);
        const prefix = folder ? `${folder}/` : '';
        const names = folderNames(directory, folder, failures);
        await forEachInSlices(names, name => {
            const relativePath = prefix + name;
            try {
                const absolutePath = external_node_path_default().join(directory, name);
                const entry = listEntry(root, relativePath, absolutePath);
                if (entry === 'directory')
                    folders.push(relativePath);
                else if (entry)
                    files.push(entry);
            }
            catch (error) {
                failures.push({ relativePath, error });
            }
        }, slicer);
    }
    const [first] = failures.sort((a, b) => byPath(a.relativePath, b.relativePath));
    if (first)
        throw first.error;
    // NOTE: the sort is not sliced; for 100,000 files it blocks the event
    // loop for about 120 ms.
    return files.sort((a, b) => byPath(a.relativePath, b.relativePath));
}
/**
 * Yields the names in a folder one at a time, so that a folder of many
 * entries is read in slices too, and records why it cannot be read.
 */
function* folderNames(directory, relativePath, failures) {
    let folder;
    try {
        folder = (0,external_node_fs_.opendirSync)(directory);
    }
    catch (error) {
        failures.push({ relativePath, error });
        return;
    }
    try {
        // A folder replaced by a link since its parent was listed would be
        // read through the link, perhaps from outside the model.
        // NOTE: a link put in place and removed again between the open and
        // this check goes unseen; Node's Dir does not expose its descriptor.
        if (external_node_fs_.realpathSync.native(directory) !== directory) {
            throw changedSinceListing(`${relativePath} was a directory`, 'reached through a symbolic link');
        }
        for (let entry = folder.readSync(); entry; entry = folder.readSync()) {
            yield entry.name;
        }
    }
    catch (error) {
        failures.push({ relativePath, error });
    }
    finally {
        folder.closeSync();
    }
}
function byPath(a, b) {
    if (a === b)
        return 0;
    return a < b ? -1 : 1;
}
/**
 * Reads one entry: a file, `'directory'`, or undefined for anything else,
 * such as a socket.
 */
function listEntry(root, relativePath, absolutePath) {
    const info = (0,external_node_fs_.lstatSync)(absolutePath);
    if (info.isDirectory())
        return 'directory';
    if (info.isSymbolicLink())
        return followLink(root, relativePath, absolutePath);
    if (!info.isFile())
        return undefined;
    return {
        relativePath,
        absolutePath,
        size: info.size,
        isSymlink: false,
        fileId: { dev: info.dev, ino: info.ino }
    };
}
function followLink(root, relativePath, absolutePath) {
    const target = realTarget(absolutePath);
    const inside = target?.startsWith(root + (external_node_path_default()).sep) === true;
    const info = target ? (0,external_node_fs_.statSync)(target) : undefined;
    if (!inside || !info?.isFile()) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `model-path`', `${relativePath} is a symbolic link to ` +
            `${describeLinkTarget(target, inside)}, which is not uploaded`, 'Copy the file into the model directory instead of linking it.');
    }
    return {
        relativePath,
        absolutePath: target,
        size: info.size,
        isSymlink: true,
        fileId: { dev: info.dev, ino: info.ino }
    };
}
/**
 * Resolves a link's target as the kernel does, or gives undefined when it
 * is missing. Node's own `realpathSync` applies a `..` in the link's text
 * before the links in front of it, so a link through `x/..`, where `x`
 * links elsewhere, would seem to stay inside the model.
 */
function realTarget(link) {
    try {
        return external_node_fs_.realpathSync.native(link);
    }
    catch {
        return undefined;
    }
}
function describeLinkTarget(target, inside) {
    if (target === undefined)
        return 'a path that does not exist';
    if (!inside)
        return 'a path outside the model directory';
    return 'a directory';
}
/**
 * Large files hashed at once, so that their reads overlap. At most that
 * many whole reads are in memory at once.
 */
const HASH_CONCURRENCY = 8;
/** Files up to this size are read whole instead of streamed. */
const WHOLE_READ_BYTES = 2 ** 20;
/**
 * Files up to this size are read with synchronous calls, and may keep
 * their bytes for an upload.
 */
const SMALL_FILE_BYTES = 2 ** 16;
/**
 * The bytes of small files that one registration keeps for its upload
 * through the artifact proxy. Reading each file a second time took about a
 * fifth of the CPU time of uploading 2,000 files of 4 KiB. A sync runs up
 * to 3 registrations at once, so it keeps up to 3 times this.
 */
const KEPT_BYTES_LIMIT = 2 ** 24;
/**
 * Hashes the files and keeps the bytes of small files, in path order, up
 * to `keptBytesLimit` in all. Small files are read synchronously in
 * slices; larger ones through Node's thread pool, {@link HASH_CONCURRENCY}
 * at a time, meanwhile, or not at all when `hashLarge` is false. A failure is reported as a loop in path order
 * would meet it: files after the first failed one are skipped or
 * cancelled, and files before it are still read.
 */
async function hashFiles(files, keptBytesLimit, slicer, hashLarge) {
    const hashed = new Array(files.length);
    const entries = files.map((file, index) => ({ file, index }));
    const failure = new FirstFailure();
    const hashOne = async (entry, grew = false) => {
        const { file, index } = entry;
        if (failure.skips(index))
            return;
        if (!hashLarge) {
            hashed[index] = file;
            return;
        }
        const signal = failure.track(index);
        try {
            hashed[index] = await hashLargeFile(file, signal, grew);
        }
        catch (error) {
            if (!signal.aborted)
                failure.record(index, error);
        }
        finally {
            failure.untrack(index);
        }
    };
    const large = forEachBounded(entries.filter(({ file }) => file.size > SMALL_FILE_BYTES), HASH_CONCURRENCY, entry => hashOne(entry));
    // Small files that grew past the limit since the listing are read in
    // parts, as large ones are.
    const grown = [];
    let keptBytes = 0;
    const small = forEachInSlices(entries.filter(({ file }) => file.size <= SMALL_FILE_BYTES), ({ file, index }) => {
        if (failure.skips(index))
            return;
        try {
            const bytes = readSmallFile(file, SMALL_FILE_BYTES);
            if (bytes === undefined) {
                grown.push({ file, index });
                return;
            }
            // A file whose size changed since the listing is read again for
            // the upload, which then fails on the length the listing gave.
            const keep = bytes.length === file.size &&
                keptBytes + bytes.length <= keptBytesLimit;
            if (keep)
                keptBytes += bytes.length;
            hashed[index] = {
                ...file,
                sha256: sha256Of(bytes),
                ...(keep ? { contents: bytes } : {})
            };
        }
        catch (error) {
            failure.record(index, error);
        }
    }, slicer);
    await Promise.all([small, large]);
    await forEachBounded(grown, HASH_CONCURRENCY, entry => hashOne(entry, true));
    failure.throwIfAny();
    return hashed;
}
/**
 * Hashes a file through Node's thread pool: whole when the listing found
 * it no larger than {@link WHOLE_READ_BYTES}, else in parts, as is a file
 * that grew since the listing. Rejects once `signal` aborts.
 */
async function hashLargeFile(file, signal, grew) {
    const handle = await openListedFile(file);
    try {
        // A read cancelled before it starts rejects here, not mid-file.
        signal.throwIfAborted();
        const sha256 = grew || file.size > WHOLE_READ_BYTES
            ? await hashInParts(handle, signal)
            : sha256Of(await handle.readFile({ signal }));
        return { ...file, sha256 };
    }
    catch (error) {
        throw explainReadError(file, error);
    }
    finally {
        await closeListedFile(handle);
    }
}
function sha256Of(bytes) {
    return (0,node_crypto/* nodeCrypto */.S)().createHash('sha256').update(bytes).digest('hex');
}
/** The size of each read when a file is hashed in parts. */
const HASH_READ_BYTES = 2 ** 20;
/**
 * Hashes a file in parts of {@link HASH_READ_BYTES}, reading the next part
 * into a second buffer while the current one is hashed. Two buffers serve
 * the whole file, so memory stays flat with no garbage to collect. For
 * 1 GiB from the page cache this took about 0.9 s against 1.1 s through a
 * read stream of the same part size.
 */
async function hashInParts(handle, signal) {
    const hash = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256');
    let reading = Buffer.allocUnsafe(HASH_READ_BYTES);
    let spare = Buffer.allocUnsafe(HASH_READ_BYTES);
    let pending = handle.read(reading, 0, HASH_READ_BYTES, null);
    try {
        for (;;) {
            const { bytesRead } = await pending;
            signal.throwIfAborted();
            if (bytesRead === 0)
                break;
            const filled = reading;
            reading = spare;
            spare = filled;
            pending = handle.read(reading, 0, HASH_READ_BYTES, null);
            hash.update(filled.subarray(0, bytesRead));
        }
    }
    finally {
        // A read still in flight after an abort settles unobserved.
        pending.catch(() => undefined);
    }
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./src/register/model-signature.ts





const signatureSchema = schemas/* looseObject */._H3({
    signature: schemas/* looseObject */._H3({
        inputs: schemas/* string */.YjP().nullish(),
        outputs: schemas/* string */.YjP().nullish()
    })
        .nullish()
});
/**
 * Checks that a local model's `MLmodel` file has a signature with inputs
 * and outputs, which Unity Catalog requires. MLflow 3.17's Unity Catalog
 * store checks the same before it creates a version, so the failure comes
 * before any write here too.
 */
async function checkModelSignature(modelPath, modelName) {
    const file = external_node_path_default().join(modelPath, 'MLmodel');
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw missingSignature(modelName, `${file} could not be read (${reason(error)})`);
    }
    checkSignatureText(text, file, modelName);
}
/**
 * Checks the text of an `MLmodel` file for a signature with inputs and
 * outputs. `where` names the file in the diagnosis.
 */
function checkSignatureText(text, where, modelName) {
    let parsed;
    try {
        parsed = (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        throw missingSignature(modelName, `${where} could not be read as YAML (${reason(error)})`);
    }
    const signature = signatureSchema.safeParse(parsed).data?.signature;
    if (!signature) {
        throw missingSignature(modelName, `${where} has no signature`);
    }
    if (!signature.inputs || !signature.outputs) {
        const missing = signature.inputs ? 'outputs' : 'inputs';
        throw missingSignature(modelName, `the signature in ${where} has no ${missing}`);
    }
}
function reason(error) {
    return error instanceof Error ? error.message : String(error);
}
function missingSignature(modelName, reason) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('MODEL_SIGNATURE_MISSING', `Unity Catalog registers a model only with a signature of its ` +
        `inputs and outputs, but ${reason}. Nothing was written for ` +
        `'${modelName}'.`, 'Log the model with a signature: pass `signature=` ' +
        '(mlflow.models.infer_signature) or an `input_example` to ' +
        'log_model or save_model, then register the new directory.'));
}

;// CONCATENATED MODULE: ./src/register/registry-source.ts

const RUNS_URI = /^runs:\/[^/]+\/.+$/;
const RUN_ARTIFACT = /^mlflow-artifacts:\/+\d+\/([0-9a-f]{32})\/artifacts\/(.+)$/;
/**
 * Returns the source a separate registry server can accept. MLflow 3.17's
 * `model-versions/create` looks an `mlflow-artifacts:` source's run up in
 * the registry server's own tracking store, where a run of another
 * tracking server is missing, but accepts `runs:/<run>/<path>` when
 * `run_id` names the same run. A run's model is therefore registered as
 * its `runs:/` URI, as MLflow 2 clients registered it. A logged model's
 * `models:/<id>` means something only on the tracking server that logged
 * it, so it is rejected before any write.
 */
function sourceForRegistry(resolved, registry, runsUri) {
    if (registry.kind !== 'server')
        return resolved;
    const { runId } = resolved;
    if (runId !== undefined && runsUri !== undefined && RUNS_URI.test(runsUri)) {
        return { source: runsUri, runId };
    }
    const artifact = RUN_ARTIFACT.exec(resolved.source);
    if (runId !== undefined && artifact?.[1] === runId && artifact[2]) {
        return { source: `runs:/${runId}/${artifact[2]}`, runId };
    }
    if (resolved.modelId !== undefined) {
        const run = runId ?? '<run>';
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `source`', `models:/${resolved.modelId} is a logged model of the tracking ` +
            `server, and the registry at ${registry.url.origin} is another ` +
            'server, which cannot resolve it', `Register runs:/${run}/<name>, with the name the model was ` +
            'logged under, or upload the model directory with `model-path`.');
    }
    return resolved;
}

;// CONCATENATED MODULE: ./src/register/source.ts







const LOGGED_MODEL_URI = /^models:\/(m-[0-9a-f]{32})\/?$/;
const source_RUNS_URI = /^runs:\/([^/]+)\/(.+?)\/?$/;
/**
 * Starts listing the files of a `runs:/` source, for a registration that
 * will resolve it after the preflight. The request is speculative: sent
 * once, and kept out of the evidence that diagnoses read. Any failure
 * yields undefined, and the source is then resolved without it, so that
 * every error comes from the requests that resolving sends in the usual
 * order. Other sources give undefined.
 */
function listSourceEarly(http, source) {
    const uri = parseRunsUri(source);
    if (!uri)
        return undefined;
    const controller = new AbortController();
    const result = listSourceRun(http, uri, {
        signal: controller.signal,
        speculative: true
    }).catch(() => undefined);
    const cancel = () => {
        controller.abort();
    };
    return { source, result, cancel };
}
/**
 * Resolves a model URI to what `model-versions/create` needs, and checks
 * that it contains a model, so a version never points at nothing. With
 * `readFacts`, a `runs:/` source's run and MLmodel file are read for the
 * release comparison. Without, one listing of its files checks it. An
 * early listing of this source replaces that listing.
 */
async function resolveSource(http, source, log, readFacts = true, early) {
    const uri = parseRunsUri(source);
    if (uri) {
        const listed = early?.source === source ? await early.result : undefined;
        return resolveRunsUri(http, uri, log, { readFacts, listed });
    }
    const loggedModel = LOGGED_MODEL_URI.exec(source)?.[1];
    if (loggedModel) {
        const model = await readLoggedModel(http, source, loggedModel);
        const runId = model.info.source_run_id;
        return runId
            ? { source, modelId: loggedModel, runId }
            : { source, modelId: loggedModel };
    }
    const proxied = proxyPath(source);
    if (proxied !== undefined)
        return resolveProxiedUri(http, source, proxied);
    log.info(`Registering ${source} as given; its contents are not checked.`);
    return { source };
}
function parseRunsUri(source) {
    const match = source_RUNS_URI.exec(source);
    if (!match?.[1] || !match[2])
        return undefined;
    return { runId: match[1], artifactPath: match[2] };
}
/**
 * Resolves `runs:/<run>/<path>` as MLflow's own client does: the run's
 * artifact directory when it holds an MLmodel file, else the logged model
 * of that name from the run (MLflow 3 stores named models there). With
 * `readFacts`, the run is read and, behind the artifact proxy, the MLmodel
 * file too, so the release comparison can reuse them. Without, the
 * server's listing of the run's files gives the directory and shows the
 * MLmodel file in one request. After an early listing, which names the
 * directory, the run and the MLmodel file are read at once.
 */
async function resolveRunsUri(http, uri, log, resolution) {
    const { runId, artifactPath } = uri;
    const { readFacts } = resolution;
    const listed = resolution.listed ??
        (readFacts ? undefined : await listSourceRun(http, uri));
    let run;
    if (listed?.rootUri && listed.hasModelFile) {
        const source = `${listed.rootUri}/${artifactPath}`;
        if (!readFacts)
            return { source, runId };
        const facts = await readListedFacts(http, uri, listed.rootUri);
        if (facts.reads)
            return { source, runId, reads: facts.reads };
        run = facts.run;
    }
    run ??= await getRunOfSource(http, uri);
    const root = run.info.artifact_uri;
    // With a root URI, the listing showed that MLmodel is missing, or the
    // download after it found the file gone.
    if (root && listed?.rootUri === undefined) {
        const modelDir = `${root}/${artifactPath}`;
        const found = await readModelFile(http, run, root, artifactPath);
        if (found)
            return { source: modelDir, runId, reads: found };
    }
    const experimentId = run.info.experiment_id;
    const models = await findLoggedModels(http, experimentId, artifactPath);
    const matching = models.filter(m => m.info.source_run_id === runId);
    const [only, ...others] = matching;
    if (only && others.length === 0) {
        const modelId = only.info.model_id;
        log.info(`Run ${runId} has no MLmodel under '${artifactPath}'; registering ` +
            `its logged model '${artifactPath}' (models:/${modelId}) instead, ` +
            'as MLflow 3 stores named models there.');
        const modelDir = only.info.artifact_uri;
        const proxied = modelDir ? proxyPath(modelDir) : undefined;
        const modelText = proxied === undefined || !readFacts
            ? undefined
            : await downloadModelText(http, proxied);
        return {
            source: `models:/${modelId}`,
            runId,
            modelId,
            reads: modelText === undefined ? { run } : { run, modelText }
        };
    }
    if (others.length > 0) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `source`', `run ${runId} has ${matching.length} logged models named ` +
            `'${artifactPath}': ${matching.map(m => m.info.model_id).join(', ')}`, 'Register one of them as models:/<model-id>.');
    }
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `runs:/${runId}/${artifactPath} holds no model: the run has no ` +
        `MLmodel file under '${artifactPath}', and no logged model named ` +
        `'${artifactPath}' comes from it.`, 'Check the run id and the artifact path (the name given to ' +
        'log_model), or register models:/<model-id>.'));
}
/**
 * Reads the run's `MLmodel` file under `artifactPath`: downloaded through
 * the artifact proxy when the run's files are behind it, else only listed.
 * Returns undefined when there is no such file.
 */
async function readModelFile(http, run, root, artifactPath) {
    const proxied = proxyPath(root);
    if (proxied === undefined) {
        const listing = await listRunArtifacts(http, run.info.run_id, artifactPath);
        const present = listing.paths.includes(`${artifactPath}/MLmodel`);
        return present ? { run } : undefined;
    }
    const modelText = await downloadModelText(http, `${proxied}/${artifactPath}`);
    return modelText === undefined ? undefined : { run, modelText };
}
/**
 * Reads the run and, behind the artifact proxy, the `MLmodel` file that
 * the listing showed, both at once. `reads` is undefined when the file is
 * gone by the time it is downloaded. An error is raised only after both
 * requests end, and the run's error first, as when they were sequential.
 */
async function readListedFacts(http, uri, root) {
    const proxied = proxyPath(root);
    const [run, download] = await Promise.allSettled([
        getRunOfSource(http, uri),
        proxied === undefined
            ? undefined
            : downloadModelText(http, `${proxied}/${uri.artifactPath}`)
    ]);
    if (run.status === 'rejected')
        throw run.reason;
    if (download.status === 'rejected')
        throw download.reason;
    const modelText = download.value;
    if (proxied === undefined)
        return { run: run.value, reads: { run: run.value } };
    if (modelText === undefined)
        return { run: run.value };
    return { run: run.value, reads: { run: run.value, modelText } };
}
/**
 * Downloads `MLmodel` from a directory behind the artifact proxy;
 * undefined when the directory contains no such file.
 */
async function downloadModelText(http, proxiedDir) {
    try {
        return await downloadModelFile(http, `${proxiedDir}/MLmodel`);
    }
    catch (error) {
        if (isNotFound(error))
            return undefined;
        throw error;
    }
}
/**
 * Gets the source's run. A run that the tracking server does not have
 * contains no model, so its absence is SOURCE_NOT_FOUND.
 */
async function getRunOfSource(http, uri) {
    try {
        return await getRunWithData(http, uri.runId);
    }
    catch (error) {
        throw isNotFound(error) ? runNotFound(uri, error) : error;
    }
}
/**
 * Lists the source's directory through the tracking server, which names
 * the run's artifact directory too. A missing run is SOURCE_NOT_FOUND.
 */
async function listSourceRun(http, uri, sending = {}) {
    try {
        const { runId, artifactPath } = uri;
        const listing = await listRunArtifacts(http, runId, artifactPath, sending);
        const hasModelFile = listing.paths.includes(`${uri.artifactPath}/MLmodel`);
        return { ...listing, hasModelFile };
    }
    catch (error) {
        throw isNotFound(error) ? runNotFound(uri, error) : error;
    }
}
function runNotFound(uri, cause) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `runs:/${uri.runId}/${uri.artifactPath} holds no model: the tracking ` +
        `server has no run ${uri.runId}.`, 'Check the run id: it must name a run on this tracking server.'), { cause });
}
/**
 * Reads the logged model of a `models:/m-...` source. Such an id means
 * something only on the tracking server that logged it, and servers
 * before MLflow 3 have no logged-model API at all.
 */
async function readLoggedModel(http, source, modelId) {
    try {
        return await getLoggedModel(http, modelId);
    }
    catch (error) {
        if (isNotFound(error)) {
            throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `${source} holds no model: this tracking server has no logged ` +
                `model ${modelId}. A logged-model id is valid only on the ` +
                'tracking server that logged it.', 'Check the model id, or register from the server that logged ' +
                'it; to copy a model between servers, download it and use ' +
                '`model-path`.'), { cause: error });
        }
        if (classifyFailure(error).code === 'FORBIDDEN_PERMISSION') {
            // MLflow 3.17.2's basic-auth app rejects an unknown logged model
            // with the same 403 as a model the user may not read.
            throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `MLflow denied reading logged model ${modelId}: it does not ` +
                'exist on this tracking server, or the user lacks READ on ' +
                "the experiment that holds it (MLflow's basic-auth app gives " +
                'the same answer for both).', 'Check the model id against the tracking server that logged it, ' +
                'and ask an admin for READ on its experiment.', classifyFailure(error).evidence), { cause: error });
        }
        if (isMissingEndpoint(error)) {
            throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `${source} is an MLflow 3 logged model, but this server has no ` +
                'logged-model API (MLflow before 3): it answered get logged ' +
                'model with HTTP 404 while the registry calls on the same ' +
                'path worked.', 'Upgrade the server to MLflow 3, or register a runs:/ source or ' +
                'a local `model-path`.'), { cause: error });
        }
        throw error;
    }
}
/** Tells whether a 404 or 405 means the route itself is missing. */
function isMissingEndpoint(error) {
    if (!(error instanceof HttpError))
        return false;
    const { status } = error.response;
    if (status !== 404 && status !== 405)
        return false;
    return (error.errorCode === undefined || error.errorCode === 'ENDPOINT_NOT_FOUND');
}
async function findLoggedModels(http, experimentId, name) {
    if (name.includes("'"))
        return [];
    try {
        return await searchLoggedModels(http, experimentId, `name = '${name}'`);
    }
    catch (error) {
        // MLflow 2 has no logged models; the source then simply holds nothing.
        if (error instanceof HttpError && error.response.status === 404)
            return [];
        throw error;
    }
}
/**
 * Checks an `mlflow-artifacts:` source for an MLmodel file and names the
 * run that holds it, which MLflow 3.17 requires for such sources.
 */
async function resolveProxiedUri(http, source, path) {
    const files = await listProxyArtifacts(http, path);
    if (!files.includes('MLmodel')) {
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `${source} holds no MLmodel file, so it is not an MLflow model.`, 'Point `source` at the directory that contains the MLmodel file.'));
    }
    const runId = /^\d+\/([0-9a-f]{32})\/artifacts\//.exec(path)?.[1];
    return runId ? { source, runId } : { source };
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/register/artifact-permission.ts




/**
 * Rewords MLflow's permission refusal of an artifact upload, which comes
 * after the run writes in the same experiment were allowed. Other
 * failures are returned unchanged.
 */
function explainArtifactRefusal(error, write) {
    if (!(error instanceof HttpError))
        return error;
    const diagnosis = classifyFailure(error);
    if (diagnosis.code !== 'FORBIDDEN_PERMISSION')
        return error;
    return new diagnosis_diagnosis/* DiagnosedError */.xB(artifactRefusal(error, diagnosis, write), {
        cause: error
    });
}
function artifactRefusal(error, diagnosis, write) {
    const { credential } = error.request;
    const user = credential.kind === 'basic'
        ? `user '${credential.username}'`
        : describeCredential(credential);
    // MLflow's basic-auth app finds the experiment of an artifact request in
    // the first segment of its path (3.17.2: a numeric id, optionally after
    // `workspaces/<name>/`). Any other path falls back to the default
    // permission, which is READ unless the server sets another.
    const segments = write.root.split('/');
    const first = segments[0] === 'workspaces' ? segments[2] : segments[0];
    const pathReason = first === write.experimentId
        ? 'The path starts with the experiment id, so the grant on the ' +
            'experiment should apply; some servers (an artifacts-only server, ' +
            'or versions that resolve such paths wrongly) apply the default ' +
            'permission instead.'
        : 'The path does not start with the experiment id ' +
            `${write.experimentId} ` +
            '(the experiment has a custom artifact location), so the auth app ' +
            'cannot map it to the experiment and applies its default permission.';
    return (0,diagnosis_diagnosis/* diagnose */.h4)('FORBIDDEN_PERMISSION', `MLflow allowed ${user} to create run ${write.runId} in experiment ` +
        `${write.experimentId}, but denied the artifact upload to ` +
        `${write.root}. ${pathReason} No model version was created.`, `An admin must let ${user} write these artifacts: grant EDIT as the ` +
        "server's default permission or workspace permission, or give the " +
        'experiment an artifact location under its id ' +
        `(mlflow-artifacts:/${write.experimentId}), or upgrade the server.`, diagnosis.evidence, 'MLflow denied the artifact upload');
}

;// CONCATENATED MODULE: ./src/http/chunk-memory.ts

/** Bytes streamed between two collections of the young generation. */
const COLLECT_EVERY_BYTES = 16 * 2 ** 20;
let collector;
/**
 * Passes a file's chunks on and collects V8's young generation every
 * 16 MiB. A file stream makes a new 64 KiB buffer per chunk, and V8 frees
 * a spent buffer's memory only when it collects the young generation,
 * which grows to tens of MiB first. Measured with Node 24 on a 1 GiB and
 * a 2 GiB upload: peak RSS 146 MiB without these collections, 97 MiB with
 * them, for both sizes.
 */
function releasingChunks(source) {
    return external_node_stream_.Readable.from(collectWhileStreaming(source), { objectMode: false });
}
async function* collectWhileStreaming(source) {
    const collect = youngCollector();
    let sinceCollect = 0;
    for await (const chunk of source) {
        yield chunk;
        sinceCollect += chunk.length;
        if (collect && sinceCollect >= COLLECT_EVERY_BYTES) {
            sinceCollect = 0;
            collect();
        }
    }
}
/**
 * Returns V8's collector for the young generation, or null where the
 * runtime refuses to expose it; streaming then works as before, with
 * more memory.
 */
function youngCollector() {
    if (collector !== undefined)
        return collector;
    try {
        // node:v8 and node:vm load here, for the first file streamed in chunks
        // (to hash or upload), because loading them at start takes about 2 ms.
        const v8 = process.getBuiltinModule('node:v8');
        const vm = process.getBuiltinModule('node:vm');
        // The flag takes effect for contexts made after it is set, so the
        // collector comes from a new context and the global scope is unchanged.
        v8.setFlagsFromString('--expose-gc');
        const gc = vm.runInNewContext('gc');
        collector = () => {
            gc({ type: 'minor' });
        };
    }
    catch {
        collector = null;
    }
    return collector;
}

;// CONCATENATED MODULE: ./src/register/file-upload-body.ts





/**
 * The size of one read from a file being uploaded. Larger reads than a
 * file stream's 64 KiB mean fewer chunks for the upload to pass on.
 */
const READ_CHUNK = 2 ** 20;
/**
 * Returns the body that uploads a listed file: its kept bytes, else the
 * file read from disk and hashed on the way. The file is opened as the
 * hashing opened it, without following a link and only as a regular
 * file, so a file replaced by a link since the listing is not sent under
 * its name. Each attempt reads and hashes the file from its start.
 * `onProgress` receives the bytes read so far as each chunk goes on.
 */
function fileUploadBody(file, onProgress) {
    const contents = 'contents' in file ? file.contents : undefined;
    let attempt;
    return {
        size: file.size,
        path: file.absolutePath,
        open: () => {
            if (contents)
                return contents;
            attempt = { hash: (0,node_crypto/* nodeCrypto */.S)().createHash('sha256'), bytes: 0 };
            const chunks = readAndHash(file, attempt, onProgress);
            return file.size > READ_CHUNK
                ? releasingChunks(chunks)
                : external_node_stream_.Readable.from(chunks, { objectMode: false });
        },
        sentDigest: () => attempt?.hex
    };
}
/**
 * Reads a file in chunks of up to {@link READ_CHUNK} and hashes each as
 * it passes. A file up to one read gets a buffer of its own size plus one
 * byte: a file stream allocates its read size for every read, and with
 * 1 MiB buffers 2,000 files of 4 KiB allocated 4 GiB.
 *
 * The chunk that completes the listed size is held back until the read
 * finds the end of the file and the hash matches the one taken before,
 * if any. A file that grew, shrank or changed since then stops the
 * request before the server has all of its bytes, so the server stores
 * no such file as a success.
 */
async function* readAndHash(file, attempt, onProgress) {
    const handle = await openListedFile(file);
    try {
        const chunkBytes = Math.min(READ_CHUNK, file.size + 1);
        let last;
        for await (const chunk of listedFileChunks(file, handle, chunkBytes)) {
            if (attempt.bytes + chunk.length > file.size) {
                throw changedSinceListing(file_upload_body_sizeOf(file), 'larger');
            }
            attempt.hash.update(chunk);
            attempt.bytes += chunk.length;
            onProgress?.(attempt.bytes);
            if (attempt.bytes === file.size)
                last = chunk;
            else
                yield chunk;
        }
        if (attempt.bytes < file.size) {
            throw changedSinceListing(file_upload_body_sizeOf(file), 'smaller');
        }
        attempt.hex = attempt.hash.digest('hex');
        if ('sha256' in file && file.sha256 !== attempt.hex) {
            throw changedContents(file.relativePath);
        }
        if (last)
            yield last;
    }
    finally {
        await closeListedFile(handle);
    }
}
function file_upload_body_sizeOf(file) {
    return `${file.relativePath} had ${countOf(file.size, 'byte')}`;
}

;// CONCATENATED MODULE: ./src/register/upload-progress.ts

/**
 * Bytes between two progress lines for one file. Progress is decided by
 * bytes sent, not by time, so the same upload always logs the same lines.
 * At 256 MiB a 2 GiB file logs seven lines before it completes.
 */
const PROGRESS_STEP_BYTES = 256 * 1024 ** 2;
/**
 * Returns a callback that takes the bytes of one file sent so far and
 * logs a line each time the count passes another multiple of `stepBytes`.
 * A file no larger than one step logs nothing, so it gets no callback
 * and its upload counts no bytes. When a retry re-sends the file from
 * its start, the count falls and the lines start over.
 */
function fileProgressLogger(file, log, stepBytes = PROGRESS_STEP_BYTES) {
    if (file.size <= stepBytes)
        return undefined;
    let nextReport = stepBytes;
    return sentBytes => {
        if (sentBytes < nextReport - stepBytes)
            nextReport = stepBytes;
        if (sentBytes < nextReport || sentBytes >= file.size)
            return;
        const percent = Math.floor((sentBytes / file.size) * 100);
        log.info(`Uploading ${file.relativePath}: ${formatBytes(sentBytes)} of ` +
            `${formatBytes(file.size)} (${percent}%)`);
        nextReport = (Math.floor(sentBytes / stepBytes) + 1) * stepBytes;
    };
}

;// CONCATENATED MODULE: ./src/register/upload.ts
















/** The run tag that contains the {@link uploadKey} of the run's upload. */
const UPLOAD_KEY_TAG = 'mlflow_register.upload_key';
/**
 * Derives the key that finds an upload again in a later attempt: a hash
 * of the registration's idempotency key, model name, experiment and the
 * model's content digest. An `idempotency-key` input stays the same when
 * the files change, so the digest keeps a stored file of the same size
 * from counting as uploaded. The model name and experiment keep one
 * fixed key from sharing a run between registrations of other models.
 */
function uploadKey(idempotencyKey, scope, directory) {
    const parts = [
        idempotencyKey,
        scope.modelName,
        scope.experimentName,
        directory.contentDigest
    ];
    return (0,node_crypto/* nodeCrypto */.S)()
        .createHash('sha256')
        .update(JSON.stringify(parts))
        .digest('hex');
}
/**
 * Files uploaded at once, one connection each. The artifact proxy takes
 * one PUT per file, and each keep-alive connection stays with the server
 * worker that accepted it, so more connections make it likelier that
 * every worker gets some. Against MLflow with 2 workers, 2,000 files of
 * 4 KiB took 3.4 to 4.1 s with 8 at once and 4.4 to 6.1 s with 4.
 */
const UPLOAD_CONCURRENCY = MAX_CONNECTIONS;
/**
 * The pause before each further upload worker starts, and so before each
 * further connection opens. The processes of a multi-worker server share
 * one listening socket, and when connections arrive together while the
 * server is idle, one process may accept them all and do all the work.
 * Against MLflow with 2 workers, uploads of 2,000 files of 4 KiB whose
 * connections opened together went all to one worker in 8 of 25 runs,
 * and took 5.5 to 7.0 s where the others took 3.7 to 4.3 s. Opened 4 ms
 * apart, none of 25 did: a later connection arrives while the first
 * uploads keep one process busy, so the idle one accepts it.
 */
const WORKER_STAGGER_MS = 4;
/**
 * Uploads a local model directory into a new run through the server's
 * artifact proxy, and returns the run's model directory as the source.
 * Each file read from disk is hashed as it is sent: a file not hashed
 * before gets its SHA-256 so, and one hashed before must still match.
 */
async function uploadModelDirectory(http, directory, plan, log) {
    checkProxyFileNames(directory.files);
    const experimentId = await ensureExperiment(http, plan.experimentName, log);
    const earlier = await findEarlierUploadRun(http, experimentId, plan);
    const run = earlier ?? (await createUploadRun(http, experimentId, plan, log));
    // A run that an earlier attempt finished may be the source of a version
    // already, so a failure of this attempt leaves its status as it is.
    const failRun = async () => {
        if (earlier?.status === 'FINISHED')
            return;
        await endRun(http, run.run_id, 'FAILED');
    };
    const root = run.artifact_uri ? proxyPath(run.artifact_uri) : undefined;
    if (root === undefined) {
        await failRun();
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `Run ${run.run_id} stores artifacts at ` +
            `${run.artifact_uri ?? '(none)'}, ` +
            "not through the server's artifact proxy, so the action cannot " +
            'upload into it.', 'Start the server with --serve-artifacts and the default artifact ' +
            'root, or upload the model with the MLflow client and register ' +
            'its `source`.'));
    }
    const destination = `${root}/${plan.artifactPath}`;
    const extraFiles = plan.extraFiles ?? [];
    // A generated file replaces the model file of the same path, so that
    // model file is neither sent nor checked.
    const replaced = new Set(extraFiles.map(file => file.relativePath));
    const modelFiles = directory.files.filter(f => !replaced.has(f.relativePath));
    const generated = extraFiles.map(file => ({
        ...file,
        size: Buffer.byteLength(file.text)
    }));
    let complete;
    try {
        const pending = earlier
            ? await skipStoredFiles(http, modelFiles, destination, run.run_id, log)
            : modelFiles;
        log.info(`Uploading ${countOf(pending.length + generated.length, 'file')} ` +
            `(${formatBytes(sumBytes(pending) + sumBytes(generated))}) into ` +
            `run ${run.run_id} of experiment '${plan.experimentName}'`);
        const sent = await uploadFiles(http, pending, destination, generated, log);
        await verifyUploadedSizes(http, destination, [...modelFiles, ...generated]);
        complete = await completeDirectory(directory, sent);
        for (const tag of plan.digestTags?.(complete) ?? []) {
            await setRunTag(http, run.run_id, tag);
        }
    }
    catch (error) {
        await failRun().catch(() => undefined);
        throw explainArtifactRefusal(error, {
            experimentId,
            runId: run.run_id,
            root
        });
    }
    await endRun(http, run.run_id, 'FINISHED');
    const source = {
        source: `${run.artifact_uri}/${plan.artifactPath}`,
        runId: run.run_id
    };
    return { source, directory: complete };
}
/**
 * Finds the run that an earlier attempt of the same upload created, by
 * its upload key tag. The run may have been marked FAILED, because the
 * upload into it failed; it is marked FINISHED once this upload is done.
 */
async function findEarlierUploadRun(http, experimentId, plan) {
    if (plan.uploadKey === undefined)
        return undefined;
    const tag = { key: UPLOAD_KEY_TAG, value: plan.uploadKey };
    return findRunByTag(http, experimentId, tag);
}
/**
 * Lists what an earlier attempt stored in the run and returns the files
 * still to send: those the proxy does not list with the same size.
 * NOTE: the artifact proxy lists no checksum, so a stored file of the
 * right size counts as uploaded. The upload key makes that safe for
 * intact files, because it changes when any file's content changes.
 */
async function skipStoredFiles(http, files, destination, runId, log) {
    const stored = await listStoredSizes(http, destination, files);
    const pending = files.filter(file => stored.get(file.relativePath) !== file.size);
    const skipped = files.length - pending.length;
    log.info(`Run ${runId} is from an earlier attempt of this upload and already ` +
        `stores ${skipped} of ${countOf(files.length, 'file')} with the ` +
        `same size (${formatBytes(sumBytes(files) - sumBytes(pending))}); ` +
        'they are not sent again.');
    return pending;
}
function sumBytes(files) {
    return files.reduce((total, file) => total + file.size, 0);
}
/**
 * Creates the run to upload into. A create that fails in transit is
 * looked up by its request tag before it is sent again.
 * NOTE: a create that the server commits only after that lookup found
 * nothing, such as one delayed past the request timeout, still leaves a
 * second, unused run.
 */
function createUploadRun(http, experimentId, plan, log) {
    const requestTag = newCreateRequestTag();
    const tags = [...plan.runTags, requestTag];
    if (plan.uploadKey !== undefined) {
        tags.push({ key: UPLOAD_KEY_TAG, value: plan.uploadKey });
    }
    return createWithReadBack(http, log, 'create run', {
        create: bounded => createRun(bounded, experimentId, plan.runName, tags),
        readBack: bounded => findRunByTag(bounded, experimentId, requestTag)
    });
}
async function ensureExperiment(http, name, log) {
    const existing = await getExperimentId(http, name);
    if (existing !== undefined)
        return existing;
    try {
        const created = await createExperiment(http, name);
        log.info(`Created experiment '${name}' (id ${created})`);
        return created;
    }
    catch (error) {
        const raced = isAlreadyExists(error)
            ? await getExperimentId(http, name)
            : undefined;
        if (raced === undefined)
            throw error;
        return raced;
    }
}
/**
 * Uploads the model files, with {@link UPLOAD_CONCURRENCY} at once, and
 * then the generated files. Returns the SHA-256 of each file that was
 * read from disk, by relative path.
 */
async function uploadFiles(http, files, destination, extraFiles, log) {
    const sent = new Map();
    const queue = [...files];
    const total = files.length + extraFiles.length;
    const totalBytes = sumBytes(files);
    let doneBytes = 0;
    let doneFiles = 0;
    let nextReport = 0.25;
    // The first failure ends the upload: no further file starts, the files
    // in flight are cancelled, and the run is ended only once they stop.
    const abort = new AbortController();
    let failure;
    const worker = async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
            const body = fileUploadBody(file, fileProgressLogger(file, log));
            await uploadArtifact(http, `${destination}/${file.relativePath}`, body, abort.signal);
            const digest = body.sentDigest();
            if (digest !== undefined)
                sent.set(file.relativePath, digest);
            doneBytes += file.size;
            doneFiles++;
            const share = totalBytes > 0 ? doneBytes / totalBytes : doneFiles / files.length;
            if (share >= nextReport && share < 1) {
                const percent = Math.floor(share * 100);
                log.info(`Uploaded ${percent}% (${countOf(doneFiles, 'file')})`);
                nextReport = Math.floor(share * 4) / 4 + 0.25;
            }
        }
    };
    const stopOnFailure = (error) => {
        failure ??= { error };
        queue.length = 0;
        abort.abort();
    };
    const workers = Math.min(UPLOAD_CONCURRENCY, files.length);
    await Promise.all(Array.from({ length: workers }, (_unused, index) => (0,external_node_timers_promises_.setTimeout)(index * WORKER_STAGGER_MS)
        .then(worker)
        .catch(stopOnFailure)));
    if (failure)
        throw failure.error;
    for (const file of extraFiles) {
        await uploadArtifactText(http, `${destination}/${file.relativePath}`, file.text);
    }
    log.info(`Uploaded ${countOf(total, 'file')}`);
    return sent;
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
;// CONCATENATED MODULE: ./src/register/unity-catalog-source.ts








/** `models:/<name>/<version>` of the workspace registry. */
const REGISTRY_VERSION_URI = /^models:\/([^/@]+)\/(\d+)\/?$/;
const unity_catalog_source_LOGGED_MODEL_URI = /^models:\/m-[0-9a-f]{32}\/?$/;
/**
 * Resolves a `source` for Unity Catalog, which copies the model files into
 * its own storage, and checks its MLmodel signature before any write.
 * The create's fields follow MLflow 3.17. A `runs:/` source is sent as
 * the run's model directory (or its logged model) with the run id. A
 * `models:/<name>/<version>` is sent as given, with that version's run
 * and logged model. An `mlflow-artifacts:` URI is sent without a run.
 */
async function resolveUnityCatalogSource(http, source, modelName, log) {
    const resolved = await resolveForUnityCatalog(http, source, log);
    const text = await readModelText(http, source, resolved);
    checkSignatureText(text, `${resolved.location}/MLmodel`, modelName);
    return resolved;
}
async function resolveForUnityCatalog(http, source, log) {
    const registered = REGISTRY_VERSION_URI.exec(source);
    if (registered?.[1] && registered[2]) {
        const [, name, number] = registered;
        return resolveRegistryVersion(http, source, { name, number }, log);
    }
    if (source.startsWith('models:/') && !unity_catalog_source_LOGGED_MODEL_URI.test(source)) {
        throw (0,diagnosis_diagnosis/* configError */.Fj)('input `source`', `${source} names a model version by alias or stage, but for Unity ` +
            'Catalog a `models:/` source must be models:/<name>/<version> or ' +
            'models:/<model-id>', 'Give the version number, such as models:/fraud-model/3.');
    }
    const resolved = await resolveSource(http, source, log);
    const location = await filesLocation(http, resolved, log);
    const create = source.startsWith('mlflow-artifacts:') ? { source } : resolved;
    return { create, location, root: proxiedRoot(source, location) };
}
/**
 * Resolves a version of the workspace registry, which is the tracking
 * server's own registry, as MLflow 3.17's `copy_model_version` does.
 */
async function resolveRegistryVersion(http, source, { name, number }, log) {
    const where = { trackingServer: true };
    let uri;
    let version;
    try {
        version = await getModelVersion(http, name, number, where);
        uri = await getModelVersionDownloadUri(http, name, number, where);
    }
    catch (error) {
        if (!isNotFound(error))
            throw error;
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `${source} holds no model: the tracking server's registry has no ` +
            `version ${number} of '${name}'.`, 'Check the model name and version in the workspace registry.'), { cause: error });
    }
    const create = {
        source,
        ...(version.run_id ? { runId: version.run_id } : {}),
        ...(version.model_id ? { modelId: version.model_id } : {})
    };
    const location = await filesLocation(http, { source: uri }, log);
    return { create, location, root: proxiedRoot(source, location) };
}
/** Returns the URI of the directory that contains a model's files. */
async function filesLocation(http, resolved, log) {
    if (resolved.source.startsWith('runs:/')) {
        const run = await resolveSource(http, resolved.source, log);
        return filesLocation(http, run, log);
    }
    if (!unity_catalog_source_LOGGED_MODEL_URI.test(resolved.source))
        return resolved.source;
    const modelId = resolved.source.replace(/^models:\/|\/$/g, '');
    const model = await getLoggedModel(http, modelId);
    return model.info.artifact_uri ?? resolved.source;
}
/**
 * Maps the files' location to its artifact proxy path, or stops before
 * any write when the tracking server does not serve it.
 */
function proxiedRoot(source, location) {
    const root = proxyPath(location);
    if (root !== undefined)
        return root;
    // NOTE: Databricks-hosted runs keep their files at dbfs:/ URIs, which
    // MLflow reads with the workspace's DBFS API; this action does not.
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `${source} keeps its files at ${location}, which the tracking ` +
        'server does not serve through its artifact proxy (an ' +
        '`mlflow-artifacts:` URI), so this action cannot copy them into ' +
        'Unity Catalog.', 'Download the model (`mlflow artifacts download -u <uri>`) and give ' +
        'its directory as `model-path`, or log it to an experiment whose ' +
        'artifacts the tracking server proxies (`mlflow server ' +
        '--serve-artifacts`).'));
}
async function readModelText(http, source, resolved) {
    try {
        return await downloadModelFile(http, `${resolved.root}/MLmodel`);
    }
    catch (error) {
        if (!isNotFound(error))
            throw error;
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('SOURCE_NOT_FOUND', `${source} holds no MLmodel file at ${resolved.location}, so it is ` +
            'not an MLflow model.', 'Point `source` at the directory that contains the MLmodel file.'), { cause: error });
    }
}
/**
 * Lists the files of a proxied source with their sizes, which the
 * storage upload sends as `Content-Length`.
 */
async function listSourceFiles(http, source) {
    const files = await listProxyTree(http, source.root);
    return files.map(file => {
        if (file.size !== undefined)
            return { name: file.name, size: file.size };
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_FEATURE', `The tracking server lists ${source.location}/${file.name} ` +
            'without a size, which the upload to Unity Catalog storage needs.', 'Download the model (`mlflow artifacts download -u <uri>`) and ' +
            'give its directory as `model-path`.'));
    });
}

;// CONCATENATED MODULE: ./src/register/unity-catalog-files.ts





/**
 * Prepares a new Unity Catalog version, which stores the files itself in
 * its storage location, so nothing is uploaded into a run. As in MLflow
 * 3.17, a local model's path is recorded as the source. A `source` is
 * read from the tracking server, and with `verify-signature` its
 * signature is verified there before any write. With `digest-source` or
 * `attest`, its files are hashed there instead.
 */
async function prepareUnityCatalogSource(context, local) {
    if (local) {
        const { directory, signed } = local;
        return {
            source: { source: (0,external_node_url_.pathToFileURL)(directory.root).href },
            files: { kind: 'local', directory, signatureFile: signed?.signatureFile }
        };
    }
    const { http, config, log } = context;
    const proxied = await resolveConfiguredSource(context);
    if (config.signing.verifySignature) {
        const { location } = proxied;
        log.info(`Verifying the signature of ${config.source ?? ''} at ${location}`);
        context.progress.modelDigest = await verifyModelArtifacts(http, location, config.signing, log);
    }
    else if (digestsSource(config)) {
        const { location } = proxied;
        log.info(`Computing the model digest of ${config.source ?? ''} at ${location}`);
        context.progress.modelDigest = await digestArtifactUri(http, location, log);
    }
    return { source: proxied.create, files: { kind: 'proxied', source: proxied } };
}
/**
 * Returns the files of a version an earlier attempt created and left
 * PENDING_REGISTRATION, from the same model directory or `source`. The
 * earlier attempt may have stopped before it uploaded model.sig, so a
 * local model is signed again with `signing: key`.
 */
async function pendingVersionFiles(context, version, directory) {
    if (!directory) {
        return { kind: 'proxied', source: await resolveConfiguredSource(context) };
    }
    const signed = await signPendingVersion(context, version, directory);
    return { kind: 'local', directory, signatureFile: signed?.signatureFile };
}
/**
 * Signs the model directory of a pending version again with a key, which
 * leaves no trace elsewhere. Keyless signing is not repeated, because
 * each signature writes a Rekor entry: a model.sig the earlier attempt
 * uploaded stays, and without one a warning explains how to get a
 * signed version.
 */
async function signPendingVersion(context, version, directory) {
    const { config, log } = context;
    const { method } = config.signing;
    const versionLabel = `version ${version.version} of '${version.name}'`;
    if (method === 'key') {
        log.info(`Signing the model files again to complete ${versionLabel}`);
        return signModelDirectory(directory, config, log);
    }
    if (method !== 'sigstore')
        return undefined;
    // The earlier attempt tags the version only after model.sig is stored.
    if (version.tags.some(tag => tag.key === SIGNATURE_TAG)) {
        log.info(`Keeping the model.sig an earlier attempt stored for ${versionLabel}`);
        return undefined;
    }
    log.warning(`Completing ${versionLabel}, which an earlier attempt left ` +
        'PENDING_REGISTRATION, without model.sig: keyless signing is not ' +
        'repeated on a re-run, because each signature writes a Rekor ' +
        'entry. To get a signed version, register again with ' +
        '`force-new-version: true`, or sign the files with ' +
        '`model_signing sign` and upload model.sig to ' +
        `${version.storage_location ?? 'its storage location'}.`, { title: 'Version completed unsigned' });
    return undefined;
}
function resolveConfiguredSource(context) {
    const { http, config, log } = context;
    const source = config.source ?? '';
    return resolveUnityCatalogSource(http, source, config.modelName, log);
}

;// CONCATENATED MODULE: ./src/mlflow/unity-catalog.ts



/** Unity Catalog's registry API, below the workspace URL. */
const UC_API = 'api/2.0/mlflow/unity-catalog';
const awsCredentials = schemas/* object */.Ikc({
    access_key_id: schemas/* string */.YjP(),
    secret_access_key: schemas/* string */.YjP(),
    session_token: schemas/* string */.YjP().optional()
});
/**
 * The `TemporaryCredentials` message of MLflow 3.17's
 * `databricks_uc_registry_messages.proto`. Exactly one credential field
 * is set. Fields inside each kind are optional, so that a message this
 * action cannot use still parses and a diagnosis can name its kind.
 */
const temporaryCredentialsSchema = schemas/* looseObject */._H3({
    aws_temp_credentials: awsCredentials.optional(),
    azure_user_delegation_sas: schemas/* looseObject */._H3({ sas_token: schemas/* string */.YjP().optional() })
        .optional(),
    gcp_oauth_token: schemas/* looseObject */._H3({ oauth_token: schemas/* string */.YjP().optional() })
        .optional(),
    r2_temp_credentials: awsCredentials.partial().optional(),
    /** Milliseconds since the epoch; int64 values may come as strings. */
    expiration_time: coerce/* number */.ai().optional(),
    storage_mode: schemas/* string */.YjP().optional(),
    encryption_details: schemas/* looseObject */._H3({
        sse_encryption_details: schemas/* looseObject */._H3({
            algorithm: schemas/* string */.YjP().optional(),
            aws_kms_key_arn: schemas/* string */.YjP().optional()
        })
            .optional()
    })
        .optional()
});
const credentialsResponse = schemas/* object */.Ikc({
    credentials: temporaryCredentialsSchema
});
function versionResource(name, version) {
    return `version ${version} of ${modelResource(name)}`;
}
/**
 * Requests read-write credentials for a model version's storage location,
 * as MLflow's Unity Catalog store does before it uploads the files.
 */
async function generateTemporaryCredentials(http, name, version) {
    const response = await http.json({
        method: 'POST',
        path: `${UC_API}/model-versions/generate-temporary-credentials`,
        json: {
            name,
            version,
            operation: 'MODEL_VERSION_OPERATION_READ_WRITE'
        },
        operation: 'generate temporary model version credentials',
        resource: versionResource(name, version),
        idempotent: true
    }, credentialsResponse);
    return response.credentials;
}
/**
 * Finalizes a model version whose files are in its storage location, so
 * it moves from PENDING_REGISTRATION to READY.
 */
async function finalizeModelVersion(http, name, version) {
    const response = await http.json({
        method: 'POST',
        path: `${UC_API}/model-versions/finalize`,
        json: { name, version },
        operation: 'finalize model version',
        resource: versionResource(name, version),
        idempotent: true
    }, modelVersionResponse);
    return response.model_version;
}

;// CONCATENATED MODULE: ./src/storage/storage-file.ts



/**
 * Lists the files of a local model directory for an upload to storage.
 * Each is read as an upload through the artifact proxy reads it: without
 * following a link, and checked against its size and hash before its
 * last bytes go out.
 */
function localStorageFiles(directory) {
    return directory.files.map(file => {
        const body = fileUploadBody(file);
        return {
            relativePath: file.relativePath,
            size: file.size,
            open: () => {
                const opened = body.open();
                return Buffer.isBuffer(opened) ? external_node_stream_.Readable.from([opened]) : opened;
            }
        };
    });
}
/**
 * Lists the files of a model directory behind the tracking server's
 * artifact proxy for an upload to storage. Each open starts a new
 * download, which streams into the upload without a copy on disk.
 */
function proxyStorageFiles(http, root, files) {
    return files.map(file => ({
        relativePath: file.name,
        size: file.size,
        open: () => openArtifactStream(http, `${root}/${file.name}`)
    }));
}

;// CONCATENATED MODULE: ./src/storage/file-chunks.ts
/**
 * The size of one part of a chunked upload: 8 MiB. It is a multiple of
 * the 256 KiB that Google Cloud Storage requires of resumable upload
 * chunks, and far below Azure's 4000 MiB limit for one block. It also
 * bounds the memory of an upload, because each chunk is kept for retries.
 */
const CHUNK_BYTES = 8 * 2 ** 20;
/**
 * Reads a file once, from the start, in chunks of `size` bytes; only the
 * last chunk may be shorter. An empty file yields no chunk.
 */
async function* readChunks(file, size = CHUNK_BYTES) {
    let pending = [];
    let pendingBytes = 0;
    let offset = 0;
    for await (const piece of file.open()) {
        let rest = piece;
        while (pendingBytes + rest.length >= size) {
            const take = size - pendingBytes;
            pending.push(rest.subarray(0, take));
            rest = rest.subarray(take);
            yield { offset, bytes: Buffer.concat(pending, size) };
            offset += size;
            pending = [];
            pendingBytes = 0;
        }
        if (rest.length > 0) {
            pending.push(rest);
            pendingBytes += rest.length;
        }
    }
    if (pendingBytes > 0) {
        yield { offset, bytes: Buffer.concat(pending, pendingBytes) };
    }
}
/** Wraps bytes in memory as a request body that can be sent again. */
function bufferBody(bytes, contentType) {
    return {
        contentType,
        length: bytes.length,
        open: () => bytes
    };
}
/** Wraps a whole file as a request body that reopens it for a retry. */
function fileBody(file) {
    return {
        contentType: 'application/octet-stream',
        length: file.size,
        open: () => file.open()
    };
}

;// CONCATENATED MODULE: ./src/storage/storage-client.ts


/**
 * Makes the HTTP client of one storage location. It reuses the
 * registry client's dispatcher (proxy and TLS settings), timeouts,
 * retries and user agent, but sends its own credentials, so the
 * workspace token never reaches the storage service.
 */
function storageClient(context, baseUrl, auth = new NoAuth(), extraHeaders = []) {
    const { dispatcher, timeoutMs, retry, userAgent } = context.http.options;
    return new HttpClient({
        dispatcher,
        timeoutMs,
        retry,
        userAgent,
        log: context.log,
        baseUrl,
        auth,
        extraHeaders
    });
}

;// CONCATENATED MODULE: ./src/storage/azure-writer.ts





/**
 * The Blob service REST version sent in `x-ms-version`. Version
 * 2021-12-02 supports every operation used here and user delegation SAS.
 */
const BLOB_API_VERSION = '2021-12-02';
/**
 * Writes to an `abfss://` location with `azure_user_delegation_sas`
 * through the Blob REST API. A file up to one chunk is one Put Blob. A
 * larger file is streamed as Put Block requests of one chunk each and
 * committed with Put Block List. MLflow 3.17 writes the same files
 * through the DFS API, and an ADLS Gen2 account serves both APIs on the
 * same data.
 */
const azureWriter = context => {
    const sas = context.credentials.azure_user_delegation_sas?.sas_token;
    const location = parseAzureLocation(context.location);
    if (sas === undefined || location === undefined)
        return undefined;
    maskSasToken(context, sas);
    const storage = storageClient(context, containerUrl(context.endpoints.azure, location));
    const sasQuery = Object.fromEntries(new URLSearchParams(sas.replace(/^\?/, '')));
    const target = {
        storage,
        sasQuery,
        uriOf: name => `abfss://${location.container}@${location.account}.` +
            `${location.domainSuffix}/${name}`
    };
    return {
        async put(file) {
            const name = location.prefix
                ? `${location.prefix}/${file.relativePath}`
                : file.relativePath;
            if (file.size <= CHUNK_BYTES)
                await putBlob(target, name, file);
            else
                await putBlocks(target, name, file);
        }
    };
};
/**
 * Masks the SAS token and its signature, in every form a log could show
 * them. The signature alone grants the access, and it appears decoded
 * when a URL's query is parsed.
 */
function maskSasToken(context, sas) {
    const mask = context.http.options.mask;
    if (mask === undefined)
        return;
    maskSecret(mask, sas);
    maskSecret(mask, sas.replace(/^\?/, ''));
    const signature = new URLSearchParams(sas.replace(/^\?/, '')).get('sig');
    if (signature)
        maskSecret(mask, signature);
}
async function putBlob(target, name, file) {
    await send(target, name, {}, fileBody(file), 'upload model file to Azure', {
        'x-ms-blob-type': 'BlockBlob'
    });
}
/** Streams a file as blocks of one chunk each, then commits them. */
async function putBlocks(target, name, file) {
    const blockIds = [];
    for await (const chunk of readChunks(file)) {
        const blockId = blockIdOf(blockIds.length);
        blockIds.push(blockId);
        await send(target, name, { comp: 'block', blockid: blockId }, bufferBody(chunk.bytes, 'application/octet-stream'), `upload block ${blockIds.length} of a model file to Azure`);
    }
    const list = blockIds.map(id => `<Latest>${id}</Latest>`).join('');
    const xml = '<?xml version="1.0" encoding="utf-8"?>' + `<BlockList>${list}</BlockList>`;
    await send(target, name, { comp: 'blocklist' }, bufferBody(Buffer.from(xml, 'utf8'), 'application/xml'), 'commit the blocks of a model file in Azure', { 'x-ms-blob-content-type': 'application/octet-stream' });
}
/**
 * Returns a block's id: Base64 of a fixed-width index, because the Blob
 * service requires the ids of one blob to have the same length.
 */
function blockIdOf(index) {
    return Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64');
}
async function send(target, name, query, body, operation, headers = {}) {
    await target.storage.send({
        method: 'PUT',
        path: encodePath(name),
        query: { ...query, ...target.sasQuery },
        headers: { 'x-ms-version': BLOB_API_VERSION, ...headers },
        body,
        operation,
        resource: target.uriOf(name),
        idempotent: true
    });
}

;// CONCATENATED MODULE: ./src/storage/gcs-writer.ts





/** The status with which GCS acknowledges a chunk of a resumable upload. */
const RESUME_INCOMPLETE = 308;
/**
 * Writes to a `gs://` location with `gcp_oauth_token` through the JSON
 * API, the token sent as a bearer token. A file up to one chunk is one
 * simple media upload. A larger file is a resumable upload, streamed in
 * chunks, as the Python client that MLflow 3.17 uses switches to
 * resumable uploads above 8 MiB.
 */
const gcsWriter = context => {
    const token = context.credentials.gcp_oauth_token?.oauth_token;
    const location = parseGcsLocation(context.location);
    if (!token || !location)
        return undefined;
    const mask = context.http.options.mask;
    if (mask)
        maskSecret(mask, token);
    const auth = new BearerAuth(token, 'Authorization');
    const storage = storageClient(context, context.endpoints.gcs.url, auth);
    const bucket = encodeURIComponent(location.bucket);
    const uploadPath = `upload/storage/v1/b/${bucket}/o`;
    return {
        async put(file) {
            const name = location.prefix
                ? `${location.prefix}/${file.relativePath}`
                : file.relativePath;
            const resource = `gs://${location.bucket}/${name}`;
            if (file.size <= CHUNK_BYTES) {
                await storage.send({
                    method: 'POST',
                    path: uploadPath,
                    query: { uploadType: 'media', name },
                    body: fileBody(file),
                    operation: 'upload model file to Google Cloud Storage',
                    resource,
                    idempotent: true
                });
                return;
            }
            const session = await startResumable(storage, uploadPath, { name, resource }, file);
            await sendChunks(storage, session, file, resource);
        }
    };
};
/** Starts a resumable upload and returns its session URI. */
async function startResumable(storage, uploadPath, object, file) {
    const { name, resource } = object;
    const response = await storage.send({
        method: 'POST',
        path: uploadPath,
        query: { uploadType: 'resumable', name },
        headers: {
            'x-upload-content-type': 'application/octet-stream',
            'x-upload-content-length': String(file.size)
        },
        json: {},
        operation: 'start a resumable upload to Google Cloud Storage',
        resource,
        idempotent: true
    });
    const location = response.headers.location;
    if (typeof location !== 'string') {
        throw new Error('Google Cloud Storage started a resumable upload without a ' +
            `session URI in Location, for ${resource}`);
    }
    return new URL(location, storage.options.baseUrl);
}
/**
 * Sends a file's chunks to a resumable upload session. Every chunk but
 * the last is acknowledged with 308. The session URI is the credential
 * of the upload, so requests to it are sent to the endpoint's origin
 * only, where the bearer token goes as well.
 */
async function sendChunks(storage, session, file, resource) {
    if (session.origin !== storage.options.baseUrl.origin) {
        throw new Error(`Google Cloud Storage returned a session URI on ${session.origin}, ` +
            `not on ${storage.options.baseUrl.origin}, for ${resource}`);
    }
    const query = Object.fromEntries(session.searchParams);
    let index = 0;
    for await (const chunk of readChunks(file)) {
        index++;
        const end = chunk.offset + chunk.bytes.length;
        // GCS may persist only part of a chunk. Its 308 then names the bytes
        // it persisted, so the rest of the chunk is sent again.
        let from = chunk.offset;
        for (let attempt = 1; from < end; attempt++) {
            if (attempt > MAX_PARTIAL_RESENDS) {
                throw new Error(`Google Cloud Storage kept only ${from} of ${end} bytes of ` +
                    `${resource} after ${MAX_PARTIAL_RESENDS} attempts`);
            }
            const response = await storage.send({
                method: 'PUT',
                path: session.pathname,
                query,
                headers: {
                    'content-range': `bytes ${from}-${end - 1}/${file.size}`
                },
                body: bufferBody(chunk.bytes.subarray(from - chunk.offset), 'application/octet-stream'),
                acceptStatus: [RESUME_INCOMPLETE],
                operation: `upload chunk ${index} of a file to Google Cloud Storage`,
                resource,
                idempotent: true
            });
            if (response.status !== RESUME_INCOMPLETE) {
                if (end === file.size)
                    return;
                throw new Error(`Google Cloud Storage finished the upload of ${resource} after ` +
                    `${end} of ${file.size} bytes`);
            }
            from = persistedBytes(response.headers.range, chunk.offset, resource);
        }
    }
}
/** How often the rest of one chunk is sent again before the upload fails. */
const MAX_PARTIAL_RESENDS = 5;
/**
 * Reads how many bytes a resumable session has persisted from a 308's
 * `Range` (`bytes=0-N`), zero when the 308 has no `Range`. A count below
 * the chunk's start means bytes of an earlier chunk were lost, which a
 * chunk kept in memory cannot restore.
 */
function persistedBytes(range, chunkOffset, resource) {
    const match = /^bytes=0-(\d+)$/.exec(String(range ?? '').trim());
    const persisted = match?.[1] === undefined ? 0 : Number(match[1]) + 1;
    if (persisted < chunkOffset) {
        throw new Error(`Google Cloud Storage lost bytes of ${resource}: it has persisted ` +
            `${persisted} bytes, fewer than the ${chunkOffset} it confirmed ` +
            'before. Run the registration again to upload the file anew.');
    }
    return persisted;
}

;// CONCATENATED MODULE: ./src/storage/storage-rejected.ts



/**
 * Error codes with which storage services reject expired or invalid
 * credentials on HTTP 400, as S3 and R2 do; any 401 or 403 counts too.
 */
const REJECTING_400_CODES = new Set([
    'ExpiredToken',
    'InvalidToken',
    'TokenRefreshRequired',
    'AuthenticationFailed'
]);
/** Error codes with which S3 and R2 reject expired session tokens. */
const EXPIRED_CODES = new Set(['ExpiredToken', 'TokenRefreshRequired']);
/**
 * Checks whether a storage service rejected the credentials because
 * they expired: an S3 or R2 expired-token code, or a 403 whose body
 * names the expiry, as S3's "Request has expired" and Azure's "Signed
 * expiry time" do.
 */
function isExpiredCredentials(error) {
    if (!isStorageRejection(error))
        return false;
    const { status, body } = error.response;
    const code = storageErrorCode(body);
    if (code !== undefined && EXPIRED_CODES.has(code))
        return true;
    return status === 403 && /\bexpir(ed|y)\b/i.test(body);
}
/**
 * Turns a storage service's rejection of the temporary credentials into
 * a STORAGE_REJECTED diagnosis that names the storage. Any other failure
 * returns undefined and keeps its own classification.
 */
function storageRejected(error, version, kind, credentials, now = new Date()) {
    if (!isStorageRejection(error))
        return undefined;
    const code = storageErrorCode(error.response.body);
    return new diagnosis_diagnosis/* DiagnosedError */.xB(rejection(error, version, kind, credentials, now, code), { cause: error });
}
/**
 * Checks whether a storage service rejected a request's credentials:
 * any 401 or 403, or a 400 with one of the codes that name them.
 */
function isStorageRejection(error) {
    if (!(error instanceof HttpError))
        return false;
    const { status } = error.response;
    const code = storageErrorCode(error.response.body);
    return (status === 401 ||
        status === 403 ||
        (status === 400 && code !== undefined && REJECTING_400_CODES.has(code)));
}
function rejection(error, version, kind, credentials, now, code) {
    const expiry = credentials.expiration_time;
    const expired = expiry !== undefined && expiry <= now.getTime();
    const when = expiry === undefined
        ? ''
        : ` The credentials ${expired ? 'expired' : 'expire'} at ` +
            `${new Date(expiry).toISOString()}.`;
    return (0,diagnosis_diagnosis/* diagnose */.h4)('STORAGE_REJECTED', `${kind} answered HTTP ${error.response.status}` +
        `${code ? ` ${code}` : ''} to ${error.request.operation} at ` +
        `${version.storage_location ?? '(no location)'}: it rejected the ` +
        'temporary credentials that Unity Catalog issued for version ' +
        `${version.version} of '${version.name}'.${when} The version stays ` +
        'PENDING_REGISTRATION.', 'Run the job again: a re-run requests new credentials and completes ' +
        'the pending version. If it fails again, check that the runner ' +
        "clock is correct, that the catalog's storage credential still " +
        'grants write access to the external location, and that no ' +
        'firewall or private endpoint rule of the storage account or ' +
        'bucket blocks the runner.', httpEvidence(error));
}
/**
 * Reads the error code from a storage error body: `<Code>` in the XML
 * of S3, R2 and Azure Blob, `reason` in the JSON of Google Cloud
 * Storage.
 */
function storageErrorCode(body) {
    const xml = /<Code>\s*([^<\s]+)\s*<\/Code>/.exec(body)?.[1];
    if (xml)
        return xml;
    return /"reason"\s*:\s*"([^"]+)"/.exec(body)?.[1];
}

;// CONCATENATED MODULE: ./src/storage/upload-url.ts




/** The Files API call that issues a presigned URL for one upload. */
const CREATE_UPLOAD_URL = 'api/2.0/fs/create-upload-url';
const uploadUrlResponse = schemas/* object */.Ikc({
    url: schemas/* string */.YjP(),
    headers: schemas/* array */.YOg(schemas/* object */.Ikc({ name: schemas/* string */.YjP(), value: schemas/* string */.YjP() }))
        .default([])
});
/**
 * Query parameters and headers that carry a presigned URL's signature or
 * a token: SigV4's `X-Amz-Signature` and `X-Amz-Security-Token`, Azure's
 * `sig`, Google's `X-Goog-Signature` and the like.
 */
const SECRET_NAME = /signature|^sig$|token|credential|key/i;
/**
 * Requests a presigned upload URL for a path of the workspace's Files
 * API, as MLflow 3.17's presigned URL repository does for models in
 * Databricks default storage. The request goes to the workspace that
 * serves Unity Catalog, with its credentials. The URL is masked before
 * it is returned.
 */
async function createUploadUrl(http, path, mask) {
    const workspace = http.route({ path: UC_API });
    const answer = await workspace.json({
        method: 'POST',
        path: CREATE_UPLOAD_URL,
        json: { path },
        operation: 'create a presigned upload URL',
        resource: path,
        idempotent: true
    }, uploadUrlResponse);
    const url = parsePresignedUrl(answer.url, path);
    const headers = Object.fromEntries(answer.headers.map(header => [header.name.toLowerCase(), header.value]));
    if (mask)
        maskUploadUrl(mask, url, headers);
    return { url, headers };
}
/**
 * Parses a presigned URL. Plain http is accepted only on loopback, as
 * for storage emulators, because the URL's query is the credential.
 */
function parsePresignedUrl(raw, path) {
    const url = URL.parse(raw);
    if (url === null || !['http:', 'https:'].includes(url.protocol)) {
        throw new Error(`The workspace returned an upload URL for ${path} that is not an ` +
            'http or https URL');
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        throw new Error(`The workspace returned a plain http upload URL ` +
            `(${describeUrl(url)}) for ${path}. The action sends model files ` +
            'to presigned URLs only over https, or over http on loopback.');
    }
    return url;
}
/** Masks the URL, its query and each signature or token in it. */
function maskUploadUrl(mask, url, headers) {
    maskSecret(mask, url.href);
    if (url.search.length > 1)
        maskSecret(mask, url.search.slice(1));
    for (const [name, value] of url.searchParams) {
        if (SECRET_NAME.test(name))
            maskSecret(mask, value);
    }
    for (const [name, value] of Object.entries(headers)) {
        if (SECRET_NAME.test(name) || name === 'authorization') {
            maskSecret(mask, value);
        }
    }
}

;// CONCATENATED MODULE: ./src/storage/presigned-url-writer.ts




/**
 * Writes to Databricks default storage, whose credentials response has
 * `storage_mode: DEFAULT_STORAGE` and no cloud credentials. As in MLflow
 * 3.17, each file gets its own presigned URL from the workspace's Files
 * API, for `/Models/<catalog>/<schema>/<model>/<version>/<path>`, and
 * its bytes go in one PUT to that URL without the workspace's
 * credentials. A URL that the storage rejects, such as one that expired
 * while earlier files were sent, is replaced once.
 */
const presignedUrlWriter = context => {
    if (context.credentials.storage_mode !== 'DEFAULT_STORAGE')
        return undefined;
    const { name, version } = context.version;
    const root = `/Models/${name.split('.').join('/')}/${version}`;
    return {
        refreshesItself: true,
        // NOTE: each file goes in one PUT, as in MLflow 3.17, so a file larger
        // than the storage accepts in one PUT (5 GiB on S3) fails.
        async put(file) {
            const path = `${root}/${file.relativePath}`;
            const mask = context.http.options.mask;
            const first = await createUploadUrl(context.http, path, mask);
            try {
                await putToUrl(context, first, file, path);
            }
            catch (error) {
                if (!isStorageRejection(error))
                    throw error;
                context.log.info(`The storage rejected the presigned URL for ${path}; requesting ` +
                    'a new URL and sending the file once more');
                const second = await createUploadUrl(context.http, path, mask);
                await putToUrl(context, second, file, path);
            }
        }
    };
};
/**
 * Sends a file in one PUT to a presigned URL, with the headers issued
 * with it. The URL's query is its credential: the client logs and
 * reports the URL without it.
 */
async function putToUrl(context, upload, file, path) {
    const { url, headers } = upload;
    const storage = storageClient(context, new URL(url.origin));
    await storage.send({
        method: 'PUT',
        path: url.pathname,
        query: queryOf(url),
        headers,
        body: bodyOf(file, headers['content-type']),
        operation: 'upload model file to a presigned URL',
        resource: path,
        idempotent: true
    });
}
/** Returns a URL's query parameters, a repeated name as an array. */
function queryOf(url) {
    const query = {};
    for (const [name, value] of url.searchParams) {
        query[name] = [...(query[name] ?? []), value];
    }
    return query;
}
/**
 * Returns the file's body with the content type the URL was issued
 * for, because a signature may cover it.
 */
function bodyOf(file, contentType) {
    const body = fileBody(file);
    return contentType ? { ...body, contentType } : body;
}

;// CONCATENATED MODULE: ./src/storage/s3-signer.ts


/**
 * The `x-amz-content-sha256` value that leaves the payload out of the
 * signature, which S3 and R2 accept for PUT Object.
 */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/**
 * Signs S3 requests with temporary AWS credentials (SigV4, service `s3`).
 * A streamed body is sent as UNSIGNED-PAYLOAD, as the AWS SDKs send
 * uploads, because hashing it first would read each file, or download a
 * remote one, twice. A string body's SHA-256 is signed.
 */
class S3Signer {
    mode = 'sigv4';
    credential;
    #credentials;
    #now;
    constructor(credentials, region, now = () => new Date()) {
        this.#credentials = credentials;
        this.#now = now;
        this.credential = { kind: 'aws', region, service: 's3' };
    }
    async authorize(headers, request) {
        const signed = await signRequest({
            method: request.method,
            url: request.url,
            headers,
            payloadHash: request.body === undefined || typeof request.body === 'string'
                ? await hashPayload(request.body)
                : UNSIGNED_PAYLOAD
        }, this.#credentials, { region: this.credential.region, service: 's3' }, { signingDate: this.#now(), sendPayloadHash: true, escapePath: false });
        Object.assign(headers, signed);
    }
}

;// CONCATENATED MODULE: ./src/storage/put-object-writer.ts





/**
 * Makes a writer that sends one SigV4-signed PUT Object per file, for S3
 * and the stores that speak its API. The secret key and the session token
 * are masked first.
 */
function putObjectWriter(context, target) {
    // NOTE: one PUT Object per file, so a file over 5 GiB, the limit of one
    // PUT in S3, fails; MLflow's S3 repository uploads such files in parts.
    const { keys } = target;
    const mask = context.http.options.mask;
    if (mask) {
        maskSecret(mask, keys.secret_access_key);
        if (keys.session_token)
            maskSecret(mask, keys.session_token);
    }
    const signer = new S3Signer({
        accessKeyId: keys.access_key_id,
        secretAccessKey: keys.secret_access_key,
        ...(keys.session_token ? { sessionToken: keys.session_token } : {})
    }, target.region);
    const storage = storageClient(context, target.bucketUrl, signer, target.headers);
    return {
        async put(file) {
            const key = target.prefix
                ? `${target.prefix}/${file.relativePath}`
                : file.relativePath;
            await storage.send({
                method: 'PUT',
                path: encodeObjectKey(key),
                body: fileBody(file),
                operation: `upload model file to ${target.service}`,
                resource: target.describe(key),
                idempotent: true
            });
        }
    };
}
/**
 * Encodes an object key as SigV4 for S3 expects, each segment strictly.
 * `encodeURIComponent` leaves `!'()*` as they are, and S3 would then
 * compute a different signature.
 */
function encodeObjectKey(key) {
    return key.split('/').map(encodeComponentStrict).join('/');
}

;// CONCATENATED MODULE: ./src/storage/r2-writer.ts


/**
 * R2 accepts SigV4 signatures for the region `auto`, and MLflow 3.17
 * leaves the region unset for it.
 */
const R2_REGION = 'auto';
/**
 * Writes to an `r2://` location with `r2_temp_credentials`, one PUT
 * Object per file, signed with SigV4 as for S3.
 */
const r2Writer = context => {
    const r2 = context.credentials.r2_temp_credentials;
    const location = parseR2Location(context.location);
    if (!r2?.access_key_id || !r2.secret_access_key || !location) {
        return undefined;
    }
    return putObjectWriter(context, {
        keys: {
            ...r2,
            access_key_id: r2.access_key_id,
            secret_access_key: r2.secret_access_key
        },
        region: R2_REGION,
        bucketUrl: r2BucketUrl(context.endpoints.r2, location),
        prefix: location.prefix,
        service: 'R2',
        describe: key => `r2://${location.bucket}@${location.host}/${key}`
    });
};

;// CONCATENATED MODULE: ./src/storage/s3-writer.ts


/**
 * Writes to an `s3://` location with `aws_temp_credentials`, one PUT
 * Object per file, signed with SigV4.
 */
const s3Writer = context => {
    const aws = context.credentials.aws_temp_credentials;
    const location = parseS3Location(context.location);
    if (aws === undefined || location === undefined)
        return undefined;
    return putObjectWriter(context, {
        keys: aws,
        region: context.endpoints.s3.region,
        bucketUrl: bucketUrl(context.endpoints.s3, location.bucket),
        prefix: location.prefix,
        service: 'S3',
        describe: key => `s3://${location.bucket}/${key}`,
        headers: encryptionHeaders(context.credentials)
    });
};
/**
 * Returns the server-side encryption headers that the credentials ask
 * for, as MLflow 3.17 passes them to boto3's upload.
 */
function encryptionHeaders(credentials) {
    const sse = credentials.encryption_details?.sse_encryption_details;
    if (sse?.algorithm === 'AWS_SSE_S3') {
        return [{ name: 'x-amz-server-side-encryption', value: 'AES256' }];
    }
    if (sse?.algorithm === 'AWS_SSE_KMS') {
        // Without a key ARN, S3 uses the account's default KMS key.
        const arn = sse.aws_kms_key_arn;
        return [
            { name: 'x-amz-server-side-encryption', value: 'aws:kms' },
            ...(arn
                ? [{ name: 'x-amz-server-side-encryption-aws-kms-key-id', value: arn }]
                : [])
        ];
    }
    return [];
}

;// CONCATENATED MODULE: ./src/storage/storage-credentials.ts

/**
 * How long credentials must still be valid when a file starts: 5
 * minutes, a margin for one large file and for clock skew between the
 * runner and the registry, or half their lifetime when that is shorter.
 */
const storage_credentials_REFRESH_MARGIN_MS = 5 * 60_000;
/**
 * The temporary credentials of one model version, requested again
 * before a file when fewer than {@link REFRESH_MARGIN_MS} remain.
 * MLflow 3.17 only retries with new credentials after a failed request
 * (`_retry_with_new_creds`). Refreshing first spares a failed upload of
 * a large file, and {@link renew} still covers credentials that a
 * storage service rejects as expired before their `expiration_time`.
 */
class StorageCredentials {
    http;
    version;
    log;
    now;
    #current;
    /** When the current credentials arrived, by this runner's clock. */
    #issuedAt = 0;
    /** Whether the current credentials were requested for the next file. */
    #unused = false;
    constructor(http, version, log, now = Date.now) {
        this.http = http;
        this.version = version;
        this.log = log;
        this.now = now;
    }
    /**
     * Returns credentials for the next file, and requests new ones first
     * when the current ones expire within the margin.
     */
    async forNextFile() {
        const current = this.#current;
        if (current === undefined)
            return this.renew();
        const expiry = current.expiration_time;
        if (expiry !== undefined && this.expiresSoon(expiry) && !this.#unused) {
            this.log.info(`The temporary credentials for version ${this.version.version} ` +
                `expire at ${new Date(expiry).toISOString()}; requesting new ones`);
            await this.renew();
        }
        this.#unused = false;
        return this.#current ?? current;
    }
    /** Requests new credentials and makes them the current ones. */
    async renew() {
        const { name, version } = this.version;
        this.#current = await generateTemporaryCredentials(this.http, name, version);
        this.#issuedAt = this.now();
        this.#unused = true;
        return this.#current;
    }
    /**
     * Checks whether credentials expiring at `expiry` are within the
     * margin. Credentials that look expired on arrival mean the runner's
     * clock differs from the registry's, and new ones would look the same.
     * So they are replaced only when the storage rejects them.
     */
    expiresSoon(expiry) {
        const lifetime = expiry - this.#issuedAt;
        if (lifetime <= 0)
            return false;
        const margin = Math.min(storage_credentials_REFRESH_MARGIN_MS, lifetime / 2);
        return expiry - this.now() < margin;
    }
}

;// CONCATENATED MODULE: ./src/storage/upload-to-storage.ts










/** The storage kinds this action writes to, tried in turn. */
const WRITERS = [
    s3Writer,
    azureWriter,
    gcsWriter,
    r2Writer,
    presignedUrlWriter
];
/**
 * Uploads model files to a Unity Catalog model version's storage
 * location with the temporary credentials the registry issues for it.
 * A storage kind without a writer stops with UNSUPPORTED_STORAGE before
 * any file is sent.
 */
async function uploadToStorage(http, version, files, endpoints, log) {
    const source = new StorageCredentials(http, version, log);
    const credentials = await source.renew();
    const location = version.storage_location ?? '';
    // One writer per credentials, so each secret is masked once.
    const writers = new WeakMap();
    const makeWriter = (current) => {
        const context = { http, credentials: current, version, location };
        const writer = writers.get(current) ??
            WRITERS.map(make => make({ ...context, endpoints, log })).find(Boolean);
        if (writer === undefined)
            throw unsupportedStorage(version, current);
        writers.set(current, writer);
        return writer;
    };
    makeWriter(credentials);
    const apiHosts = new Set([http, http.route({ path: REGISTRY_PATHS[1] })].map(client => client.options.baseUrl.host));
    log.info(`Uploading ${files.length} files to ${location} ` +
        `for version ${version.version}`);
    for (const file of files) {
        await putWithFreshCredentials(file, source, makeWriter, {
            version,
            apiHosts,
            log
        });
    }
    log.info(`Uploaded all ${files.length} files`);
}
/**
 * Writes one file with credentials that are valid for the margin, and
 * once more with new credentials when the storage rejects them as
 * expired. A storage service that rejects the credentials otherwise, or
 * again, ends the upload with a diagnosis that names it.
 */
async function putWithFreshCredentials(file, source, makeWriter, target) {
    const { version, apiHosts, log } = target;
    let credentials = await source.forNextFile();
    let writer = makeWriter(credentials);
    try {
        try {
            await writer.put(file);
        }
        catch (error) {
            if (writer.refreshesItself || !isExpiredCredentials(error))
                throw error;
            log.info(`The storage rejected the temporary credentials as expired for ` +
                `${file.relativePath}; requesting new ones and sending the ` +
                'file once more');
            credentials = await source.renew();
            writer = makeWriter(credentials);
            await writer.put(file);
        }
    }
    catch (error) {
        // A rejection by the workspace itself, such as of a presigned URL
        // request, concerns its own token, so the usual diagnosis applies.
        if (error instanceof HttpError && apiHosts.has(error.request.host)) {
            throw error;
        }
        const kind = describeStorageKind(credentials);
        throw storageRejected(error, version, kind, credentials) ?? error;
    }
}
/** Names the storage kind of the credentials, for logs and diagnoses. */
function describeStorageKind(credentials) {
    if (credentials.storage_mode === 'DEFAULT_STORAGE') {
        return 'Databricks default storage (presigned URLs)';
    }
    if (credentials.azure_user_delegation_sas) {
        return 'Azure Data Lake Storage (user delegation SAS)';
    }
    if (credentials.gcp_oauth_token)
        return 'Google Cloud Storage (OAuth token)';
    if (credentials.r2_temp_credentials)
        return 'Cloudflare R2';
    if (credentials.aws_temp_credentials)
        return 'Amazon S3';
    return 'a storage kind the registry did not name';
}
function unsupportedStorage(version, credentials) {
    const kind = describeStorageKind(credentials);
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('UNSUPPORTED_STORAGE', `Unity Catalog stores version ${version.version} of '${version.name}' ` +
        `in ${kind}, at ${version.storage_location ?? '(no location)'}. ` +
        'This version of the action uploads model files to S3, Azure ' +
        'Data Lake Storage, Google Cloud Storage, Cloudflare R2 and ' +
        'Databricks default storage, with the matching credentials and ' +
        'location. The version stays PENDING_REGISTRATION.', 'Register this model with the MLflow Python client ' +
        "(`mlflow.set_registry_uri('databricks-uc')`), or use a catalog " +
        'whose managed storage is an external location on one of those ' +
        'clouds.'));
}

;// CONCATENATED MODULE: ./src/register/unity-catalog-version.ts










/**
 * Completes a Unity Catalog version that is PENDING_REGISTRATION: uploads
 * the model files to its storage location, then finalizes it, as MLflow
 * 3.17's Unity Catalog store does right after the create. A version an
 * earlier attempt left pending (found by its idempotency key) is
 * completed the same way; the uploads overwrite whatever it wrote.
 */
async function completeUnityCatalogVersion(http, version, files, endpoints, log) {
    if (version.status !== 'PENDING_REGISTRATION')
        return version;
    const storageFiles = await listStorageFiles(http, files);
    try {
        await uploadToStorage(http, version, storageFiles, endpoints, log);
    }
    catch (error) {
        throw sourceFailure(error, version, log) ?? error;
    }
    if (files.kind === 'local' && files.signatureFile) {
        await recordSignatureLocation(http, version, log);
    }
    const finalized = await finalizeModelVersion(http, version.name, version.version);
    log.info(`Finalized version ${finalized.version} of '${finalized.name}': ` +
        (finalized.status ?? 'no status'));
    return finalized;
}
async function listStorageFiles(http, files) {
    if (files.kind === 'proxied') {
        const listed = await listSourceFiles(http, files.source);
        return proxyStorageFiles(http, files.source.root, listed);
    }
    const local = localStorageFiles(files.directory);
    const generated = files.signatureFile;
    if (!generated)
        return local;
    return [
        ...local.filter(file => file.relativePath !== generated.relativePath),
        textStorageFile(generated)
    ];
}
function textStorageFile(file) {
    const bytes = Buffer.from(file.text);
    return {
        relativePath: file.relativePath,
        size: bytes.length,
        open: () => external_node_stream_.Readable.from([bytes])
    };
}
/**
 * Tags the version with where its `model.sig` is. The storage location
 * exists only once the version does, so the create cannot carry it.
 */
async function recordSignatureLocation(http, version, log) {
    const value = `${version.storage_location ?? ''}/${model_digest/* SIGNATURE_FILE */.I9}`;
    await setModelVersionTag(http, version.name, version.version, {
        key: SIGNATURE_TAG,
        value
    });
    log.info(`Uploaded the signature to ${value}`);
}
/**
 * Returns the download error behind a failed upload of a proxied file,
 * so the diagnosis names the tracking server rather than the storage.
 * The storage client wraps the error of the stream it was sending.
 */
function sourceFailure(error, version, log) {
    let current = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        if (isRequestError(current) &&
            current.request.operation === DOWNLOAD_OPERATION) {
            log.info(`Copying the source's files failed while reading ` +
                `${current.request.resource ?? current.request.url}; version ` +
                `${version.version} of '${version.name}' stays ` +
                'PENDING_REGISTRATION, and a re-run with the same idempotency ' +
                'key completes it.');
            return current;
        }
        current = current.cause;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/register/wait-ready.ts


const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;
/**
 * Waits until a version is `READY`. Open-source MLflow creates versions
 * READY at once; other registries (Unity Catalog) may report
 * `PENDING_REGISTRATION` first, so the version is polled with backoff.
 */
async function waitUntilReady(http, version, timeoutMs, log) {
    const { sleep, now } = http.options.retry;
    const started = now();
    let current = version;
    let delay = FIRST_POLL_MS;
    while (current.status === 'PENDING_REGISTRATION') {
        const elapsed = now() - started;
        if (elapsed + delay > timeoutMs)
            throw pendingTimeout(current, elapsed);
        log.info(`Version ${current.version} is PENDING_REGISTRATION after ` +
            `${Math.round(elapsed / 1000)} s; checking again in ${delay / 1000} s`);
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_POLL_MS);
        current = await getModelVersion(http, current.name, current.version);
    }
    if (current.status === 'FAILED_REGISTRATION') {
        throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('REGISTRATION_FAILED', `The registry marked version ${current.version} of ` +
            `'${current.name}' FAILED_REGISTRATION: ` +
            `${current.status_message ?? 'no status message'}.`, 'Check that the source files are readable by the registry, then ' +
            'register again with `force-new-version: true`.'));
    }
    return current;
}
function pendingTimeout(version, elapsedMs) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('TIMEOUT_PENDING', `Version ${version.version} of '${version.name}' was still ` +
        `${version.status ?? 'pending'} after ` +
        `${Math.round(elapsedMs / 1000)} s. ` +
        'No alias was moved.', 'Raise `wait-timeout`, or check why the registry is slow to copy ' +
        'the model files.'));
}

;// CONCATENATED MODULE: ./src/register/register.ts






















/**
 * Registers the model version: preflight, then the existing version with
 * this run's idempotency key if there is one, else upload (for a local
 * directory), registered model and version creation; then wait for READY,
 * tags, description, the alias guards and aliases.
 */
async function registerModel(context) {
    const { http, config } = context;
    // A `runs:/` source is listed while the preflight is in flight, which
    // saves a round trip for every new version. Only a reused version, or a
    // failed preflight, leaves the listing unused.
    const early = http.isUnityCatalog || config.modelPath
        ? undefined
        : listSourceEarly(http, config.source ?? '');
    try {
        return await registerVersion(context, early);
    }
    finally {
        early?.cancel();
    }
}
async function registerVersion(context, early) {
    const { http, config, log } = context;
    if (http.isUnityCatalog && config.modelPath) {
        await checkModelSignature(config.modelPath, config.modelName);
    }
    // The directory is hashed while the preflight's request is in flight.
    // A read error still surfaces after the preflight's result. Small files
    // keep their bytes for the artifact proxy's upload; an upload to Unity
    // Catalog storage reads them from disk.
    const reading = config.modelPath
        ? readLocalModel(config, http.isUnityCatalog)
        : undefined;
    reading?.catch(() => undefined);
    const checking = checkTargetModel(http, config.modelName, log);
    // The key of a registration from a source needs no reply, so it is
    // derived while the preflight's requests are in flight. Its hash loads
    // node:crypto, which takes about 5 ms.
    const keying = reading
        ? undefined
        : afterIo(() => registrationKey(config, context.provenance, undefined));
    keying?.catch(() => undefined);
    const preflight = await checking;
    context.progress.preflight = preflight;
    const read = await reading;
    // A directory whose large files are hashed during the upload gets its
    // key and digest only then. It always makes a new version.
    const identity = read && !isHashed(read) ? undefined : identify(context, read, await keying);
    const seen = new Map();
    const existing = identity && preflight.model && !config.forceNewVersion
        ? await findVersionByKey(http, config.modelName, identity.key, log, preflight.model, seen)
        : undefined;
    const obtained = existing
        ? await reuseVersion(context, existing, knownIdentity(identity))
        : await createNewVersion(context, read && (await signDirectory(context, read)), identity, {
            modelExists: !!preflight.model,
            readFacts: comparisonNeedsFacts(config, preflight.model),
            early
        });
    if (!existing) {
        context.progress.preflight = recordWriteProven(preflight, config.modelName);
    }
    const version = await completeVersion(context, obtained, read);
    context.progress.version = version;
    const ready = await waitUntilReady(http, version, config.waitTimeoutMs, log);
    // The guards run first, so a conflict stops before the comparison
    // logs that the new version replaces the old one.
    await checkAliasGuards(http, ready, config.aliasGuards, log);
    await compareBeforeAliases(context, ready, {
        aliases: obtained.createdModel ? [] : preflight.model?.aliases,
        sourceReads: obtained.source?.reads,
        versions: seen
    });
    await setAliases(http, ready, config.aliases, log);
    await confirmGuardedAliases(http, ready, config.aliasGuards, log);
    return {
        outcome: existing ? 'reused' : 'registered',
        version: ready,
        idempotencyKey: obtained.key
    };
}
/**
 * Reads a local model directory for its registration. With
 * `force-new-version` and no signature, outside Unity Catalog (whose
 * upload reads the files again), nothing needs the digest before the
 * upload. The upload then hashes the files over 64 KiB as it sends them,
 * and each is read once, or twice with SigV4, whose signature covers the
 * body. For a file of 1 GiB that saves the 0.9 s that hashing it takes
 * first.
 */
async function readLocalModel(config, unityCatalog) {
    const root = config.modelPath ?? '';
    const read = hashesDuringUpload(config, unityCatalog)
        ? await listModelDirectory(root, KEPT_BYTES_LIMIT)
        : await readModelDirectory(root, unityCatalog ? 0 : KEPT_BYTES_LIMIT);
    if (!unityCatalog)
        checkProxyFileNames(read.files);
    return read;
}
/**
 * Checks whether the upload of a local model hashes its large files as it
 * sends them, so that its run gets the model digest tag only after them.
 */
function hashesDuringUpload(config, unityCatalog) {
    return (!unityCatalog && config.forceNewVersion && config.signing.method === 'none');
}
function isHashed(directory) {
    return 'contentDigest' in directory;
}
/**
 * Returns the key and tags of a registration, and records the model
 * digest of a local model. `sourceKey` is a source's key, derived before.
 */
function identify(context, directory, sourceKey) {
    const digest = directory && directoryDigest(directory);
    context.progress.modelDigest = digest;
    const key = sourceKey ?? registrationKey(context.config, context.provenance, directory);
    return { key, tags: [...versionTags(context, key), ...signatureTags(digest)] };
}
/**
 * Signs the model directory of a new version. A reused version is not
 * signed again, because keyless signing writes a Rekor entry each time.
 */
async function signDirectory(context, directory) {
    if (!isHashed(directory))
        return { directory, signed: undefined };
    const { config, log, idTokens } = context;
    const signed = await signModelDirectory(directory, config, log, idTokens);
    return { directory, signed };
}
async function reuseVersion(context, existing, identity) {
    const { http, config, log } = context;
    log.info(`Version ${existing.version} of '${config.modelName}' was already ` +
        `registered ${reuseReason(context)}; reusing it.`);
    // Set now, so a refused tag update still reports the version.
    context.progress.version = existing;
    // The provenance tags stay those of the attempt that created it.
    await updateReusedVersion(http, existing, config.tags, config.description, log);
    return { version: existing, createdModel: false, key: identity.key };
}
/** Says what an earlier registration with the same key had in common. */
function reuseReason(context) {
    const { config, provenance } = context;
    if (config.idempotencyKey) {
        return `with idempotency key ${config.idempotencyKey}`;
    }
    if (provenance.runId)
        return 'by this CI run (same idempotency key)';
    return ('from the same model outside CI (same idempotency key, which ' +
        'outside CI depends only on the model name and its content or source)');
}
/**
 * Compares the new version with the one the first alias points to now,
 * and stops before any alias moves when a metric gate fails.
 */
async function compareBeforeAliases(context, version, known) {
    const { http, config, log } = context;
    const alias = config.aliases[0];
    if (alias === undefined)
        return;
    const comparison = await compareRelease(http, version, alias, config.metricGates, log, known);
    context.progress.comparison = comparison;
    enforceGates(comparison);
}
/**
 * Uploads and finalizes a Unity Catalog version that is still pending;
 * other registries create versions from files already in place.
 */
async function completeVersion(context, obtained, directory) {
    const { http, config, log } = context;
    const { version } = obtained;
    if (!http.isUnityCatalog)
        return version;
    if (version.status !== 'PENDING_REGISTRATION')
        return version;
    // A Unity Catalog model is read with every file hashed.
    const hashed = directory && isHashed(directory) ? directory : undefined;
    const files = obtained.files ?? (await pendingVersionFiles(context, version, hashed));
    return completeUnityCatalogVersion(http, version, files, config.storageEndpoints ?? DEFAULT_ENDPOINTS, log);
}
/**
 * Tells whether the release comparison will need the new version's run
 * and MLmodel file: for a metric gate, or to compare with the version
 * that the first alias points to. A first release without a gate
 * compares nothing, so its source is only checked.
 */
function comparisonNeedsFacts(config, model) {
    const alias = config.aliases[0];
    if (alias === undefined)
        return false;
    if (config.metricGates.length > 0)
        return true;
    return model?.aliases.some(entry => entry.alias === alias) ?? false;
}
async function createNewVersion(context, local, identity, target) {
    const { http, config, log } = context;
    const { modelExists } = target;
    const prepared = http.isUnityCatalog
        ? {
            ...(await prepareUnityCatalogSource(context, hashedOnly(local))),
            identity: knownIdentity(identity)
        }
        : await prepareSource(context, local, identity, target);
    const { source } = prepared;
    // The identity's tags contain a local model's digest already. A verified
    // source's digest and the signature's location are known only now;
    // in Unity Catalog the signature's location is tagged after upload.
    const signatureUri = http.isUnityCatalog
        ? undefined
        : local?.signed?.signatureFile && `${source.source}/${model_digest/* SIGNATURE_FILE */.I9}`;
    const tags = [
        ...prepared.identity.tags,
        ...signatureTags(local ? undefined : context.progress.modelDigest, signatureUri)
    ];
    // The preflight already read the registered model, so a create would
    // only return MLflow's "already exists" error.
    const createdModel = modelExists
        ? false
        : await ensureRegisteredModel(http, config.modelName, log);
    const version = await createVersion(http, {
        modelName: config.modelName,
        source,
        ...(config.description ? { description: config.description } : {}),
        tags,
        idempotencyKey: prepared.identity.key,
        // A forced version shares its key with the version it follows.
        ...(config.forceNewVersion ? { requestTag: newCreateRequestTag() } : {})
    }, log);
    log.info(`Created version ${version.version} of '${config.modelName}' from ` +
        source.source);
    return {
        version,
        source,
        createdModel,
        key: prepared.identity.key,
        ...(prepared.files ? { files: prepared.files } : {})
    };
}
/**
 * Returns the identity of a registration that has it before its source
 * is prepared: every one but a local model hashed during its upload.
 */
function knownIdentity(identity) {
    if (!identity)
        throw new Error('the registration has no key yet');
    return identity;
}
function hashedOnly(local) {
    if (!local)
        return undefined;
    const { directory, signed } = local;
    if (!isHashed(directory)) {
        throw new Error('a Unity Catalog model is hashed before its upload');
    }
    return { directory, signed };
}
/**
 * Uploads a local model into a run, or resolves a remote source. A local
 * model hashed during its upload gets its identity, and its run the
 * model digest tag, once the upload is done.
 */
async function prepareSource(context, local, identity, target) {
    const { http, config, log } = context;
    if (!local) {
        const source = await resolveRemoteSource(context, target);
        return { source, identity: knownIdentity(identity) };
    }
    const { directory, signed } = local;
    const signatureFile = signed?.signatureFile;
    // A forced new version gets a run of its own, because resuming the
    // earlier attempt's run would give it the source of the version it
    // replaces.
    // NOTE: the sync of a deferred forced registration does not resume the
    // run that the deferred attempt created, so that run stays unused.
    const key = config.forceNewVersion ? undefined : identity?.key;
    const scope = {
        modelName: config.modelName,
        experimentName: config.experimentName
    };
    const uploaded = await uploadModelDirectory(http, directory, {
        experimentName: config.experimentName,
        artifactPath: config.artifactPath,
        runName: `register-${config.modelName}`,
        runTags: identity
            ? identity.tags.filter(tag => tag.key !== IDEMPOTENCY_TAG)
            : describingTags(context),
        ...(identity
            ? {}
            : { digestTags: done => signatureTags(directoryDigest(done)) }),
        ...(signatureFile ? { extraFiles: [signatureFile] } : {}),
        ...(key && isHashed(directory)
            ? { uploadKey: uploadKey(key, scope, directory) }
            : {})
    }, log);
    const { runId } = uploaded.source;
    return {
        source: sourceForRegistry(uploaded.source, config.registry, `runs:/${runId ?? ''}/${config.artifactPath}`),
        identity: identity ?? identify(context, uploaded.directory)
    };
}
/**
 * Resolves a `source` and, with `verify-signature`, verifies its files
 * against their signature before any version points at them; with
 * `digest-source` or `attest`, computes their model digest.
 */
async function resolveRemoteSource(context, target) {
    const { http, config, log } = context;
    const original = config.source ?? '';
    const { readFacts, early } = target;
    const resolved = await resolveSource(http, original, log, readFacts, early);
    context.progress.modelDigest = await sourceModelDigest(http, original, resolved, config, log);
    return sourceForRegistry(resolved, config.registry, original);
}
/**
 * Returns the idempotency key of a registration: the `idempotency-key`
 * input, else a hash of the CI run, the model name and what is registered.
 */
function registrationKey(config, provenance, directory) {
    if (config.idempotencyKey)
        return config.idempotencyKey;
    return deriveIdempotencyKey(provenance, config.modelName, directory
        ? { contentDigest: directory.contentDigest }
        : { source: config.source ?? '' });
}
/** Builds the tags of a new version: provenance, user tags, the key. */
function versionTags(context, key) {
    const tags = describingTags(context);
    return [
        ...tags.filter(tag => tag.key !== IDEMPOTENCY_TAG),
        { key: IDEMPOTENCY_TAG, value: key }
    ];
}
/**
 * Returns the provenance tags and the user's tags, which replace
 * provenance tags of the same key.
 */
function describingTags(context) {
    const tags = new Map();
    for (const tag of provenanceTags(context.provenance)) {
        tags.set(tag.key, tag.value);
    }
    for (const tag of context.config.tags)
        tags.set(tag.key, tag.value);
    return [...tags].map(([key, value]) => ({ key, value }));
}

;// CONCATENATED MODULE: ./src/register/attest-version.ts




/** The version tag that links to the model's attestation. */
const ATTESTATION_TAG = 'mlflow_register.attestation_url';
/**
 * Attests the build provenance of a registered version's model digest,
 * records the attestation's URL in a version tag and in the result. A
 * reused version is attested too, with the digest this run computed or
 * the one its tag records.
 */
async function attestVersion(step, version, digest, result) {
    const { host, http, config } = step;
    const sha256 = digest ?? digestTag(version);
    if (sha256 === undefined)
        throw missingDigest(version);
    host.log.info(`Attesting the build provenance of '${version.name}' with model ` +
        `digest ${sha256}`);
    const attestation = await attestModelProvenance({
        modelName: version.name,
        sha256,
        githubToken: config.bundle.githubToken ?? '',
        env: host.env,
        setSecret: value => {
            host.setSecret(value);
        },
        ...(host.attestationIssuer === undefined
            ? {}
            : { issuer: host.attestationIssuer })
    });
    result.attestation = attestation;
    host.log.info(`Stored the attestation ${attestation.url}`);
    await setModelVersionTag(http, version.name, version.version, {
        key: ATTESTATION_TAG,
        value: attestation.url
    });
}
function digestTag(version) {
    return version.tags.find(tag => tag.key === MODEL_DIGEST_TAG)?.value;
}
function missingDigest(version) {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `Version ${version.version} of '${version.name}' was reused, and ` +
        `it has no ${MODEL_DIGEST_TAG} tag, so there is no model digest ` +
        'to attest.', 'Register a new version (`force-new-version: true`): with ' +
        '`attest`, the action computes its model digest from ' +
        '`model-path` or the files of `source`.'));
}

;// CONCATENATED MODULE: ./src/bundle/bundle-dir.ts

/**
 * Returns the bundle directory: the `bundle-dir` input, else a folder
 * under RUNNER_TEMP on a runner (outside the workspace, so no later step
 * commits or uploads it by accident), else `.mlflow-register/bundles` in
 * the workspace. RUNNER_TEMP is emptied after each job, which is why a
 * runner also uploads each bundle as an artifact and a cache entry.
 */
function resolveBundleDir(directory, env) {
    if (directory)
        return external_node_path_default().resolve(directory);
    if (env.RUNNER_TEMP) {
        return external_node_path_default().join(env.RUNNER_TEMP, 'mlflow-register', 'bundles');
    }
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    return external_node_path_default().join(workspace, '.mlflow-register', 'bundles');
}

;// CONCATENATED MODULE: ./src/bundle/atomic-write.ts



/**
 * Writes a file under a temporary name in the same directory, then
 * renames it into place, so a reader sees the old content or the whole
 * new content, never a partial file. `wx` refuses to follow a link
 * planted at the temporary name.
 */
async function writeFileAtomic(file, data) {
    const temporary = external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.${(0,node_crypto/* nodeCrypto */.S)().randomBytes(6).toString('hex')}.tmp`);
    try {
        await (0,promises_.writeFile)(temporary, data, { flag: 'wx', mode: 0o644 });
        await (0,promises_.rename)(temporary, file);
    }
    catch (error) {
        await (0,promises_.rm)(temporary, { force: true });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/bundle/bundle-paths.ts

/**
 * Checks a path recorded in a bundle manifest: relative, `/`-separated,
 * normalised and free of `..`, so it cannot point outside the bundle.
 * Returns the problem, or undefined when the path is safe.
 */
function checkRelativePath(relative) {
    if (relative === '')
        return 'the path is empty';
    if (relative.includes('\0'))
        return 'the path contains a NUL character';
    if (relative.includes('\\'))
        return 'the path contains a backslash';
    if (relative.startsWith('/') || /^[a-z]:/i.test(relative)) {
        return 'the path is absolute';
    }
    const parts = relative.split('/');
    if (parts.some(part => part === '' || part === '.' || part === '..')) {
        return 'the path has an empty, "." or ".." segment';
    }
    return undefined;
}
/**
 * Joins a checked relative path to a bundle's root and confirms that the
 * result stays inside it. Throws when it does not.
 */
function resolveInside(root, relative) {
    const problem = checkRelativePath(relative);
    const absolute = external_node_path_default().resolve(root, ...relative.split('/'));
    if (problem || !absolute.startsWith(external_node_path_default().resolve(root) + (external_node_path_default()).sep)) {
        throw new Error(`${JSON.stringify(relative)} is not a path inside the bundle` +
            (problem ? `: ${problem}` : ''));
    }
    return absolute;
}

;// CONCATENATED MODULE: ./src/bundle/copy-files.ts







/**
 * Copies a model directory's files into `target` inside a bundle root
 * and returns the manifest entries. Files are created with `wx`, so
 * nothing existing is overwritten.
 *
 * Each file is opened as the hashing opened it, without following a link
 * and only as the regular file the listing found, and its copy must have
 * the size and SHA-256 that the hashing found. A file that changed since
 * then fails the bundle, whose digest would otherwise not match the
 * model that a sync registers.
 */
async function copyModelFiles(directory, root, target) {
    const files = [];
    for (const file of directory.files) {
        const relative = `${target}/${file.relativePath}`;
        const destination = resolveInside(root, relative);
        await (0,promises_.mkdir)(external_node_path_default().dirname(destination), { recursive: true });
        await copyChecked(file, destination);
        files.push({ path: relative, size: file.size, sha256: file.sha256 });
    }
    return files;
}
/** The size of one read of a file being copied, as a file stream's. */
const COPY_CHUNK = 64 * 1024;
async function copyChecked(file, destination) {
    const hash = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256');
    let size = 0;
    const input = await openListedFile(file);
    try {
        const output = await (0,promises_.open)(destination, 'wx', 0o644);
        try {
            for await (const chunk of listedFileChunks(file, input, COPY_CHUNK)) {
                hash.update(chunk);
                size += chunk.length;
                await output.write(chunk);
            }
        }
        finally {
            await output.close();
        }
    }
    finally {
        await closeListedFile(input);
    }
    if (size !== file.size) {
        const was = `${file.relativePath} had ${countOf(file.size, 'byte')}`;
        throw changedSinceListing(was, size > file.size ? 'larger' : 'smaller');
    }
    if (hash.digest('hex') !== file.sha256) {
        throw changedContents(file.relativePath);
    }
}
/** Hashes a file with SHA-256, streamed; returns the hex digest and size. */
async function hashFile(file) {
    const hash = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256');
    let size = 0;
    for await (const chunk of (0,external_node_fs_.createReadStream)(file)) {
        const buffer = chunk;
        hash.update(buffer);
        size += buffer.length;
    }
    return { size, sha256: hash.digest('hex') };
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/iso.js
var iso = __webpack_require__(64377);
;// CONCATENATED MODULE: ./src/bundle/manifest.ts



/**
 * The manifest format of a registry bundle. A bundle is a directory
 * holding `manifest.json`, `manifest.sha256` (the SHA-256 of the manifest's
 * bytes) and, for a local model directory, a copy of its files under
 * `model/`. Everything a later sync needs is in the manifest; credentials
 * never are. A deferred registration's bundle records its tracking URI
 * and the failure; a version of the local registry records its version
 * number instead.
 */
/** The manifest version this code writes and reads. */
const BUNDLE_SCHEMA_VERSION = 1;
/** The manifest's file name inside a bundle. */
const MANIFEST_FILE = 'manifest.json';
/** The file holding the SHA-256 of the manifest's bytes. */
const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';
/** The directory inside a bundle that contains the copied model files. */
const MODEL_DIRECTORY = 'model';
const relativePathSchema = schemas/* string */.YjP().superRefine((value, context) => {
    const problem = checkRelativePath(value);
    if (problem)
        context.addIssue({ code: 'custom', message: problem });
});
const sha256Schema = schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/);
const tagSchema = schemas/* strictObject */.rej({ key: schemas/* string */.YjP(), value: schemas/* string */.YjP() });
const diagnosisCodeSchema = schemas/* enum */.k5n(Object.keys(codes/* DIAGNOSIS_CODES */.F));
/** A bundle id: also the bundle's directory name, so no separators. */
const bundleIdSchema = schemas/* string */.YjP()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,159}$/);
const trackingUriSchema = schemas/* url */.OZ5().refine(value => {
    const url = new URL(value);
    return url.username === '' && url.password === '' && url.search === '';
}, { error: 'the tracking URI must carry no credentials and no query' });
const provenanceSchema = schemas/* strictObject */.rej({
    system: schemas/* enum */.k5n(['github-actions', 'gitlab-ci', 'jenkins', 'local']),
    repository: schemas/* string */.YjP().optional(),
    commit: schemas/* string */.YjP().optional(),
    ref: schemas/* string */.YjP().optional(),
    workflow: schemas/* string */.YjP().optional(),
    runId: schemas/* string */.YjP().optional(),
    runAttempt: schemas/* string */.YjP().optional(),
    runUrl: schemas/* string */.YjP().optional()
});
const registrationSchema = schemas/* strictObject */.rej({
    modelName: schemas/* string */.YjP().min(1),
    /** A model URI; absent when the model files are in the bundle. */
    source: schemas/* string */.YjP().min(1).optional(),
    /** The bundle directory holding the model files, relative. */
    modelDirectory: relativePathSchema.optional(),
    /** The MLflow run id named by a `runs:/` source. */
    runId: schemas/* string */.YjP().optional(),
    artifactPath: schemas/* string */.YjP().min(1),
    experimentName: schemas/* string */.YjP().min(1),
    description: schemas/* string */.YjP().optional(),
    tags: schemas/* array */.YOg(tagSchema),
    aliases: schemas/* array */.YOg(schemas/* string */.YjP()),
    /** The `require-metric` lines, checked again when the bundle syncs. */
    metricGates: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
    /** The `expected-alias-versions` entries, checked when it syncs. */
    aliasGuards: schemas/* array */.YOg(schemas/* string */.YjP()).default([]),
    idempotencyKey: schemas/* string */.YjP().min(1),
    /** The signing the deferred run asked for, which a sync must repeat. */
    signing: schemas/* enum */.k5n(['key', 'sigstore']).optional()
})
    .refine(value => (value.source === undefined) !== !value.modelDirectory, {
    error: 'exactly one of source and modelDirectory must be set'
});
const bundleFileSchema = schemas/* strictObject */.rej({
    path: relativePathSchema,
    size: schemas/* number */.aig().int().nonnegative(),
    sha256: sha256Schema
});
/** A version number as MLflow writes it: a positive integer in decimal. */
const versionNumberSchema = schemas/* string */.YjP().regex(/^[1-9][0-9]{0,15}$/);
/** The manifest of a registry bundle, as written to `manifest.json`. */
const manifestSchema = schemas/* strictObject */.rej({
    schemaVersion: schemas/* literal */.euz(BUNDLE_SCHEMA_VERSION),
    bundleId: bundleIdSchema,
    createdAt: iso/* datetime */.w$(),
    /**
     * The tracking server URL, without credentials; absent for a version of
     * the local registry, which may sync to any server.
     */
    trackingUri: trackingUriSchema.optional(),
    /** The version number in the local registry; absent in a deferral. */
    localVersion: versionNumberSchema.optional(),
    registration: registrationSchema,
    provenance: provenanceSchema,
    /** The version that was created before the failure, when one was. */
    createdVersion: schemas/* string */.YjP().optional(),
    /** The failure that deferred the registration; absent offline. */
    lastError: schemas/* strictObject */.rej({
        code: diagnosisCodeSchema,
        title: schemas/* string */.YjP()
    })
        .optional(),
    /** Every file of the bundle except the manifest and its checksum. */
    files: schemas/* array */.YOg(bundleFileSchema)
})
    .refine(value => (value.lastError === undefined) !== !value.localVersion, {
    error: 'exactly one of lastError and localVersion must be set'
})
    .refine(value => value.localVersion !== undefined || value.trackingUri, {
    error: 'a deferred registration must record its trackingUri'
});

;// CONCATENATED MODULE: ./src/bundle/write-bundle.ts












const write_bundle_RUNS_URI = /^runs:\/([^/]+)\//;
/**
 * Writes a registry bundle. It is built in a hidden staging directory and
 * renamed into place as a whole, so a sync never reads half a bundle, and
 * the staging directory is removed when any step fails.
 */
async function writeBundle(request) {
    const { config } = request;
    const bundleId = newBundleId(config.modelName, request.now);
    await (0,promises_.mkdir)(request.directory, { recursive: true });
    const staging = external_node_path_default().join(request.directory, `.partial-${bundleId}`);
    await (0,promises_.mkdir)(staging);
    try {
        const directory = config.modelPath
            ? await readModelDirectory(config.modelPath)
            : undefined;
        // A sync could never upload file names that the artifact proxy
        // refuses, so they never go into a bundle.
        const unityCatalog = request.unityCatalog ?? isThreePartName(config.modelName);
        if (directory && !unityCatalog)
            checkProxyFileNames(directory.files);
        const files = directory
            ? await copyModelFiles(directory, staging, MODEL_DIRECTORY)
            : [];
        const key = bundleKey(registrationKey(config, request.provenance, directory), config.forceNewVersion, bundleId);
        const manifest = buildManifest(request, bundleId, key, files);
        await writeManifest(staging, manifest, request.secrets);
        const final = external_node_path_default().join(request.directory, bundleId);
        await (0,promises_.rename)(staging, final);
        return {
            path: final,
            manifest,
            ...(directory ? { modelDigest: directoryDigest(directory) } : {})
        };
    }
    catch (error) {
        await (0,promises_.rm)(staging, { recursive: true, force: true });
        throw error;
    }
}
/**
 * With `force-new-version`, the run's key may already name an older
 * version, which a replay would adopt. The bundle then gets a key of its
 * own, so its replays stay idempotent among themselves.
 */
function bundleKey(key, forceNew, bundleId) {
    if (!forceNew)
        return key;
    // NOTE: a version created in the failed run itself carries the run's
    // key, so a forced registration that failed after its create is
    // registered a second time by the sync.
    return (0,node_crypto/* nodeCrypto */.S)()
        .createHash('sha256')
        .update(`${key}\0${bundleId}`)
        .digest('hex');
}
function buildManifest(request, bundleId, idempotencyKey, files) {
    const { config, diagnosis } = request;
    const runId = config.source ? write_bundle_RUNS_URI.exec(config.source)?.[1] : undefined;
    return manifestSchema.parse({
        schemaVersion: BUNDLE_SCHEMA_VERSION,
        bundleId,
        createdAt: request.now.toISOString(),
        ...(config.trackingUri
            ? { trackingUri: describeUrl(config.trackingUri) }
            : {}),
        ...(request.localVersion ? { localVersion: request.localVersion } : {}),
        registration: {
            modelName: config.modelName,
            ...(config.source
                ? { source: config.source }
                : { modelDirectory: MODEL_DIRECTORY }),
            ...(runId ? { runId } : {}),
            artifactPath: config.artifactPath,
            experimentName: config.experimentName,
            ...(config.description ? { description: config.description } : {}),
            tags: config.tags,
            aliases: config.aliases,
            metricGates: config.metricGates.map(gate => gate.text),
            aliasGuards: config.aliasGuards.map(guard => guard.text),
            idempotencyKey,
            ...(config.signing && config.signing.method !== 'none'
                ? { signing: config.signing.method }
                : {})
        },
        provenance: request.provenance,
        ...(request.createdVersion
            ? { createdVersion: request.createdVersion }
            : {}),
        ...(diagnosis
            ? { lastError: { code: diagnosis.code, title: diagnosis.title } }
            : {}),
        files
    });
}
async function writeManifest(staging, manifest, secrets) {
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    if (secrets.some(secret => secret !== '' && text.includes(secret))) {
        throw new Error('The bundle manifest would contain a value that is masked as a ' +
            'secret (in the model name, description, tags or aliases), so no ' +
            'bundle was written.');
    }
    const digest = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256').update(text).digest('hex');
    await writeFileAtomic(external_node_path_default().join(staging, MANIFEST_FILE), text);
    await writeFileAtomic(external_node_path_default().join(staging, MANIFEST_CHECKSUM_FILE), `${digest}  ${MANIFEST_FILE}\n`);
}
/** Builds a bundle id that sorts by time: `<UTC time>-<model>-<random>`. */
function newBundleId(modelName, now) {
    const time = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const slug = modelName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
    return `${time}-${slug}-${(0,node_crypto/* nodeCrypto */.S)().randomBytes(4).toString('hex')}`;
}

;// CONCATENATED MODULE: ./src/bundle/defer.ts









/**
 * Decides whether a failure defers the registration into a bundle: only
 * when the server stayed unavailable through the retry budget. Auth,
 * permission, TLS, base-path, validation and configuration failures never
 * clear up by waiting, so a bundle of them could never sync.
 */
function isDeferrable(diagnosis) {
    return codes/* AVAILABILITY_CODES */.J.has(diagnosis.code);
}
/**
 * Returns why this registration must not be deferred, or undefined when
 * it may be. A bundle records neither `verify-signature` nor
 * `digest-source`, and a sync replays it without them, so deferring such
 * a registration would register its source unchecked.
 */
function deferralBlocker(config) {
    if (config.signing.verifySignature) {
        return ("it must verify its source's signature (`verify-signature`), " +
            'and a sync does not verify it');
    }
    if (config.signing.digestSource) {
        return ("it must compute its source's model digest (`digest-source`), " +
            'and a sync does not compute it');
    }
    return undefined;
}
/**
 * Rewrites an availability diagnosis for a registration that was not
 * deferred: the code stays, and the detail explains why there is no bundle.
 */
function notDeferred(diagnosis, blocker) {
    return {
        ...diagnosis,
        detail: `${diagnosis.detail} The registration was not deferred, because ` +
            `${blocker}.`,
        fix: `${diagnosis.fix} Then run this registration again once the ` +
            'server is reachable.'
    };
}
/**
 * Registers the model version, and when the server is unavailable writes
 * a registry bundle instead (outcome `deferred`). With `on-unavailable:
 * fail` the step still fails after the bundle is written.
 */
async function registerOrDefer(step, result) {
    const { host, http, config } = step;
    const progress = {};
    const provenance = readProvenance(host.env);
    try {
        const context = {
            http,
            config,
            provenance,
            log: host.log,
            idTokens: jobIdTokens(host),
            progress
        };
        const registration = await registerModel(context);
        if (progress.preflight)
            result.preflight = progress.preflight;
        result.version = registration.version;
        result.outcome = registration.outcome;
        if (progress.comparison)
            result.comparison = progress.comparison;
        if (progress.modelDigest)
            result.modelDigest = progress.modelDigest;
    }
    catch (error) {
        if (progress.preflight)
            result.preflight = progress.preflight;
        if (progress.version)
            result.version ??= progress.version;
        if (progress.comparison)
            result.comparison = progress.comparison;
        if (progress.modelDigest)
            result.modelDigest = progress.modelDigest;
        const diagnosis = classifyFailure(error);
        if (!isDeferrable(diagnosis))
            throw error;
        const blocker = deferralBlocker(config);
        if (blocker) {
            throw new diagnosis_diagnosis/* DiagnosedError */.xB(notDeferred(diagnosis, blocker), {
                cause: error
            });
        }
        await deferRegistration(step, provenance, diagnosis, result);
        if (config.bundle.onUnavailable === 'fail') {
            throw new diagnosis_diagnosis/* DiagnosedError */.xB(diagnosis, { cause: error });
        }
    }
    // The attestation comes after the registration succeeded, outside the
    // deferral above: a failed attestation must not write a bundle.
    const registered = result.outcome === 'registered' || result.outcome === 'reused';
    if (config.attest && registered && result.version) {
        await attestVersion(step, result.version, progress.modelDigest, result);
    }
    else if (config.attest && result.outcome === 'deferred') {
        host.log.warning('The registration was deferred, so the model is not attested; a ' +
            'sync registers it without an attestation.', { title: 'Attestation skipped' });
    }
}
async function deferRegistration(step, provenance, diagnosis, result) {
    const { host, config } = step;
    const directory = resolveBundleDir(config.bundle.directory, host.env);
    let bundle;
    try {
        bundle = await writeBundle({
            directory,
            config,
            provenance,
            diagnosis,
            createdVersion: result.version?.version,
            unityCatalog: step.http.isUnityCatalog,
            secrets: step.secrets,
            now: new Date()
        });
    }
    catch (writeError) {
        // An invalid input, such as a model with file names the artifact
        // proxy refuses, would fail in the same way once the server is back,
        // so that is the failure to report. A file that could not be read
        // for now, as at a limit of the machine, is not such an input.
        if (writeError instanceof diagnosis_diagnosis/* DiagnosedError */.xB &&
            writeError.diagnosis.invalidSetting !== undefined) {
            host.log.warning(`${diagnosis.detail} The registration was not deferred, because ` +
                'the model directory is not valid as given; see the error below.', { title: `Registration not deferred: ${diagnosis.code}` });
            throw writeError;
        }
        host.log.error(`The registration could not be deferred: writing the bundle to ` +
            `${directory} failed: ${describeWriteError(writeError)}`, { title: 'Registry bundle not written' });
        throw new diagnosis_diagnosis/* DiagnosedError */.xB(diagnosis, { cause: writeError });
    }
    result.outcome = 'deferred';
    result.diagnosis = diagnosis;
    result.bundle = { path: bundle.path };
    // A registration that hashes its large files during the upload has no
    // digest yet when the upload fails; the bundle's copy has one.
    if (bundle.modelDigest)
        result.modelDigest ??= bundle.modelDigest;
    host.log.warning(`${diagnosis.detail} The registration of '${config.modelName}' is ` +
        `deferred: its registry bundle is at ${bundle.path}. A sync ` +
        '(`mode: sync`) registers it once the server is back.' +
        (diagnosis.code === 'UNREACHABLE'
            ? ' If the server should be up, check the host and port in ' +
                '`tracking-uri`: a sync registers the bundle only on the ' +
                'tracking URI it was written for.'
            : ''), { title: `Registration deferred: ${diagnosis.code}` });
    if (host.bundleStore) {
        const stored = await host.bundleStore.upload(bundle, host.log);
        result.bundle = { path: bundle.path, ...stored };
    }
}
/** Returns the job's ID token source, which masks each token on receipt. */
function jobIdTokens(host) {
    return {
        requestIdToken: requestIdToken,
        setSecret: value => {
            host.setSecret(value);
        }
    };
}
/**
 * Describes why a bundle could not be written: a diagnosed error by its
 * detail and fix, since its message repeats the input in its title.
 */
function describeWriteError(error) {
    if (!(error instanceof diagnosis_diagnosis/* DiagnosedError */.xB)) {
        return error instanceof Error ? error.message : String(error);
    }
    const { detail, fix } = error.diagnosis;
    return `${detail}${/[.!?]$/.test(detail) ? '' : '.'} ${fix}`;
}

;// CONCATENATED MODULE: ./src/sync/bundle-lock.ts


/** A lock older than this is taken to belong to a sync that died. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/**
 * Takes the lock of one bundle (`<bundle>.lock` beside it, created with
 * O_EXCL), so two syncs on one directory never replay the same bundle at
 * once. Returns a release function, or undefined when another live sync
 * holds the lock. A lock left by a process that is gone, or older than
 * six hours, is broken.
 */
async function lockBundle(bundlePath, now = Date.now) {
    const file = `${bundlePath}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            const handle = await (0,promises_.open)(file, 'wx', 0o644);
            const record = {
                pid: process.pid,
                host: (0,external_node_os_.hostname)(),
                time: now()
            };
            await handle.writeFile(JSON.stringify(record));
            await handle.close();
            return () => (0,promises_.rm)(file, { force: true });
        }
        catch (error) {
            if (error.code !== 'EEXIST')
                throw error;
            if (!(await isStale(file, now())))
                return undefined;
            await (0,promises_.rm)(file, { force: true });
        }
    }
    return undefined;
}
async function isStale(file, now) {
    let record;
    try {
        record = JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch {
        // A lock being written right now has no content yet.
        return false;
    }
    if (typeof record.time === 'number' && now - record.time > STALE_AFTER_MS) {
        return true;
    }
    if (record.host !== (0,external_node_os_.hostname)() || typeof record.pid !== 'number') {
        return false;
    }
    return !isAlive(record.pid);
}
function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}

;// CONCATENATED MODULE: ./src/sync/find-bundles.ts



/**
 * Lists the pending bundles in a bundle directory, oldest first (bundle
 * ids start with their UTC time). Staging directories (`.partial-*`),
 * lock files and anything else that is not a bundle id are left out; a
 * missing directory has no bundles.
 */
async function listPendingBundles(directory) {
    let entries;
    try {
        entries = await (0,promises_.readdir)(directory, { withFileTypes: true });
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return [];
        throw error;
    }
    return entries
        .filter(entry => entry.isDirectory())
        .map(entry => entry.name)
        .filter(name => bundleIdSchema.safeParse(name).success)
        .sort()
        .map(name => external_node_path_default().join(directory, name));
}

;// CONCATENATED MODULE: ./src/bundle/read-bundle.ts







/**
 * Reads and verifies a bundle: the manifest's SHA-256, its schema, that
 * the directory contains exactly the listed files (no links, nothing extra,
 * nothing missing) and each file's size and SHA-256. Throws a
 * `BUNDLE_INVALID` diagnosis naming the first problem found.
 */
async function readBundle(directory) {
    await expectKind(directory, '', 'directory');
    const text = await readManifestText(directory);
    const manifest = parseManifest(directory, text);
    await checkListedFiles(directory, manifest);
    return { path: directory, manifest };
}
async function readManifestText(directory) {
    await expectKind(directory, MANIFEST_FILE, 'file');
    await expectKind(directory, MANIFEST_CHECKSUM_FILE, 'file');
    const bytes = await (0,promises_.readFile)(external_node_path_default().join(directory, MANIFEST_FILE));
    const recorded = (await (0,promises_.readFile)(external_node_path_default().join(directory, MANIFEST_CHECKSUM_FILE), 'utf8')).split(/\s/)[0];
    const actual = (0,node_crypto/* nodeCrypto */.S)().createHash('sha256').update(bytes).digest('hex');
    if (recorded !== actual) {
        throw invalidBundle(directory, `${MANIFEST_FILE} does not match its recorded SHA-256 ` +
            `(${MANIFEST_CHECKSUM_FILE}): it was changed or damaged after the ` +
            'bundle was written.');
    }
    return bytes.toString('utf8');
}
function parseManifest(directory, text) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        throw invalidBundle(directory, `${MANIFEST_FILE} is not valid JSON.`);
    }
    const version = json?.schemaVersion;
    if (version !== BUNDLE_SCHEMA_VERSION) {
        throw invalidBundle(directory, `the manifest has schemaVersion ${JSON.stringify(version)}, but this ` +
            `version of mlflow-register reads ${BUNDLE_SCHEMA_VERSION}.`, 'Sync it with the version of mlflow-register that wrote it.');
    }
    const result = manifestSchema.safeParse(json);
    if (!result.success) {
        throw invalidBundle(directory, `the manifest is invalid: ${result.error.issues
            .map(issue => `${issue.path.join('.')}: ${issue.message}`)
            .join('; ')}`);
    }
    return result.data;
}
async function checkListedFiles(directory, manifest) {
    const present = await read_bundle_listFiles(directory, '');
    const listed = new Map(manifest.files.map(file => [file.path, file]));
    for (const relative of present) {
        if (relative === MANIFEST_FILE || relative === MANIFEST_CHECKSUM_FILE) {
            continue;
        }
        if (!listed.has(relative)) {
            throw invalidBundle(directory, `${relative} is not in the manifest.`);
        }
    }
    for (const file of manifest.files) {
        const absolute = resolveInside(directory, file.path);
        if (!present.has(file.path)) {
            throw invalidBundle(directory, `${file.path} is missing.`);
        }
        const actual = await hashFile(absolute);
        if (actual.size !== file.size || actual.sha256 !== file.sha256) {
            throw invalidBundle(directory, `${file.path} does not match its SHA-256 in the manifest: it was ` +
                'changed or damaged after the bundle was written.');
        }
    }
}
/** Lists every regular file below a directory; rejects any other kind. */
async function read_bundle_listFiles(root, relative) {
    const files = new Set();
    const entries = await (0,promises_.readdir)(external_node_path_default().join(root, relative), {
        withFileTypes: true
    });
    for (const entry of entries) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
            for (const file of await read_bundle_listFiles(root, child))
                files.add(file);
        }
        else if (entry.isFile()) {
            files.add(child);
        }
        else {
            throw invalidBundle(root, `${child} is ${describeEntry(entry.isSymbolicLink())}; ` +
                'a bundle contains regular files only.');
        }
    }
    return files;
}
function describeEntry(isLink) {
    return isLink ? 'a symbolic link' : 'not a regular file';
}
async function expectKind(root, relative, kind) {
    const target = relative ? external_node_path_default().join(root, relative) : root;
    const info = await (0,promises_.lstat)(target).catch(() => undefined);
    const matches = kind === 'file' ? info?.isFile() : info?.isDirectory();
    if (matches)
        return;
    const what = relative || 'the bundle';
    throw invalidBundle(root, info?.isSymbolicLink()
        ? `${what} is a symbolic link; a bundle contains no links.`
        : `${what} is ${info ? `not a ${kind}` : 'missing'}.`);
}
/** Builds the `BUNDLE_INVALID` error for one bundle. */
function invalidBundle(directory, problem, fix = 'Nothing of this bundle was registered. Delete it, and run the ' +
    'registration again from the original model.') {
    return new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('BUNDLE_INVALID', `Bundle ${external_node_path_default().basename(directory)} failed verification: ${problem}`, fix, {}, `Bundle ${external_node_path_default().basename(directory)} is invalid`));
}

;// CONCATENATED MODULE: ./src/bundle/sync-record.ts



/**
 * The sync record of a local version: the server version per tracking
 * URI. It is
 * kept in `<bundle>.synced.json` beside the bundle, and not inside it,
 * because a bundle's files are fixed by its manifest's checksums.
 */
const syncRecordSchema = schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* strictObject */.rej({ version: schemas/* string */.YjP(), syncedAt: iso/* datetime */.w$() }));
function recordFile(bundlePath) {
    return `${bundlePath}.synced.json`;
}
/**
 * Reads a local version's sync record; a missing or unreadable record
 * is empty, so the version is synced again, which the idempotency key
 * makes harmless.
 */
async function readSyncRecord(bundlePath) {
    let text;
    try {
        text = await (0,promises_.readFile)(recordFile(bundlePath), 'utf8');
    }
    catch {
        return {};
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        return {};
    }
    const parsed = syncRecordSchema.safeParse(json);
    return parsed.success ? parsed.data : {};
}
/** Records that a local version is registered on a server as `version`. */
async function recordSync(bundlePath, trackingUri, version, now) {
    const record = await readSyncRecord(bundlePath);
    record[trackingUri] = { version, syncedAt: now.toISOString() };
    await writeFileAtomic(recordFile(bundlePath), `${JSON.stringify(record, null, 2)}\n`);
}

;// CONCATENATED MODULE: ./src/bundle/local-registry.ts








/**
 * Reads and verifies every version in the local registry; a missing
 * directory is an empty registry. An alias points to the highest version
 * of its model that was registered with it, as in MLflow, where setting
 * an alias moves it off the older version.
 */
async function readLocalRegistry(directory) {
    const found = [];
    const invalid = [];
    for (const bundlePath of await listPendingBundles(directory)) {
        try {
            const bundle = await readBundle(bundlePath);
            const { localVersion, registration } = bundle.manifest;
            if (localVersion === undefined) {
                throw new Error('it is a deferred registration, not a local version');
            }
            found.push({
                bundle,
                modelName: registration.modelName,
                version: localVersion,
                synced: await readSyncRecord(bundlePath)
            });
        }
        catch (error) {
            const claimed = await readClaimedVersion(bundlePath);
            invalid.push({
                bundle: external_node_path_default().basename(bundlePath),
                problem: describeProblem(error),
                ...(claimed ? { claimed } : {})
            });
        }
    }
    found.sort((a, b) => a.modelName.localeCompare(b.modelName) ||
        Number(a.version) - Number(b.version));
    return { directory, versions: assignAliases(found), invalid };
}
function assignAliases(versions) {
    const owners = new Map();
    for (const entry of versions) {
        for (const alias of entry.bundle.manifest.registration.aliases) {
            // Sorted by version, so a later version takes the alias.
            owners.set(`${entry.modelName}\0${alias}`, entry);
        }
    }
    return versions.map(entry => ({
        ...entry,
        aliases: entry.bundle.manifest.registration.aliases.filter(alias => owners.get(`${entry.modelName}\0${alias}`) === entry)
    }));
}
/** Returns the next version number of a model in the local registry. */
function nextLocalVersion(registry, modelName) {
    let highest = 0;
    for (const entry of registry.versions) {
        if (entry.modelName === modelName) {
            highest = Math.max(highest, Number(entry.version));
        }
    }
    return String(highest + 1);
}
const claimedVersionSchema = schemas/* object */.Ikc({
    registration: schemas/* object */.Ikc({ modelName: schemas/* string */.YjP() }),
    localVersion: schemas/* string */.YjP()
});
/**
 * Reads the model name and version from the manifest of a bundle that
 * failed verification, so that `show <model>/<version>` can report it.
 * Returns undefined when the manifest is missing or not in that shape.
 */
async function readClaimedVersion(bundlePath) {
    try {
        const text = await (0,promises_.readFile)(external_node_path_default().join(bundlePath, MANIFEST_FILE), 'utf8');
        const parsed = claimedVersionSchema.safeParse(JSON.parse(text));
        if (!parsed.success)
            return undefined;
        return {
            modelName: parsed.data.registration.modelName,
            version: parsed.data.localVersion
        };
    }
    catch {
        return undefined;
    }
}
function describeProblem(error) {
    if (error instanceof diagnosis_diagnosis/* DiagnosedError */.xB)
        return error.diagnosis.detail;
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/bundle/register-locally.ts












/** How long an offline registration waits for another one's lock. */
const LOCK_WAIT_MS = 10_000;
/**
 * Registers the model version in the local registry and sends no
 * request. A version with this run's idempotency key is reused, as on a
 * server, so a re-run creates no second version. Otherwise the new
 * version gets the model's next number.
 */
async function registerLocally(host, config, secrets, result) {
    const { registryDir } = config.offline;
    logOfflineDecision(host.log, config);
    const provenance = readProvenance(host.env);
    const directory = config.modelPath
        ? await readModelDirectory(config.modelPath)
        : undefined;
    // Checked before the registry is touched; only a three-part name may go
    // to Unity Catalog, whose storage takes any file name.
    if (directory && !isThreePartName(config.modelName)) {
        checkProxyFileNames(directory.files);
    }
    const key = registrationKey(config, provenance, directory);
    const release = await lockRegistry(registryDir);
    try {
        const registry = await readLocalRegistry(registryDir);
        warnInvalid(host.log, registry);
        const existing = config.forceNewVersion
            ? undefined
            : findByKey(registry, config.modelName, key);
        if (existing) {
            reportReused(host.log, existing, result);
            return;
        }
        const bundle = await writeBundle({
            directory: registryDir,
            config,
            provenance,
            localVersion: nextLocalVersion(registry, config.modelName),
            secrets,
            now: new Date()
        });
        const version = bundle.manifest.localVersion ?? '';
        result.outcome = 'registered-locally';
        result.local = { version, path: bundle.path };
        host.log.info(`Registered version ${version} of '${config.modelName}' in the ` +
            `local registry: ${bundle.path}`);
    }
    finally {
        await release();
    }
    logNextStep(host.log, config);
}
function logOfflineDecision(log, config) {
    const { registryDir, reason } = config.offline;
    if (reason === 'no-tracking-uri') {
        log.warning('Neither `tracking-uri` nor MLFLOW_TRACKING_URI is set, so this ' +
            'run registers offline into the local registry at ' +
            `${registryDir}. Set \`tracking-uri\` ` +
            'to register on a server, `offline: true` to register offline ' +
            'without this warning, or `offline: false` to fail instead.', { title: 'Offline: no tracking server configured' });
        return;
    }
    const origin = config.origins.get('offline') ?? 'input';
    const label = settingLabel('offline', { value: 'true', origin });
    log.info(`Offline (${label} is true): registering into the local registry at ` +
        `${registryDir}; no request is sent to any server.`);
}
function logNextStep(log, config) {
    if (config.metricGates.length > 0) {
        log.info('The `require-metric` conditions are checked when this version is ' +
            "synced, because the run's metrics are on the server.");
    }
    log.info('A sync (`mode: sync`) with `tracking-uri` set registers the local ' +
        'registry on a server.');
}
function findByKey(registry, modelName, key) {
    return registry.versions.find(entry => entry.modelName === modelName &&
        entry.bundle.manifest.registration.idempotencyKey === key);
}
function reportReused(log, existing, result) {
    // NOTE: a local version is fixed by its checksums, so unlike a reuse on
    // a server, a reuse here does not apply a changed description or tags.
    log.info(`Version ${existing.version} of '${existing.modelName}' in the local ` +
        'registry was already registered by this run (same idempotency ' +
        `key); reusing it: ${existing.bundle.path}`);
    result.outcome = 'reused';
    result.local = { version: existing.version, path: existing.bundle.path };
}
function warnInvalid(log, registry) {
    for (const entry of registry.invalid) {
        log.warning(`${external_node_path_default().join(registry.directory, entry.bundle)} is not a valid ` +
            `local version and is ignored: ${entry.problem}`, { title: 'Invalid entry in the local registry' });
    }
}
/**
 * Takes the local registry's lock, so two offline registrations never
 * give out the same version number. Waits up to ten seconds for another
 * registration to finish.
 */
async function lockRegistry(directory) {
    await (0,promises_.mkdir)(directory, { recursive: true });
    const lockTarget = external_node_path_default().join(directory, '.registry');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
        const release = await lockBundle(lockTarget);
        if (release)
            return release;
        if (Date.now() > deadline) {
            throw new Error(`The local registry at ${directory} is locked by another ` +
                `registration (${lockTarget}.lock). Wait for it to finish, or ` +
                'delete the lock file if no other mlflow-register is running.');
        }
        await (0,external_node_timers_promises_.setTimeout)(100);
    }
}

;// CONCATENATED MODULE: ./src/github/outputs.ts

/** The link to a version's page in the MLflow UI. */
function modelVersionUrl(trackingUri, version) {
    const base = describeUrl(trackingUri).replace(/\/+$/, '');
    // Parentheses are encoded too, because a `)` would end the link in the
    // job summary's Markdown.
    const name = encodeComponentStrict(version.name);
    return `${base}/#/models/${name}/versions/${version.version}`;
}
/** Returns the URL of the server whose UI shows the registry. */
function registryUrl(config) {
    const { registry } = config;
    if (registry.kind === 'server')
        return registry.url;
    if (registry.kind === 'unity-catalog' || registry.kind === 'workspace') {
        return registry.workspace?.host ?? config.trackingUri;
    }
    return config.trackingUri;
}
/** Returns the action's outputs for a result; unknown values are empty. */
function collectOutputs(result) {
    const { config, version } = result;
    const modelName = config?.modelName ?? result.offline?.modelName;
    return {
        outcome: result.outcome,
        'model-name': version?.name ?? modelName ?? '',
        'model-version': version?.version ?? result.local?.version ?? '',
        'model-uri': version ? `models:/${version.name}/${version.version}` : '',
        'model-url': version && config ? modelVersionUrl(registryUrl(config), version) : '',
        'auth-mode': result.auth?.provider.mode ?? '',
        comparison: result.comparison ? JSON.stringify(result.comparison) : '',
        diagnosis: result.diagnosis?.code ?? '',
        'bundle-path': result.bundle?.path ?? result.local?.path ?? '',
        'bundle-artifact': result.bundle?.artifact ?? '',
        'bundle-key': result.bundle?.cacheKey ?? '',
        'sync-report': result.sync ? syncReportJson(result.sync) : '',
        'planned-calls': result.plan ? JSON.stringify(result.plan.calls) : '',
        'report-path': result.reportPath ?? '',
        'attestation-url': result.attestation?.url ?? '',
        'model-digest': result.modelDigest ?? ''
    };
}
/**
 * Lists where the connection and auth settings came from, as
 * `name: origin`. Values are left out, because some are secrets.
 */
function describeSettings(config) {
    const shown = [
        'tracking-uri',
        'registry-uri',
        'databricks-profile',
        'databricks-config-file',
        'databricks-host',
        'databricks-token',
        'databricks-client-id',
        'databricks-client-secret',
        'auth-mode',
        'username',
        'password',
        'token',
        'token-header',
        'token-endpoint',
        'client-id',
        'client-secret',
        'oidc-audience',
        'oidc-exchange',
        'ca-cert',
        'client-cert',
        'client-key',
        'insecure-tls',
        'extra-headers'
    ];
    return shown.flatMap(name => {
        const origin = config.origins.get(name);
        return origin ? [`${name}: ${origin}`] : [];
    });
}
/** Counts a sync's bundles by status, as `2 synced, 1 failed`. */
function countSyncEntries(report) {
    const counts = new Map();
    for (const entry of report.entries) {
        const label = entry.status.replace('-', ' ');
        counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    if (counts.size === 0)
        return 'none pending';
    return [...counts].map(([label, count]) => `${count} ${label}`).join(', ');
}
/** Serializes the `sync-report` output: one object per bundle. */
function syncReportJson(report) {
    return JSON.stringify(report.entries.map(entry => ({
        bundle: entry.bundle,
        model: entry.modelName ?? null,
        status: entry.status,
        version: entry.version ?? null,
        diagnosis: entry.diagnosis?.code ?? null
    })));
}
/** Sets every output, so later steps can rely on each one existing. */
function writeOutputs(host, result) {
    for (const [name, value] of Object.entries(collectOutputs(result))) {
        host.setOutput(name, value);
    }
}
/** Builds the job summary's content from a result. */
function summarize(result) {
    const { config, auth, preflight, version } = result;
    const outputs = collectOutputs(result);
    return {
        mode: config?.mode ?? 'register',
        trackingUri: config ? describeUrl(config.trackingUri) : '',
        ...(result.offline
            ? { localRegistry: result.offline.offline.registryDir }
            : {}),
        modelName: outputs['model-name'],
        outcome: result.outcome,
        ...(auth ? { authMode: auth.provider.mode, authReason: auth.reason } : {}),
        ignored: auth?.ignored ?? [],
        settings: config ? describeSettings(config) : [],
        ...(preflight?.serverVersion
            ? { serverVersion: preflight.serverVersion }
            : {}),
        ...(preflight?.identity ? { identity: preflight.identity } : {}),
        ...(preflight?.requestCount === undefined
            ? {}
            : { requestCount: preflight.requestCount }),
        ...(version
            ? { version: version.version, modelUrl: outputs['model-url'] }
            : {}),
        ...(result.local ? { version: result.local.version } : {}),
        ...(version?.source ? { source: version.source } : {}),
        ...(result.modelDigest ? { modelDigest: result.modelDigest } : {}),
        aliases: version || result.local
            ? (config?.aliases ?? result.offline?.aliases ?? [])
            : [],
        ...(result.comparison ? { comparison: result.comparison } : {}),
        ...(result.bundle ? { bundlePath: result.bundle.path } : {}),
        ...(result.local ? { localVersionPath: result.local.path } : {}),
        ...(result.sync ? { syncCounts: countSyncEntries(result.sync) } : {}),
        ...(result.plan ? { plannedCalls: result.plan.calls } : {}),
        checks: preflight?.passed ?? [],
        notVerified: preflight?.notVerified ?? [],
        ...(result.diagnosis ? { diagnosis: result.diagnosis } : {})
    };
}

;// CONCATENATED MODULE: ./src/release/render.ts
/**
 * The maximum number of rows in one summary table, so the job summary
 * stays readable with hundreds of metrics. The `comparison` output keeps
 * every row.
 */
const MAX_TABLE_ROWS = 25;
const CHANGE_MARKS = {
    better: '✅ better',
    worse: '⚠️ worse',
    same: 'same',
    changed: 'changed',
    added: 'new',
    removed: 'removed'
};
/**
 * Renders the release comparison as Markdown for the job summary. The
 * candidate's column is labelled `reused` when this run found the
 * version registered already, and `new` otherwise.
 */
function renderComparison(comparison, reused = false) {
    const { baseline, candidate } = comparison;
    const oldLabel = baseline
        ? `Version ${baseline.version} ('${comparison.alias}' now)`
        : undefined;
    const newLabel = `Version ${candidate.version} ` + (reused ? '(reused)' : '(new)');
    return [
        `#### Release: '${comparison.alias}'`,
        '',
        comparison.verdict,
        '',
        ...versionTable(candidate, baseline, newLabel, oldLabel),
        ...section(gateTable(comparison.gates)),
        ...section(metricTable(comparison, newLabel, oldLabel)),
        ...section(valueTable('Param', comparison.params, newLabel, oldLabel)),
        ...section(valueTable('Tag', comparison.tags, newLabel, oldLabel))
    ];
}
function section(lines) {
    return lines.length > 0 ? ['', ...lines] : [];
}
function versionTable(candidate, baseline, newLabel, oldLabel) {
    const columns = baseline ? [baseline, candidate] : [candidate];
    const header = oldLabel ? ['', oldLabel, newLabel] : ['', newLabel];
    const facts = [
        ['Registered', registered],
        ['Source run', sourceRunCell],
        ['Commit', commitCell],
        ['Workflow run', v => (v.runUrl ? `[run](${v.runUrl})` : undefined)],
        ['Flavors', v => v.flavors?.join(', ') ?? v.modelNote],
        ['Size', v => (v.sizeBytes === undefined ? undefined : size(v.sizeBytes))]
    ];
    const rows = facts
        .map(([label, read]) => [label, ...columns.map(v => read(v) ?? '')])
        .filter(([, ...cells]) => cells.some(cell => cell !== ''));
    return table(header, rows);
}
function registered(version) {
    if (!version.createdAt)
        return undefined;
    const when = version.createdAt.replace('T', ' ').replace(/:\d\d\.\d+Z$/, '');
    return version.creator ? `${when} UTC by ${version.creator}` : `${when} UTC`;
}
function sourceRunCell(version) {
    const run = version.runId ? code(version.runId) : undefined;
    if (run && version.runNote)
        return `${run} (${version.runNote})`;
    return run ?? version.runNote;
}
function commitCell(version) {
    const { commit, repository, runUrl } = version;
    if (!commit)
        return undefined;
    const short = code(commit.slice(0, 7));
    // A GitHub run URL gives the server, so GitHub Enterprise links work too.
    const server = runUrl?.match(/^(https?:\/\/[^/]+)\/[^/]+\/[^/]+\/actions/);
    if (!server?.[1] || !repository)
        return short;
    return `[${short}](${server[1]}/${repository}/commit/${commit})`;
}
function gateTable(gates) {
    const rows = gates.map(gate => [
        code(gate.gate),
        `${gate.passed ? '✅ passed' : '❌ failed'}: ${gate.reason}`
    ]);
    return rows.length > 0 ? table(['Gate', 'Result'], rows) : [];
}
function metricTable(comparison, newLabel, oldLabel) {
    const gated = new Set(comparison.gates.map(gate => gate.metric));
    const ordered = [...comparison.metrics].sort((a, b) => render_rank(a, gated) - render_rank(b, gated));
    const shown = ordered.slice(0, MAX_TABLE_ROWS);
    const rows = shown.map(metric => oldLabel
        ? [
            metric.key,
            number(metric.baseline),
            number(metric.candidate),
            changeCell(metric)
        ]
        : [metric.key, number(metric.candidate)]);
    const header = oldLabel
        ? ['Metric', oldLabel, newLabel, 'Change']
        : ['Metric', newLabel];
    return [...table(header, rows), ...more(ordered.length, 'metrics')];
}
// Gated metrics first, then regressions, then other changes, then added
// and removed metrics, then unchanged ones. The sort is stable, so each
// group stays in name order.
const CHANGE_RANKS = {
    worse: 1,
    better: 2,
    changed: 2,
    added: 3,
    removed: 3,
    same: 4
};
function render_rank(metric, gated) {
    return gated.has(metric.key) ? 0 : CHANGE_RANKS[metric.change];
}
function changeCell(metric) {
    const mark = CHANGE_MARKS[metric.change] ?? metric.change;
    if (metric.delta === undefined)
        return mark;
    const sign = metric.delta > 0 ? '+' : '';
    return `${sign}${number(metric.delta)} ${mark}`;
}
function valueTable(noun, changes, newLabel, oldLabel) {
    if (changes.length === 0 || !oldLabel)
        return [];
    const rows = changes
        .slice(0, MAX_TABLE_ROWS)
        .map(change => [
        code(change.key),
        plainText(change.baseline),
        plainText(change.candidate),
        change.change
    ]);
    return [
        ...table([noun, oldLabel, newLabel, 'Change'], rows),
        ...more(changes.length, `${noun.toLowerCase()}s`)
    ];
}
function more(total, noun) {
    if (total <= MAX_TABLE_ROWS)
        return [];
    return [
        '',
        `${total - MAX_TABLE_ROWS} more ${noun} are in the \`comparison\` output.`
    ];
}
function table(header, rows) {
    if (rows.length === 0)
        return [];
    const line = (cells) => `| ${cells.map(escapeCell).join(' | ')} |`;
    return [
        line(header),
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map(line)
    ];
}
function escapeCell(value) {
    return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
// Param and tag values come from users' runs, so HTML in them is shown as
// text rather than rendered by the job summary. Code spans need no such
// escaping, and entities would show literally inside them.
function plainText(value) {
    return (value ?? '')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
function code(value) {
    return `\`${value.replace(/`/g, "'")}\``;
}
function number(value) {
    if (value === undefined)
        return '';
    return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6));
}
function size(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    const units = ['KiB', 'MiB', 'GiB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
}

;// CONCATENATED MODULE: ./src/github/summary.ts

const OUTCOME_ICONS = {
    registered: '✅',
    reused: '♻️',
    checked: '✅',
    deferred: '⏸️',
    'registered-locally': '📁',
    synced: '✅',
    'dry-run': '📝',
    verified: '✅',
    failed: '❌'
};
/** Renders the job summary as GitHub-flavoured Markdown. */
function renderSummary(summary) {
    const icon = OUTCOME_ICONS[summary.outcome] ?? '';
    const rows = [
        row('Tracking server', summary.trackingUri),
        row('Local registry', summary.localRegistry),
        row('Registered model', summary.modelName),
        row('Version', versionCell(summary)),
        row('Source', summary.source),
        row('Model digest', summary.modelDigest),
        row('Aliases', summary.aliases.join(', ')),
        row('Registry bundle', summary.bundlePath),
        row('Local version', summary.localVersionPath),
        row('Bundles', summary.syncCounts),
        row('Auth mode', summary.authMode),
        row('Auth decision', summary.authReason),
        row('Ignored settings', summary.ignored.join('; ')),
        row('Settings from', summary.settings?.join('; ')),
        row('Server version', summary.serverVersion),
        row('Authenticated as', summary.identity),
        row('Checks passed', summary.checks.join('; ')),
        row('Not verified', summary.notVerified.join('; ')),
        row('Preflight requests', summary.requestCount?.toString())
    ].filter(line => line !== undefined);
    // When the configuration is invalid none of these values is known, and
    // a table without rows would render as an empty box.
    const lines = [`### ${icon} MLflow ${summary.mode}: ${summary.outcome}`];
    if (rows.length > 0)
        lines.push('', '| | |', '| --- | --- |', ...rows);
    if (summary.plannedCalls) {
        lines.push('', ...renderPlannedCalls(summary.plannedCalls));
    }
    if (summary.comparison) {
        const reused = summary.outcome === 'reused';
        lines.push('', ...renderComparison(summary.comparison, reused));
    }
    if (summary.diagnosis)
        lines.push('', ...renderDiagnosis(summary.diagnosis));
    return `${lines.join('\n')}\n`;
}
function versionCell(summary) {
    if (!summary.version)
        return undefined;
    return summary.modelUrl
        ? `[${summary.version}](${summary.modelUrl})`
        : summary.version;
}
function row(label, value) {
    return value ? `| ${label} | ${summary_escapeCell(value)} |` : undefined;
}
function summary_escapeCell(value) {
    return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
/** Renders a dry run's planned writes as a Markdown list of JSON. */
function renderPlannedCalls(calls) {
    if (calls.length === 0)
        return ['#### Planned writes', '', 'None.'];
    return [
        '#### Planned writes',
        '',
        ...calls.flatMap((call, index) => [
            `${index + 1}. ${call.operation}: \`${call.method} ${call.path}\``,
            ...(call.body === undefined
                ? []
                : ['', '   ```json', `   ${JSON.stringify(call.body)}`, '   ```'])
        ])
    ];
}
/** Renders a diagnosis as Markdown: code, detail, fix and evidence. */
function renderDiagnosis(diagnosis) {
    const evidence = Object.entries(diagnosis.evidence).map(([key, value]) => `| ${key} | ${summary_escapeCell(String(value))} |`);
    return [
        `#### \`${diagnosis.code}\`: ${diagnosis.title}`,
        '',
        diagnosis.detail,
        '',
        `**Fix:** ${diagnosis.fix}`,
        ...(evidence.length > 0
            ? ['', '| Evidence | |', '| --- | --- |', ...evidence]
            : [])
    ];
}

;// CONCATENATED MODULE: ./src/github/redact.ts
/** Credentials in URLs: `scheme://user:password@host`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
/**
 * Tokens in an `Authorization`-style value. A challenge such as
 * `Basic realm="mlflow"` is kept, because it contains no credential. A
 * word of lowercase letters only is kept too, as in "the Basic
 * credentials for user 'ci-bot'", because a configured token is removed
 * as a known secret anyway.
 */
const SCHEME_TOKEN = /\b(Bearer|Basic|Token)\s+(?!realm=)(?![a-z]+(?![\w.~+/=-]))[\w.~+/=-]{8,}/g;
/** Query parameters that commonly carry a credential or a signature. */
const SECRET_PARAMETERS = [
    'access_token',
    'id_token',
    'token',
    'code',
    'key',
    'sig',
    'signature',
    'x-amz-signature',
    'x-amz-credential',
    'x-amz-security-token'
];
const SECRET_QUERY = new RegExp(String.raw `([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&\s#)]+`, 'gi');
const REDACTED = '***';
/**
 * Removes credentials from text meant for people outside the job: every
 * known secret, credentials in URLs, bearer and basic tokens, and
 * credential query parameters. Longer secrets go first, so a secret that
 * contains another is removed whole.
 */
function redactText(text, secrets) {
    let redacted = text;
    const known = [...new Set(secrets)]
        .filter(secret => secret.length >= 4)
        .sort((a, b) => b.length - a.length);
    for (const secret of known) {
        for (const form of [secret, encodeURIComponent(secret)]) {
            redacted = redacted.split(form).join(REDACTED);
        }
    }
    return redacted
        .replace(URL_USERINFO, `$1${REDACTED}@`)
        .replace(SCHEME_TOKEN, `$1 ${REDACTED}`)
        .replace(SECRET_QUERY, `$1${REDACTED}`);
}

;// CONCATENATED MODULE: ./src/github/preflight-report.ts





/**
 * Returns the report file's path: the `report-path` input, else a file
 * under RUNNER_TEMP on a runner, else `.mlflow-register` in the
 * workspace.
 */
function resolveReportPath(reportPath, env) {
    if (reportPath)
        return reportPath;
    const root = env.RUNNER_TEMP
        ? external_node_path_default().join(env.RUNNER_TEMP, 'mlflow-register')
        : external_node_path_default().join(env.GITHUB_WORKSPACE ?? process.cwd(), '.mlflow-register');
    return external_node_path_default().join(root, 'preflight-report.md');
}
/**
 * Renders the preflight report: the job summary's content under a title,
 * in the host's `wording`, with every secret and credential-like text
 * removed, so that it can be attached to a bug report.
 */
function renderPreflightReport(result, secrets, now = new Date(), wording = text => text) {
    const body = renderSummary(summarize(result)).replace(/^### /, '## ');
    const header = [
        '# MLflow preflight report',
        '',
        `Written ${now.toISOString()}. Secrets, credentials in URLs and ` +
            'tokens are removed.',
        ''
    ];
    return redactText(wording([...header, body].join('\n')), secrets);
}
/**
 * Writes the redacted preflight report and returns its path. A report
 * that cannot be written is logged as a warning and does not fail the
 * run, because the job summary contains the same content.
 */
async function writePreflightReport(result, secrets, host) {
    const { env, log, wording } = host;
    const file = resolveReportPath(result.config?.reportPath, env);
    const report = renderPreflightReport(result, secrets, new Date(), wording);
    try {
        await (0,promises_.mkdir)(external_node_path_default().dirname(file), { recursive: true });
        await (0,promises_.writeFile)(file, report, { mode: 0o600 });
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log.warning(`Could not write the preflight report to ${file}: ${reason}`, {
            title: 'Preflight report not written'
        });
        return undefined;
    }
    log.info(`Preflight report written to ${file}`);
    return file;
}

;// CONCATENATED MODULE: ./src/http/connection.ts

/**
 * Works out how requests reach the tracking server (the proxy, never its
 * credentials, and the TLS identity sent), logs it, and returns it for
 * diagnoses. Turning verification off is warned about on every run.
 */
function reportConnection(config, log) {
    const { tls, trackingUri } = config;
    const route = routeFor(trackingUri, config.proxy);
    const client = tls.clientCertificate;
    log.info(route.proxy
        ? `Connection: through proxy ${describeProxy(route.proxy)} ` +
            `(from ${route.proxy.variable})`
        : `Connection: direct (${route.reason})`);
    if (trackingUri.protocol === 'https:')
        logTls(config, log);
    if (tls.insecure) {
        log.warning(`TLS certificate verification is OFF for ${trackingUri.host} ` +
            '(insecure-tls). Anyone on the network path can read and change ' +
            'the traffic, credentials included. Use `ca-cert` for a private CA.', { title: 'Insecure TLS' });
    }
    if (config.extraHeaders.length > 0) {
        const names = config.extraHeaders.map(header => header.name).join(', ');
        log.info(`Extra headers for ${trackingUri.host}: ${names} (values masked)`);
    }
    return {
        customCa: tls.ca !== undefined,
        ...(route.proxy ? { proxy: describeProxy(route.proxy) } : {}),
        ...(route.proxy?.url.username
            ? { proxyUser: decodeURIComponent(route.proxy.url.username) }
            : {}),
        ...(client
            ? {
                clientCertificate: {
                    subject: client.subject,
                    validTo: client.validTo.toISOString()
                }
            }
            : {})
    };
}
function logTls({ tls }, log) {
    log.info(tls.ca
        ? `TLS: trusting ${tls.caSubjects.length} CA certificate(s) from ` +
            `ca-cert: ${tls.caSubjects.join('; ')}`
        : "TLS: trusting Node's bundled CA certificates");
    const client = tls.clientCertificate;
    if (!client)
        return;
    const expired = client.validTo.getTime() < Date.now();
    const message = `TLS client certificate: ${client.subject}, issued by ${client.issuer}, ` +
        `valid until ${client.validTo.toISOString()}`;
    if (expired) {
        log.warning(`${message}: it has EXPIRED, so the server will reject it`, {
            title: 'Client certificate expired'
        });
    }
    else {
        log.info(message);
    }
}

;// CONCATENATED MODULE: ./src/host/secret-record.ts
/**
 * Wraps a host so that every value it masks is also kept in `secrets`,
 * for checks that nothing written to disk contains one.
 */
function recordSecrets(host) {
    const secrets = [];
    const recording = {
        log: host.log,
        env: host.env,
        getInput: name => host.getInput(name),
        setSecret: value => {
            secrets.push(value);
            host.setSecret(value);
        },
        setOutput: (name, value) => {
            host.setOutput(name, value);
        },
        writeSummary: markdown => host.writeSummary(markdown),
        wording: host.wording,
        setFailed: message => {
            host.setFailed(message);
        },
        bundleStore: host.bundleStore,
        attestationIssuer: host.attestationIssuer
    };
    return { host: recording, secrets };
}

;// CONCATENATED MODULE: ./src/http/registry-client.ts





/**
 * Builds the client of a separate registry server. The tracking server's
 * credentials and extra headers go to it only when it shares the
 * tracking server's origin, the rule the HTTP client also applies to
 * redirects. A registry on another origin gets the Basic credentials of
 * its own URI's user info, or none, so a token meant for one server
 * never reaches another.
 */
function createRegistryClient(registry, tracking, mask) {
    if (registry.kind !== 'server')
        return undefined;
    const { url } = registry;
    let auth = tracking.auth;
    let credentials = 'the same credentials as the tracking server';
    if (registry.username !== undefined) {
        auth = new BasicAuth(registry.username, registry.password ?? '', mask);
        credentials = `Basic credentials of '${registry.username}' from its URI`;
    }
    else if (!registry.sameOrigin) {
        auth = new NoAuth();
        credentials =
            'no credentials, because it is not the origin of the tracking server';
    }
    const sameOrigin = registry.sameOrigin && registry.username === undefined;
    const client = new HttpClient({
        ...tracking,
        baseUrl: url,
        auth,
        extraHeaders: sameOrigin ? (tracking.extraHeaders ?? []) : []
    });
    return {
        client,
        credentials: `Registry server: ${describeUrl(url)} (${credentials})`
    };
}
/**
 * Creates the auth provider of a Databricks registry whose workspace is
 * not the tracking server, or returns undefined for any other registry.
 */
function createWorkspaceAuth(registry, mask, context) {
    if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
        return undefined;
    }
    if (registry.workspace === undefined)
        return undefined;
    return createDatabricksProvider(registry.workspace, mask, context);
}
/**
 * Builds the client of a Databricks registry on a workspace that is not
 * the tracking server. It sends the workspace's credentials and none of
 * the tracking server's: neither its auth nor its extra headers.
 */
function createWorkspaceRegistryClient(registry, tracking, workspaceAuth) {
    if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
        return undefined;
    }
    if (registry.workspace === undefined || workspaceAuth === undefined) {
        return undefined;
    }
    const unityCatalog = registry.kind === 'unity-catalog';
    // NOTE: the dispatcher, and with it the tracking server's TLS settings
    // (`ca-cert`, `client-cert`), is shared with the workspace.
    const client = new HttpClient({
        ...tracking,
        baseUrl: registry.workspace.host,
        auth: workspaceAuth,
        extraHeaders: [],
        unityCatalog
    });
    const name = unityCatalog ? 'Unity Catalog' : 'the model registry';
    return {
        client,
        credentials: `Registry: ${name} of the workspace ` +
            `${describeUrl(registry.workspace.host)}, with the workspace's ` +
            "credentials and none of the tracking server's"
    };
}
/**
 * Creates a client whose registry calls go to the Unity Catalog endpoints
 * of the tracking server's Databricks workspace. `tracking` has no
 * registry client of its own.
 */
function createUnityCatalogClient(tracking) {
    const unityCatalog = new HttpClient({ ...tracking, unityCatalog: true });
    return new HttpClient({ ...tracking, registry: unityCatalog });
}

;// CONCATENATED MODULE: ./src/register/planned-call.ts

/** The number of the version a dry run would create. */
const NEW_VERSION = '<new version>';
/** Turns a request into the call a dry run prints. */
function toPlannedCall(request, baseUrl) {
    const path = decodeURIComponent(joinUrl(baseUrl, request.path).pathname);
    // A JSON round trip drops undefined fields, as the request body does.
    const body = request.json === undefined
        ? undefined
        : JSON.parse(JSON.stringify(request.json));
    return {
        method: request.method,
        path,
        ...(body === undefined ? {} : { body }),
        operation: request.operation
    };
}
/** Formats a planned call for the log: method, path and JSON body. */
function formatPlannedCall(call) {
    const body = call.body === undefined ? '' : ` ${JSON.stringify(call.body)}`;
    return `${call.method} ${call.path}${body}`;
}

;// CONCATENATED MODULE: ./src/register/plan-unity-catalog.ts






const LOCATION = '<storage location of the new version>';
/**
 * Plans a Unity Catalog version with the same source resolution and
 * checks as a real run, which only read. The storage location exists
 * only once the version does, so it is a placeholder.
 */
async function planUnityCatalogVersion(context, directory, runTags, signed) {
    const { http, config } = context;
    const local = directory ? { directory, signed } : undefined;
    const { source, files } = await prepareUnityCatalogSource(context, local);
    const names = files.kind === 'local'
        ? files.directory.files.map(file => file.relativePath)
        : (await listSourceFiles(http, files.source)).map(file => file.name);
    const signature = files.kind === 'local' ? files.signatureFile : undefined;
    if (signature && !names.includes(model_digest/* SIGNATURE_FILE */.I9))
        names.push(model_digest/* SIGNATURE_FILE */.I9);
    const name = config.modelName;
    const completion = [
        write('POST', 'model-versions/generate-temporary-credentials', {
            name,
            version: NEW_VERSION,
            operation: 'MODEL_VERSION_OPERATION_READ_WRITE'
        }),
        ...names.map(file => upload(file)),
        ...(signature
            ? [
                write('POST', 'model-versions/set-tag', {
                    name,
                    version: NEW_VERSION,
                    key: SIGNATURE_TAG,
                    value: `${LOCATION}/${model_digest/* SIGNATURE_FILE */.I9}`
                })
            ]
            : []),
        write('POST', 'model-versions/finalize', { name, version: NEW_VERSION })
    ];
    const digest = directory ? undefined : context.progress.modelDigest;
    return { source, tags: [...runTags, ...signatureTags(digest)], completion };
}
function write(method, path, json) {
    const operation = path.split('/').pop()?.replace(/-/g, ' ') ?? path;
    return {
        method,
        path: `${API}/${path}`,
        json,
        operation,
        idempotent: false
    };
}
function upload(file) {
    return {
        method: 'PUT',
        path: `${LOCATION}/${file}`,
        operation: 'upload model file to storage',
        idempotent: false
    };
}

;// CONCATENATED MODULE: ./src/register/plan-registration.ts


















/**
 * Plans a registration without writing: the same preflight, idempotency
 * lookup, source resolution and alias guards as {@link registerModel},
 * which only read, and the write requests built by the same functions a
 * real run sends them with.
 *
 * NOTE: metric gates are not evaluated, because they compare a version
 * that a dry run does not create.
 */
async function planRegistration(context) {
    const { http, config, log } = context;
    const preflight = await checkTargetModel(http, config.modelName, log);
    context.progress.preflight = preflight;
    const directory = config.modelPath
        ? await readModelDirectory(config.modelPath)
        : undefined;
    if (directory && !http.isUnityCatalog) {
        checkProxyFileNames(directory.files);
    }
    const key = registrationKey(config, context.provenance, directory);
    const existing = preflight.model && !config.forceNewVersion
        ? await findVersionByKey(http, config.modelName, key, log, preflight.model)
        : undefined;
    const requests = existing
        ? reusedVersionRequests(existing, config.tags, config.description)
        : await planNewVersion(context, directory, key, !!preflight.model);
    const version = existing ?? {
        name: config.modelName,
        version: NEW_VERSION,
        tags: [],
        aliases: []
    };
    await checkAliasGuards(http, version, config.aliasGuards, log);
    for (const alias of config.aliases) {
        requests.push(setAliasRequest(config.modelName, alias, version.version));
    }
    return {
        ...(existing ? { reusedVersion: existing.version } : {}),
        modelExists: !!preflight.model,
        // NOTE: the planned paths are the MLflow registry's, also when the
        // calls would go to a separate registry server or to Unity Catalog.
        calls: requests.map(request => toPlannedCall(request, config.trackingUri))
    };
}
/** The random request tag of a create, as a plan shows it. */
const PLANNED_REQUEST_TAG = {
    key: CREATE_REQUEST_TAG,
    value: '<random id>'
};
async function planNewVersion(context, directory, key, modelExists) {
    const { http, config, log } = context;
    // Key signing and verifying only read, so a dry run does both for real.
    const signed = directory &&
        (await signModelDirectory(directory, dryRunSigning(config, log), log));
    const runTags = [
        ...versionTags(context, key),
        ...signatureTags(signed?.digest)
    ];
    const unityCatalog = http.isUnityCatalog
        ? await planUnityCatalogVersion(context, directory, runTags, signed)
        : undefined;
    const { requests, source, tags } = unityCatalog
        ? { ...unityCatalog, requests: [] }
        : directory
            ? await planLocalSource(context, directory, runTags, signed)
            : await planRemoteSource(context, runTags);
    if (!modelExists) {
        requests.push(createRegisteredModelRequest(config.modelName));
    }
    requests.push(createModelVersionRequest({
        name: config.modelName,
        source: source.source,
        ...(source.runId ? { runId: source.runId } : {}),
        ...(source.modelId ? { modelId: source.modelId } : {}),
        ...(config.description ? { description: config.description } : {}),
        tags: config.forceNewVersion ? [...tags, PLANNED_REQUEST_TAG] : tags
    }));
    return [...requests, ...(unityCatalog?.completion ?? [])];
}
async function planLocalSource(context, directory, runTags, signed) {
    const upload = await planUpload(context, directory, runTags, signed);
    const signatureUri = signed?.signatureFile
        ? `${upload.source.source}/${model_digest/* SIGNATURE_FILE */.I9}`
        : undefined;
    return {
        ...upload,
        tags: [...runTags, ...signatureTags(undefined, signatureUri)]
    };
}
async function planRemoteSource(context, runTags) {
    const { http, config, log } = context;
    const original = config.source ?? '';
    const source = await resolveSource(http, original, log);
    const digest = await sourceModelDigest(http, original, source, config, log);
    return { requests: [], source, tags: [...runTags, ...signatureTags(digest)] };
}
/**
 * Plans the upload of a local model directory. The run id, its artifact
 * location and the timestamps exist only once the server creates the
 * run, so they are placeholders.
 */
async function planUpload(context, directory, tags, signed) {
    const { http, config } = context;
    const requests = [];
    const experimentId = await getExperimentId(http, config.experimentName);
    if (experimentId === undefined) {
        requests.push(plan_registration_write('POST', `${API}/experiments/create`, 'create experiment', {
            name: config.experimentName
        }));
    }
    // An upload that hashes the files as it sends them tags the run with
    // the model digest after them.
    const digestLater = hashesDuringUpload(config, http.isUnityCatalog);
    const lateTags = digestLater
        ? tags.filter(tag => tag.key === MODEL_DIGEST_TAG)
        : [];
    requests.push(plan_registration_write('POST', `${API}/runs/create`, 'create run', {
        experiment_id: experimentId ?? '<new experiment id>',
        run_name: `register-${config.modelName}`,
        start_time: '<now>',
        tags: [
            ...tags.filter(tag => tag.key !== IDEMPOTENCY_TAG && !lateTags.includes(tag)),
            PLANNED_REQUEST_TAG,
            ...plannedUploadKey(config, directory, tags)
        ]
    }));
    const root = `<artifact root of the new run>/${config.artifactPath}`;
    const signatureFile = signed?.signatureFile;
    const uploads = directory.files
        .map(file => file.relativePath)
        .filter(file => file !== signatureFile?.relativePath);
    if (signatureFile)
        uploads.push(signatureFile.relativePath);
    for (const file of uploads) {
        requests.push(plan_registration_write('PUT', `${ARTIFACTS_API}/${root}/${file}`, 'upload artifact'));
    }
    for (const tag of lateTags) {
        requests.push(plan_registration_write('POST', `${API}/runs/set-tag`, 'set run tag', {
            run_id: '<new run id>',
            key: tag.key,
            value: tag.value
        }));
    }
    requests.push(plan_registration_write('POST', `${API}/runs/update`, 'end run', {
        run_id: '<new run id>',
        status: 'FINISHED',
        end_time: '<now>'
    }));
    return {
        requests,
        source: {
            source: `<artifact URI of the new run>/${config.artifactPath}`,
            runId: '<new run id>'
        }
    };
}
/**
 * Returns the upload key tag that the run gets, unless the version is
 * forced, whose upload never goes into an earlier attempt's run.
 */
function plannedUploadKey(config, directory, tags) {
    const key = tags.find(tag => tag.key === IDEMPOTENCY_TAG)?.value;
    if (config.forceNewVersion || key === undefined)
        return [];
    const scope = {
        modelName: config.modelName,
        experimentName: config.experimentName
    };
    return [{ key: UPLOAD_KEY_TAG, value: uploadKey(key, scope, directory) }];
}
function plan_registration_write(method, path, operation, json) {
    return {
        method,
        path,
        ...(json === undefined ? {} : { json }),
        operation,
        idempotent: false
    };
}
/**
 * Returns the signing a dry run does. Keyless signing writes an entry to
 * the Rekor transparency log, so a dry run does not sign keylessly.
 */
function dryRunSigning(config, log) {
    if (config.signing.method !== 'sigstore')
        return config;
    // NOTE: the planned calls of a keyless dry run lack the model.sig
    // upload and the signature tag, because nothing is signed.
    log.info('Dry run: keyless signing is skipped, because it writes an entry to ' +
        'the Rekor transparency log.');
    return { signing: { ...config.signing, method: 'none' } };
}

;// CONCATENATED MODULE: ./src/register/dry-run.ts



/**
 * Runs a registration as a dry run: only the preflight and the lookups,
 * which read, and then logs each write a real run would send, with its
 * JSON body. Masked values in the bodies print as `***` like every log
 * line. The outcome is `dry-run`.
 */
async function planDryRun(step, result) {
    const { host, http, config } = step;
    const progress = {};
    const plan = await planRegistration({
        http,
        config,
        provenance: readProvenance(host.env),
        log: host.log,
        progress
    });
    if (progress.preflight)
        result.preflight = progress.preflight;
    result.plan = plan;
    result.outcome = 'dry-run';
    const reuse = plan.reusedVersion
        ? `version ${plan.reusedVersion} would be reused (same idempotency key)`
        : 'a new version would be created';
    await host.log.group(`Dry run: ${reuse}; ${plan.calls.length} writes planned`, () => {
        for (const call of plan.calls)
            host.log.info(formatPlannedCall(call));
        return Promise.resolve();
    });
    host.log.info('Dry run: nothing was written to the tracking server.');
}

;// CONCATENATED MODULE: ./src/github/bundle-names.ts

/**
 * Names under which a registry bundle is stored on GitHub: an artifact
 * named after the bundle, and a cache entry whose key starts with a
 * prefix per repository and model, so a later run finds it by prefix.
 */
const PREFIX = 'mlflow-register-bundle-';
/**
 * The workspace folder that a bundle passes through on its way into and
 * out of the Actions cache. @actions/cache keys an entry's version on the
 * path strings it is given and stores paths relative to the workspace,
 * so this path is the same relative string in every run.
 * NOTE: @actions/cache globs the path from the working directory but
 * archives it relative to GITHUB_WORKSPACE; both agree only when the
 * action runs in the workspace, as the runner starts it.
 */
const CACHE_TRANSFER_DIR = '.mlflow-register/transfer';
/** Returns the artifact name of a bundle. */
function bundleArtifactName(bundleId) {
    return `${PREFIX}${bundleId}`;
}
/** Returns the bundle id of an artifact name, or undefined for others. */
function bundleIdOfArtifact(name) {
    return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : undefined;
}
/**
 * Returns the cache key prefix of a repository's bundles, narrowed to one
 * model when a name is given. Commas are not allowed in cache keys.
 */
function bundleCachePrefix(repository, modelName) {
    const parts = [repository, ...(modelName ? [modelName] : [])];
    const safe = parts.map(part => part.replace(/[,\s]+/g, '_'));
    return `${PREFIX}${safe.join('/')}/`;
}
/** Returns the cache key of one bundle. */
function bundleCacheKey(repository, modelName, bundleId) {
    return `${bundleCachePrefix(repository, modelName)}${bundleId}`;
}
/** Returns the bundle id at the end of a cache key. */
function bundleIdOfCacheKey(key) {
    return path.posix.basename(key);
}

;// CONCATENATED MODULE: ./src/text/shell-quote.ts
/** Characters that a POSIX shell reads as part of a plain word. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;
/**
 * Quotes a value for a POSIX shell command line, so that a path with a
 * space or a quote stays one word when the command is pasted.
 */
function shellQuote(value) {
    if (PLAIN_WORD.test(value))
        return value;
    return `'${value.replaceAll("'", `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./src/sync/failed-sync.ts




/**
 * The diagnosis of the newest failed sync of a pending bundle. It is kept
 * in `<bundle>.failed-sync.json` beside the bundle, and not inside it,
 * because a bundle's files are fixed by its manifest's checksums.
 */
const failedSyncSchema = schemas/* strictObject */.rej({
    code: schemas/* enum */.k5n(Object.keys(codes/* DIAGNOSIS_CODES */.F)),
    title: schemas/* string */.YjP(),
    failedAt: iso/* datetime */.w$()
});
/** Returns the path of a bundle's failed-sync record. */
function failedSyncFile(bundlePath) {
    return `${bundlePath}.failed-sync.json`;
}
/**
 * Reads the newest failed sync of a pending bundle, or returns undefined
 * when no sync failed or the record is unreadable.
 */
async function readFailedSync(bundlePath) {
    let json;
    try {
        json = JSON.parse(await (0,promises_.readFile)(failedSyncFile(bundlePath), 'utf8'));
    }
    catch {
        return undefined;
    }
    const parsed = failedSyncSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
}
/** Records the diagnosis of a failed sync, replacing an older one. */
async function recordFailedSync(bundlePath, diagnosis, now) {
    const record = {
        code: diagnosis.code,
        title: diagnosis.title,
        failedAt: now.toISOString()
    };
    await writeFileAtomic(failedSyncFile(bundlePath), `${JSON.stringify(record, null, 2)}\n`);
}
/** Deletes the failed-sync record of a bundle that is gone. */
async function removeFailedSync(bundlePath) {
    await (0,promises_.rm)(failedSyncFile(bundlePath), { force: true });
}

;// CONCATENATED MODULE: ./src/sync/replay.ts







/**
 * Registers a verified bundle through the normal registration, with the
 * bundle's model, metadata, idempotency key and CI provenance, so the
 * version gets the tags a direct registration would have given it. The
 * key makes the replay adopt a version that an earlier attempt (the
 * failed run itself, or an earlier sync) already created.
 */
function replayBundle(bundle, context) {
    const { registration, provenance } = bundle.manifest;
    const base = context.config;
    requireSameSigning(bundle, base);
    const registry = replayRegistry(base, registration.modelName);
    const config = {
        mode: 'register',
        trackingUri: base.trackingUri,
        // A replay is signed and verified as the sync run is configured,
        // because the deferred run's keys are not in the bundle. A bundle
        // that requested signing replays only in a sync that signs alike.
        signing: registration.modelDirectory
            ? { ...base.signing, verifySignature: false }
            : { ...base.signing, method: 'none' },
        registry,
        ...(base.storageEndpoints
            ? { storageEndpoints: base.storageEndpoints }
            : {}),
        modelName: registration.modelName,
        ...(registration.modelDirectory
            ? { modelPath: resolveInside(bundle.path, registration.modelDirectory) }
            : { source: registration.source ?? '' }),
        artifactPath: registration.artifactPath,
        experimentName: registration.experimentName,
        ...(registration.description === undefined
            ? {}
            : { description: registration.description }),
        tags: registration.tags,
        aliases: registration.aliases,
        // The gates are parsed again, so a replay moves no alias that the
        // deferred run's gates would have kept.
        metricGates: parseMetricGates(registration.metricGates.length > 0
            ? { value: registration.metricGates.join('\n'), origin: 'input' }
            : undefined, registration.aliases),
        // A replay moves an alias only if it still points where the deferred
        // run expected it to.
        aliasGuards: parseAliasGuards(registration.aliasGuards.length > 0
            ? { value: registration.aliasGuards.join('\n'), origin: 'input' }
            : undefined, registration.aliases),
        tls: base.tls,
        extraHeaders: base.extraHeaders,
        proxy: base.proxy,
        auth: base.auth,
        idempotencyKey: registration.idempotencyKey,
        forceNewVersion: false,
        dryRun: false,
        // NOTE: a replayed registration is not attested. An attestation names
        // the workflow run that signs it, and sync runs in another run than
        // the one that built the model.
        attest: false,
        waitTimeoutMs: base.waitTimeoutMs,
        requestTimeoutMs: base.requestTimeoutMs,
        maxAttempts: base.maxAttempts,
        retryMaxTimeMs: base.retryMaxTimeMs,
        retryInitialDelayMs: base.retryInitialDelayMs,
        bundle: base.bundle,
        registryDir: base.registryDir,
        origins: base.origins
    };
    return registerModel({
        http: replayClient(context.http, registry),
        config,
        provenance: provenance,
        log: context.log,
        progress: {}
    });
}
/**
 * Returns the registry of a replayed model. Without `registry-uri`, a
 * three-part name on Databricks goes to Unity Catalog, as it would have
 * in the deferred run.
 */
function replayRegistry(base, modelName) {
    const { registry } = base;
    if (registry.kind !== 'tracking' || registry.explicit)
        return registry;
    if (base.auth.databricks && isThreePartName(modelName)) {
        return { kind: 'unity-catalog' };
    }
    return registry;
}
/**
 * Returns the client of a replay: the sync run's own, or, for a bundle
 * that goes to Unity Catalog while the sync run's registry calls go to
 * the workspace registry, one that sends them to Unity Catalog. That
 * client has a request history of its own, and the sync run's client has
 * no registry client then, because its registry is the tracking server.
 */
function replayClient(http, registry) {
    if (registry.kind !== 'unity-catalog' || http.isUnityCatalog)
        return http;
    return createUnityCatalogClient(http.options);
}
/**
 * Stops the replay of a bundle whose registration asked for a signature
 * when this sync run would not sign the same way, so the version is
 * never registered unsigned. The bundle stays pending.
 */
function requireSameSigning(bundle, base) {
    const requested = bundle.manifest.registration.signing;
    if (requested === undefined || base.signing.method === requested)
        return;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `Bundle ${bundle.manifest.bundleId} contains a registration that ` +
        `requested \`signing: ${requested}\`, but this sync has ` +
        `\`signing: ${base.signing.method}\`, so it would register the ` +
        'version unsigned. The bundle stays pending.', `Run the sync with \`signing: ${requested}\` and the same signing ` +
        'inputs as the registration (the signing key is never stored in ' +
        'a bundle).', {}, 'The sync does not sign as the registration requested'));
}

;// CONCATENATED MODULE: ./src/sync/sync-bundle.ts












/**
 * Syncs one bundle under its lock; returns undefined when `model-name`
 * filters it out. A failure is returned as a `failed` entry, and for a
 * pending bundle that passed verification its diagnosis is recorded, so
 * `list` shows the newest failure.
 */
async function syncBundle(step, bundlePath, kind) {
    const bundle = external_node_path_default().basename(bundlePath);
    const release = await lockBundle(bundlePath);
    if (!release)
        return { bundle, status: 'skipped' };
    let verified;
    try {
        verified = await readBundle(bundlePath);
        const { modelName } = verified.manifest.registration;
        const requested = step.config.modelName;
        if (requested && requested !== modelName)
            return undefined;
        return kind === 'local'
            ? await syncLocalVersion(step, verified)
            : await syncPendingBundle(step, verified);
    }
    catch (error) {
        const diagnosis = classifyFailure(error);
        if (verified && kind === 'pending') {
            await keepFailedSync(step.host, bundlePath, diagnosis);
        }
        return {
            bundle,
            ...(verified
                ? { modelName: verified.manifest.registration.modelName }
                : {}),
            status: 'failed',
            diagnosis
        };
    }
    finally {
        await release();
    }
}
async function syncPendingBundle(step, verified) {
    checkTrackingUri(step, verified);
    const registration = await replayBundle(verified, {
        http: step.http,
        config: step.config,
        log: step.host.log
    });
    await (0,promises_.rm)(verified.path, { recursive: true, force: true });
    await removeFailedSync(verified.path);
    return {
        bundle: verified.manifest.bundleId,
        modelName: verified.manifest.registration.modelName,
        status: registration.outcome === 'reused' ? 'already-registered' : 'synced',
        version: registration.version.version
    };
}
/**
 * Registers a version of the local registry, unless its sync record shows
 * it on this server already. The record is only a shortcut: without
 * it the idempotency key still makes the replay adopt the version.
 */
async function syncLocalVersion(step, verified) {
    const { manifest } = verified;
    const server = trimSlashes(describeUrl(step.config.trackingUri));
    const base = {
        bundle: manifest.bundleId,
        modelName: manifest.registration.modelName,
        ...(manifest.localVersion ? { localVersion: manifest.localVersion } : {})
    };
    const recorded = (await readSyncRecord(verified.path))[server];
    if (recorded) {
        return { ...base, status: 'already-registered', version: recorded.version };
    }
    const registration = await replayBundle(verified, {
        http: step.http,
        config: step.config,
        log: step.host.log
    });
    const version = registration.version.version;
    await recordSync(verified.path, server, version, new Date());
    return {
        ...base,
        status: registration.outcome === 'reused' ? 'already-registered' : 'synced',
        version
    };
}
function trimSlashes(value) {
    return value.replace(/\/+$/, '');
}
/**
 * Records a failed sync beside its bundle. A record that cannot be
 * written is a warning, because the bundle itself stays pending as it is.
 */
async function keepFailedSync(host, bundlePath, diagnosis) {
    try {
        await recordFailedSync(bundlePath, diagnosis, new Date());
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        host.log.warning(`The failed sync of ${bundlePath} was not recorded: ${reason}. ` +
            '`list` shows an older error for this bundle.', { title: 'Failed sync not recorded' });
    }
}
/**
 * Stops the replay of a bundle written for another tracking server. The
 * recorded URI may be the mistake, as when a mistyped port refused the
 * connection and the registration was deferred, so the fix covers both.
 */
function checkTrackingUri(step, bundle) {
    const current = trimSlashes(describeUrl(step.config.trackingUri));
    const recorded = trimSlashes(bundle.manifest.trackingUri ?? '');
    if (current === recorded)
        return;
    throw new diagnosis_diagnosis/* DiagnosedError */.xB((0,diagnosis_diagnosis/* diagnose */.h4)('CLIENT_CONFIG', `The bundle was written for ${recorded}, but this sync is ` +
        `configured for ${current}. A bundle is synced only to the ` +
        'tracking URI it was written for.', `If ${recorded} is the right server, run the sync with ` +
        `\`tracking-uri: ${recorded}\`. If that URI was a mistake, run ` +
        'the registration again with the right `tracking-uri`, then ' +
        `${deleteBundleStep(step.host, bundle)}.`, {}, 'The bundle was written for another tracking server'));
}
/**
 * Returns the step that deletes a pending bundle: on the command line its
 * directory and failed-sync record, and on a runner its artifact and
 * cache entry, from which every sync downloads it again.
 */
function deleteBundleStep(host, bundle) {
    const id = bundle.manifest.bundleId;
    if (!host.bundleStore) {
        return ('delete the bundle and its failed-sync record with ' +
            `\`rm -r -- ${shellQuote(bundle.path)} ` +
            `${shellQuote(failedSyncFile(bundle.path))}\``);
    }
    return (`delete the bundle's artifact ${bundleArtifactName(id)} and its ` +
        `cache entry (the key that ends in ${id}), or the next sync ` +
        'downloads it again');
}

;// CONCATENATED MODULE: ./src/sync/sync.ts








/** Bundles replayed at once; each replay is a handful of sequential calls. */
const SYNC_CONCURRENCY = 3;
/**
 * Registers every pending bundle in the bundle directory, a few at a
 * time, then every version of the local registry. A registered pending
 * bundle is removed, a registered local version is kept with a record of
 * the server version, and a failed one stays for the next sync. With
 * `model-name` set, only that model's bundles are synced. Throws the
 * first failure's diagnosis when any bundle failed.
 */
async function syncPendingBundles(step, result) {
    const { host } = step;
    const directory = resolveBundleDir(step.config.bundle.directory, host.env);
    const remote = await fetchRemoteBundles(step, directory);
    const bundles = await listPendingBundles(directory);
    host.log.info(`Found ${countOf(bundles.length, 'pending bundle')} in ${directory}`);
    const entries = await syncEach(step, bundles, 'pending', SYNC_CONCURRENCY);
    entries.sort((a, b) => a.bundle.localeCompare(b.bundle));
    await deleteSyncedCopies(step, entries, remote);
    entries.push(...(await syncLocalRegistry(step)));
    result.sync = { entries };
    const failure = syncFailure(entries);
    if (failure)
        throw failure;
    result.outcome = 'synced';
}
/**
 * Registers the versions of the local registry one at a time, in version
 * order per model, so the server creates them in the same order and
 * each alias ends on the version it points to locally.
 */
async function syncLocalRegistry(step) {
    const { host, config } = step;
    const registry = await readLocalRegistry(config.registryDir);
    const count = registry.versions.length + registry.invalid.length;
    if (count === 0)
        return [];
    host.log.info(`Found ${countOf(registry.versions.length, 'version')} in the local ` +
        'registry at ' +
        config.registryDir);
    const paths = [
        ...registry.versions.map(entry => entry.bundle.path),
        ...registry.invalid.map(entry => external_node_path_default().join(config.registryDir, entry.bundle))
    ];
    return syncEach(step, paths, 'local', 1);
}
/** Syncs bundles, `limit` at a time, and logs each result. */
async function syncEach(step, bundles, kind, limit) {
    const entries = [];
    await forEachBounded(bundles, limit, async (bundle, index) => {
        step.host.log.info(`Syncing ${kind === 'local' ? 'local version' : 'bundle'} ` +
            `${index + 1} of ${bundles.length}: ${external_node_path_default().basename(bundle)}`);
        const entry = await syncBundle(step, bundle, kind);
        if (entry) {
            logEntry(step.host, entry, kind);
            entries.push(entry);
        }
    });
    return entries;
}
/** Downloads the bundles the host stores outside the job, if it can. */
async function fetchRemoteBundles(step, directory) {
    const { config, host } = step;
    if (!host.bundleStore)
        return new Map();
    const modelName = config.modelName === '' ? undefined : config.modelName;
    const token = config.bundle.githubToken;
    return host.bundleStore.download(directory, modelName, token, host.log);
}
/** Deletes the cache entries and artifacts of the registered bundles. */
async function deleteSyncedCopies(step, entries, remote) {
    const { config, host } = step;
    const store = host.bundleStore;
    if (!store)
        return;
    for (const entry of entries) {
        const copies = remote.get(entry.bundle);
        const registered = entry.status === 'synced' || entry.status === 'already-registered';
        if (copies && registered) {
            const token = config.bundle.githubToken;
            await store.deleteCopies(entry.bundle, copies, token, host.log);
        }
    }
}
/** Builds the error of a sync in which some bundles failed. */
function syncFailure(entries) {
    const failed = entries.filter(entry => entry.status === 'failed');
    const firstEntry = failed[0];
    const first = firstEntry?.diagnosis;
    if (!firstEntry || !first)
        return undefined;
    const stay = failed.length === 1 ? 'stays' : 'stay';
    return new diagnosis_diagnosis/* DiagnosedError */.xB({
        ...first,
        detail: `${failed.length} of ${countOf(entries.length, 'bundle')} could not ` +
            `be synced and ${stay} pending. The first, ${firstEntry.bundle}: ` +
            first.detail
    });
}
/**
 * Logs the result of one bundle. A failure's code is in the warning's
 * title only, so the CLI, which prints the title before the message,
 * does not show it twice.
 */
function logEntry(host, entry, kind) {
    const model = entry.modelName ? ` ('${entry.modelName}')` : '';
    const subject = kind === 'local'
        ? `Local version ${entry.localVersion ?? entry.bundle}`
        : `Bundle ${entry.bundle}`;
    if (entry.status === 'skipped') {
        host.log.info(`Skipped ${entry.bundle}: it is locked by another sync`);
    }
    else if (entry.status === 'failed') {
        const diagnosis = entry.diagnosis;
        const stays = kind === 'local' ? 'is not synced' : 'stays pending';
        host.log.warning(`${subject}${model} ${stays}: ${diagnosis?.detail ?? ''}`, {
            title: `Bundle not synced: ${diagnosis?.code ?? 'failed'}`
        });
    }
    else {
        const registered = entry.status === 'synced' ? 'registered' : 'already registered';
        const after = kind === 'local'
            ? 'the local version stays in the local registry'
            : 'the bundle is deleted';
        host.log.info(`${subject}${model}: ${registered} as version ` +
            `${entry.version ?? ''} on the server; ${after}`);
    }
}

;// CONCATENATED MODULE: ./src/version.ts
/** The version of this action, sent in the User-Agent header. */
const VERSION = '0.1.0';
/** The User-Agent of every request, so server logs show who called. */
const USER_AGENT = `mlflow-register/${VERSION}`;

;// CONCATENATED MODULE: ./src/main.ts




















/**
 * Runs the action: configuration, then an offline registration into the
 * local registry, or auth and a preflight, a registration (deferred into
 * a bundle when the server is unavailable), a sync of pending bundles or
 * the verification of a signed version.
 * Every failure ends here as one diagnosis; the outputs and the job
 * summary are written whatever happened.
 */
async function run(runner) {
    const { host, secrets } = recordSecrets(runner);
    const result = { outcome: 'failed' };
    try {
        const config = loadConfig(host);
        if (isOffline(config)) {
            result.offline = config;
            await registerLocally(host, config, secrets, result);
        }
        else {
            result.config = config;
            await runWithServer(host, config, secrets, result);
        }
    }
    catch (error) {
        result.diagnosis = classifyFailure(error);
        reportFailure(host, result.diagnosis);
    }
    finally {
        await reportPreflight(host, result, secrets);
        writeOutputs(host, result);
        await host.writeSummary(renderSummary(summarize(result)));
    }
    return result;
}
/** Resolves the auth mode and runs the configured mode on the server. */
async function runWithServer(host, config, secrets, result) {
    const mask = (value) => {
        host.setSecret(value);
    };
    const context = {
        log: host.log,
        timeoutMs: config.requestTimeoutMs,
        now: Date.now,
        env: host.env,
        retry: defaultRetryPolicy(config.maxAttempts, {
            baseDelayMs: config.retryInitialDelayMs,
            budgetMs: config.retryMaxTimeMs
        })
    };
    const auth = resolveAuth(config.auth, config.origins, mask, context);
    const workspaceAuth = createWorkspaceAuth(config.registry, mask, context);
    result.auth = auth;
    logAuth(host.log, config, auth);
    const connection = reportConnection(config, host.log);
    const dispatcher = createDispatcher({
        connectTimeoutMs: config.requestTimeoutMs,
        tls: config.tls,
        proxy: config.proxy
    });
    try {
        const http = createHttpClient(config, auth, dispatcher, host.log, connection, mask, workspaceAuth);
        if (config.mode === 'preflight') {
            result.preflight = await runPreflight(http, config.modelName, host.log);
            result.outcome = 'checked';
        }
        else if (config.mode === 'sync') {
            await syncPendingBundles({ host, http, config }, result);
        }
        else if (config.mode === 'verify') {
            await verifyModelVersion(http, config, host.log, result);
        }
        else if (config.dryRun) {
            await planDryRun({ host, http, config }, result);
        }
        else {
            await registerOrDefer({ host, http, config, secrets }, result);
        }
    }
    finally {
        await dispatcher.close();
    }
}
/** Writes the redacted preflight report file, in preflight mode. */
async function reportPreflight(host, result, secrets) {
    if (result.config?.mode !== 'preflight')
        return;
    const file = await writePreflightReport(result, secrets, host);
    if (file)
        result.reportPath = file;
}
function createHttpClient(config, auth, dispatcher, log, connection, mask, workspaceAuth) {
    const options = {
        baseUrl: config.trackingUri,
        auth: auth.provider,
        dispatcher,
        extraHeaders: config.extraHeaders,
        connection,
        timeoutMs: config.requestTimeoutMs,
        retry: defaultRetryPolicy(config.maxAttempts, {
            baseDelayMs: config.retryInitialDelayMs,
            budgetMs: config.retryMaxTimeMs
        }),
        log,
        userAgent: USER_AGENT,
        mask
    };
    const workspace = createWorkspaceRegistryClient(config.registry, options, workspaceAuth);
    if (workspace) {
        log.info(workspace.credentials);
        return new HttpClient({ ...options, registry: workspace.client });
    }
    if (config.registry.kind === 'unity-catalog') {
        log.info(`Registry: Unity Catalog of the workspace ${config.trackingUri.href}`);
        return createUnityCatalogClient(options);
    }
    const registry = createRegistryClient(config.registry, options, mask);
    if (!registry)
        return new HttpClient(options);
    log.info(registry.credentials);
    return new HttpClient({ ...options, registry: registry.client });
}
function logAuth(log, config, auth) {
    log.info(`Tracking server: ${config.trackingUri.href}`);
    log.info(`Auth: ${auth.reason}`);
    const hostWarning = config.auth.databricks?.hostWarning;
    if (hostWarning)
        log.warning(hostWarning, { title: 'Databricks host' });
    for (const ignored of auth.ignored)
        log.info(`Ignored ${ignored}`);
}
function reportFailure(host, diagnosis) {
    const evidence = Object.entries(diagnosis.evidence).map(([key, value]) => `  ${key}: ${String(value)}`);
    const message = [
        diagnosis.detail,
        `Fix: ${diagnosis.fix}`,
        ...(evidence.length > 0 ? ['Evidence:', ...evidence] : [])
    ].join('\n');
    host.log.error(message, { title: `${diagnosis.code}: ${diagnosis.title}` });
    host.setFailed(`${diagnosis.code}: ${diagnosis.title}`);
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/cli/args.ts


/** The CLI's commands; each runs the action in one mode. */
const COMMANDS = [
    'register',
    'preflight',
    'sync',
    'verify',
    'list',
    'show',
    'fake-server'
];
/** A command line that cannot be run, with the reason. */
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
const INPUT_FLAGS = INPUTS.filter(input => input.name !== 'mode');
const BOOLEAN_FLAGS = new Set(INPUTS
    .filter(input => input.boolean === true)
    .map(input => `--${input.name}`));
/**
 * Adds `true` after a true-or-false flag that the command line ends with
 * or that another option follows, so that `--dry-run` means
 * `--dry-run true`. Any other next word stays the value, so
 * `--dry-run false` works and `--dry-run maybe` is rejected by validation.
 */
function completeBooleanFlags(argv) {
    const completed = [];
    for (const [index, arg] of argv.entries()) {
        completed.push(arg);
        const next = argv[index + 1];
        if (BOOLEAN_FLAGS.has(arg) &&
            (next === undefined || next.startsWith('-'))) {
            completed.push('true');
        }
    }
    return completed;
}
/**
 * Joins a flag and a PEM value into `--flag=value`, because `parseArgs`
 * takes a value that starts with a dash, as `-----BEGIN` does, for an
 * option and refuses it as ambiguous.
 */
function joinPemValues(argv) {
    const joined = [];
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index] ?? '';
        const next = argv[index + 1];
        if (arg.startsWith('--') && !arg.includes('=') && isPem(next)) {
            joined.push(`${arg}=${next}`);
            index++;
        }
        else {
            joined.push(arg);
        }
    }
    return joined;
}
function isPem(value) {
    return value?.startsWith('-----BEGIN ') ?? false;
}
/** Parses the command line; every action input is a `--<input>` flag. */
function parseCliArgs(argv) {
    const options = {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        debug: { type: 'boolean' },
        'summary-file': { type: 'string' },
        port: { type: 'string' }
    };
    for (const input of INPUT_FLAGS)
        options[input.name] = { type: 'string' };
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({
            args: completeBooleanFlags(joinPemValues(argv)),
            options,
            allowPositionals: true,
            strict: true,
            tokens: true
        });
    }
    catch (error) {
        throw new UsageError(describeParseError(error));
    }
    rejectRepeatedOptions(parsed.tokens ?? []);
    const [command, ...rest] = parsed.positionals;
    const bundleId = command === 'show' ? rest.shift() : undefined;
    const extra = rest;
    const help = parsed.values.help === true;
    if (command === 'show' && bundleId === undefined && !help) {
        throw new UsageError('The show command needs a bundle id.');
    }
    if (command !== undefined &&
        !COMMANDS.includes(command)) {
        throw new UsageError(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.`);
    }
    if (extra.length > 0) {
        throw new UsageError(`Unexpected argument "${extra.join(' ')}".`);
    }
    const values = parsed.values;
    const flags = new Map();
    for (const input of INPUT_FLAGS) {
        const value = values[input.name];
        if (typeof value === 'string')
            flags.set(input.name, value);
    }
    const summaryFile = values['summary-file'];
    const port = parsePort(command, values, flags);
    if (command !== undefined && command !== 'fake-server') {
        rejectOtherFlags(command, values, flags);
    }
    return {
        ...(command ? { command: command } : {}),
        flags,
        help: values.help === true,
        version: values.version === true,
        json: values.json === true,
        debug: values.debug === true,
        ...(typeof summaryFile === 'string' ? { summaryFile } : {}),
        ...(bundleId === undefined ? {} : { bundleId }),
        ...(port === undefined ? {} : { port })
    };
}
/** Options of the registry commands that `fake-server` has no use for. */
const RUN_OPTIONS = ['json', 'debug', 'summary-file'];
/**
 * Reads `--port`, which only `fake-server` takes, and rejects the action's
 * inputs and output options there, because the fake server has no
 * registration to apply them to.
 */
function parsePort(command, values, flags) {
    const value = values.port;
    if (command !== 'fake-server') {
        if (value === undefined)
            return undefined;
        throw new UsageError('Only the fake-server command takes --port. Remove it from this ' +
            'command line.');
    }
    const input = flags.keys().next().value ??
        RUN_OPTIONS.find(option => values[option] !== undefined);
    if (input !== undefined) {
        throw new UsageError(`The fake-server command takes only --port, not --${input}.`);
    }
    if (value === undefined)
        return 0;
    const port = typeof value === 'string' ? value.trim() : '';
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
        throw new UsageError(`Invalid --port "${String(value)}": expected a whole number from 0 ` +
            'to 65535. Give 0, or leave --port out, to use a free port.');
    }
    return Number(port);
}
/** The output options that each command takes, besides its inputs. */
const RUN_OPTIONS_OF = {
    register: RUN_OPTIONS,
    preflight: RUN_OPTIONS,
    sync: RUN_OPTIONS,
    verify: RUN_OPTIONS,
    list: ['json'],
    show: [],
    'fake-server': []
};
/** Tells whether a command takes the flag of an input. */
function takesInput(command, input) {
    return input.commands.includes(command);
}
/**
 * Rejects a flag that the command does not read, such as `--aliases` on
 * `sync`, because silently ignoring it would hide a mistake in a script.
 */
function rejectOtherFlags(command, values, flags) {
    const inputs = INPUTS;
    const input = inputs.find(spec => flags.has(spec.name) && !takesInput(command, spec))?.name;
    const option = RUN_OPTIONS.find(name => values[name] !== undefined && !RUN_OPTIONS_OF[command].includes(name));
    const flag = input ?? option;
    if (flag === undefined)
        return;
    throw new UsageError(`The ${command} command does not take --${flag}. Run ` +
        `mlflow-register ${command} --help for its options.`);
}
/**
 * Rejects an option given twice, because `parseArgs` keeps the last value
 * and a script with `--model-name a --model-name b` would silently
 * register to `b`.
 */
function rejectRepeatedOptions(tokens) {
    const seen = new Set();
    for (const token of tokens) {
        if (token.kind !== 'option' || token.name === undefined)
            continue;
        if (seen.has(token.name)) {
            throw new UsageError(`The option --${token.name} is given more than once; give it once.`);
        }
        seen.add(token.name);
    }
}
/**
 * Rewords Node's errors for an unknown option, whose text suggests `--`
 * to pass positional arguments, and for an option without its value,
 * whose text names a placeholder. The CLI adds where the help is.
 */
function describeParseError(error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error?.code;
    const option = /'(--?[\w-]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
        return `Unknown option ${option}.`;
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
        // Node reports a value that starts with a dash as ambiguous, since
        // it could be the next option.
        return message.includes('ambiguous')
            ? `The value of ${option} starts with a dash. Write it as ` +
                `${option}=VALUE, or give a value that does not.`
            : `The option ${option} needs a value: ${option} VALUE.`;
    }
    return message;
}

;// CONCATENATED MODULE: ./src/cli/flag-wording.ts

// `mode` is the command on the command line, so it has no flag.
const FLAG_NAMES = new Set(INPUTS.map(input => input.name).filter(name => name !== 'mode'));
/**
 * Returns the variable that sets an input for the CLI, such as
 * `MLFLOW_REGISTER_MODEL_NAME`.
 */
function inputVariable(name) {
    return `MLFLOW_REGISTER_${name.toUpperCase().replace(/-/g, '_')}`;
}
/**
 * Rewrites a message of the configuration checks, which name action
 * inputs, into command-line terms: ``input `max-attempts` `` and a bare
 * `` `max-attempts` `` become `--max-attempts`, or the variable
 * `MLFLOW_REGISTER_MAX_ATTEMPTS` when the input is in `fromVariables`
 * because its value came from there, and the step's `with:` block becomes
 * the command line. A setting such as `` `allow-insecure-http: true` ``
 * becomes `--allow-insecure-http true`, and `` `mode: sync` `` the
 * command `sync`. Other backticked words stay as they are. "The action"
 * and "this action", as the diagnoses call the client, become
 * `mlflow-register`.
 */
function toFlagWording(text, fromVariables = new Set()) {
    const name = (input) => fromVariables.has(input) ? inputVariable(input) : `--${input}`;
    return text
        .replace(/`mode: ([a-z-]+)`/g, 'the `$1` command')
        .replace(/`([a-z][a-z-]*): ([^`\n]+)`/g, (match, input, value) => FLAG_NAMES.has(input) ? `\`--${input} ${String(value)}\`` : match)
        .replace(/input `([a-z][a-z-]*)`/g, (match, input) => FLAG_NAMES.has(input) ? name(input) : match)
        .replace(/`([a-z][a-z-]*)`/g, (match, input) => FLAG_NAMES.has(input) ? name(input) : match)
        .replace(/in the step's `with:` block/g, 'on the command line')
        .replace(/\b(?:[Tt]he|[Tt]his) action\b/g, 'mlflow-register');
}

;// CONCATENATED MODULE: ./src/cli/cli-host.ts





/** Lists the inputs set by an `MLFLOW_REGISTER_*` variable and no flag. */
function inputsFromVariables(options) {
    const names = INPUTS.map(input => input.name);
    return new Set(names.filter(name => !options.flags.has(name) &&
        options.env[inputVariable(name)] !== undefined));
}
/**
 * A host for terminals and other CI systems: inputs come from flags, then
 * `MLFLOW_REGISTER_*` variables; logs go to standard error with every
 * masked value replaced by `***`, and name flags, or the variables that
 * set them, where the action's messages name inputs.
 */
function createCliHost(options) {
    const secrets = new Set();
    const fromVariables = inputsFromVariables(options);
    const reword = (text) => toFlagWording(text, fromVariables);
    const redact = (text) => {
        let result = text;
        const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
        for (const secret of longestFirst)
            result = result.split(secret).join('***');
        return result;
    };
    const write = (prefix, message) => {
        options.write(redact(reword(`${prefix}${message}`)));
    };
    const host = {
        env: options.env,
        wording: reword,
        outputs: new Map(),
        failed: false,
        log: {
            info: (message) => {
                write('', message);
            },
            debug: (message) => {
                if (options.debug)
                    write('debug: ', message);
            },
            warning: (message, annotation) => {
                write('warning: ', annotation ? `${annotation.title}: ${message}` : message);
            },
            error: (message, annotation) => {
                write('error: ', annotation ? `${annotation.title}\n${message}` : message);
            },
            group: (name, body) => {
                write('', `== ${name}`);
                return body();
            }
        },
        getInput: (name) => (options.flags.get(name) ??
            options.env[inputVariable(name)] ??
            '').trim(),
        setSecret: (value) => {
            if (isMaskable(value))
                secrets.add(value);
        },
        setOutput: (name, value) => {
            host.outputs.set(name, redact(value));
        },
        writeSummary: async (markdown) => {
            if (options.summaryFile) {
                await (0,promises_.appendFile)(options.summaryFile, redact(reword(markdown)));
            }
        },
        setFailed: () => {
            host.failed = true;
        }
    };
    return host;
}

;// CONCATENATED MODULE: ./src/cli/registry-commands.ts




/** Reads the local registry named by `--registry-dir` or its default. */
function readRegistryOf(args, env) {
    const value = args.flags.get('registry-dir') ?? env[inputVariable('registry-dir')];
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const setting = value ? { value, origin: 'input' } : undefined;
    return readLocalRegistry(resolveRegistryDir(setting, workspace));
}
/** Builds the `list` rows of the local registry, invalid entries last. */
function localVersionRows(registry) {
    return [
        ...registry.versions.map(describeLocalVersion),
        ...registry.invalid.map(entry => ({
            kind: 'local',
            bundle: entry.bundle,
            model: '',
            version: '',
            aliases: [],
            createdAt: '',
            synced: {},
            invalid: entry.problem
        }))
    ];
}
function describeLocalVersion(entry) {
    return {
        kind: 'local',
        bundle: entry.bundle.manifest.bundleId,
        model: entry.modelName,
        version: entry.version,
        aliases: entry.aliases,
        createdAt: entry.bundle.manifest.createdAt,
        synced: Object.fromEntries(Object.entries(entry.synced).map(([uri, record]) => [uri, record.version]))
    };
}
/** Prints the local registry's rows as a table. */
function printLocalVersions(registry, rows, streams) {
    if (rows.length === 0)
        return;
    const invalidCount = registry.invalid.length;
    const invalidNote = invalidCount ? ` (${invalidCount} invalid)` : '';
    streams.stderr(`${countOf(rows.length, 'version')} in the local registry at ` +
        `${registry.directory}${invalidNote}\n`);
    for (const row of rows) {
        if (row.invalid) {
            streams.stdout(`${row.bundle}  INVALID: ${row.invalid}\n`);
            continue;
        }
        const aliases = row.aliases.length ? `  @${row.aliases.join(' @')}` : '';
        const synced = Object.entries(row.synced)
            .map(([uri, version]) => `  synced to ${uri} as version ${version}`)
            .join('');
        streams.stdout(`${row.model}  version ${row.version}${aliases}  ${row.bundle}` +
            `${synced}\n`);
    }
}
/**
 * Finds a local version by `<model>/<version>` or by bundle id; returns
 * undefined when the registry has no such version.
 */
function findLocalVersion(registry, reference) {
    const named = splitVersionReference(reference);
    return registry.versions.find(entry => named
        ? entry.modelName === named.model && entry.version === named.version
        : entry.bundle.manifest.bundleId === reference);
}
/**
 * Splits `<model>/<version>` at its last slash; undefined for a
 * reference without one, which is a bundle id.
 */
function splitVersionReference(reference) {
    const slash = reference.lastIndexOf('/');
    if (slash <= 0)
        return undefined;
    return {
        model: reference.slice(0, slash),
        version: reference.slice(slash + 1)
    };
}
/**
 * Finds an entry of the local registry that failed verification, by
 * bundle id or by the `<model>/<version>` its manifest claims.
 */
function findInvalidLocalVersion(registry, reference) {
    const named = splitVersionReference(reference);
    return registry.invalid.find(entry => named
        ? entry.claimed?.modelName === named.model &&
            entry.claimed.version === named.version
        : entry.bundle === reference);
}
/** The JSON that `show` prints for a local version. */
function showLocalVersion(entry) {
    const [row] = localVersionRows({
        directory: '',
        versions: [entry],
        invalid: []
    });
    const manifest = { ...entry.bundle.manifest, local: row };
    return `${JSON.stringify(manifest, null, 2)}\n`;
}

;// CONCATENATED MODULE: ./src/cli/bundle-commands.ts











/**
 * Lists the pending bundles of the bundle directory and the versions of
 * the local registry, each verified, as tables or, with `--json`, as one
 * JSON array whose rows have a `kind`. Returns the exit code.
 */
async function listBundles(args, env, streams) {
    const directory = bundleDirectory(args, env);
    const rows = [];
    for (const bundle of await listPendingBundles(directory)) {
        rows.push(await describeBundle(bundle));
    }
    const registry = await readRegistryOf(args, env);
    const localRows = localVersionRows(registry);
    if (args.json) {
        streams.stdout(`${JSON.stringify([...rows, ...localRows], null, 2)}\n`);
        return 0;
    }
    const invalidCount = rows.filter(row => row.invalid).length;
    const invalidNote = invalidCount ? ` (${invalidCount} invalid)` : '';
    streams.stderr(`${countOf(rows.length, 'pending bundle')} in ` +
        `${directory}${invalidNote}\n`);
    for (const row of rows) {
        const facts = row.invalid
            ? `INVALID: ${row.invalid}`
            : `${row.model ?? ''}  ${row.createdAt ?? ''}  ${lastErrorText(row)}`;
        streams.stdout(`${row.bundle}  ${facts}\n`);
    }
    printLocalVersions(registry, localRows, streams);
    return 0;
}
/** Gives a row's newest error, with its time when a sync failed later. */
function lastErrorText(row) {
    const code = row.lastError ?? '';
    const later = row.lastErrorAt && row.lastErrorAt !== row.createdAt;
    return later ? `${code} (sync failed at ${row.lastErrorAt})` : code;
}
/**
 * Verifies one pending bundle, or one local version given as its bundle
 * id or as `<model>/<version>`, and prints its manifest as JSON. Returns
 * 1 when it is invalid or missing and 2 when the id is neither a bundle
 * id nor `<model>/<version>`.
 */
async function showBundle(args, env, streams) {
    const id = args.bundleId ?? '';
    const pending = external_node_path_default().join(bundleDirectory(args, env), id);
    if (id.includes('/') || !(await isDirectory(pending))) {
        const registry = await readRegistryOf(args, env);
        const local = findLocalVersion(registry, id);
        if (local) {
            streams.stdout(showLocalVersion(local));
            return 0;
        }
        const invalid = findInvalidLocalVersion(registry, id);
        if (invalid) {
            return verifyAndPrint(external_node_path_default().join(registry.directory, invalid.bundle), streams);
        }
        if (isVersionReference(id)) {
            streams.stderr(`error: version ${id} was not found in the local registry at ` +
                `${registry.directory}. Run \`mlflow-register list\` to see ` +
                'what is there.\n');
            return 1;
        }
    }
    if (!bundleIdSchema.safeParse(id).success) {
        // `model/latest` and the like name a version without its number.
        const expected = id.includes('/')
            ? 'a bundle id, nor <model>/<version> with a version number such ' +
                'as fraud-model/3'
            : 'a bundle id';
        streams.stderr(`error: ${JSON.stringify(id)} is not ${expected}. Run ` +
            '`mlflow-register list` to see what is there.\n');
        return 2;
    }
    if (!(await isDirectory(pending))) {
        streams.stderr(`error: no bundle ${id} is in ${external_node_path_default().dirname(pending)}, and no ` +
            'version of the local registry has that name. Run ' +
            '`mlflow-register list` to see what is there.\n');
        return 1;
    }
    return verifyAndPrint(pending, streams);
}
/**
 * Verifies one bundle and prints its manifest as JSON, or the reason it
 * failed verification. Returns the exit code, 0 or 1.
 */
async function verifyAndPrint(bundlePath, streams) {
    try {
        const bundle = await readBundle(bundlePath);
        streams.stdout(`${JSON.stringify(bundle.manifest, null, 2)}\n`);
        // The manifest keeps the deferral's error; a later failed sync is
        // recorded beside the bundle.
        const failedSync = await readFailedSync(bundlePath);
        if (failedSync) {
            streams.stderr(`The last sync failed at ${failedSync.failedAt}: ` +
                `${failedSync.code}: ${failedSync.title}\n`);
        }
        return 0;
    }
    catch (error) {
        if (!(error instanceof diagnosis_diagnosis/* DiagnosedError */.xB))
            throw error;
        const { diagnosis } = error;
        streams.stderr(`error: ${diagnosis.detail}\nFix: ${diagnosis.fix}\n`);
        return 1;
    }
}
/** Returns whether `id` has the form `<model>/<version>`, e.g. `m/1`. */
function isVersionReference(id) {
    return /^[^/.][^/]*(\/[^/]+)*\/[1-9][0-9]*$/.test(id);
}
async function isDirectory(target) {
    const info = await (0,promises_.lstat)(target).catch(() => undefined);
    return info?.isDirectory() ?? false;
}
function bundleDirectory(args, env) {
    const directory = args.flags.get('bundle-dir') ?? env[inputVariable('bundle-dir')];
    return resolveBundleDir(directory === '' ? undefined : directory, env);
}
async function describeBundle(bundle) {
    const name = external_node_path_default().basename(bundle);
    try {
        const { manifest } = await readBundle(bundle);
        const failedSync = await readFailedSync(bundle);
        return {
            kind: 'pending',
            bundle: name,
            model: manifest.registration.modelName,
            createdAt: manifest.createdAt,
            lastError: failedSync?.code ?? manifest.lastError?.code ?? '',
            lastErrorAt: failedSync?.failedAt ?? (manifest.lastError ? manifest.createdAt : '')
        };
    }
    catch (error) {
        if (!(error instanceof diagnosis_diagnosis/* DiagnosedError */.xB))
            throw error;
        return { kind: 'pending', bundle: name, invalid: error.diagnosis.detail };
    }
}

;// CONCATENATED MODULE: ./src/cli/help.ts



const SUMMARIES = {
    register: 'Register a model version in an MLflow Model Registry, after an auth ' +
        'preflight; offline, or without a tracking URI, in the local registry.',
    preflight: 'Check that the tracking server is reachable, is MLflow, has a model ' +
        'registry and accepts the credentials; writes nothing.',
    sync: 'Register the pending registry bundles in --bundle-dir, written when ' +
        'a registration was deferred because the server was unavailable, and ' +
        'the versions of the local registry in --registry-dir.',
    verify: 'Check the files of the model version in --source (models:/<name>/' +
        '<version> or @<alias>) against its model.sig signature.',
    list: 'List the pending registry bundles in --bundle-dir and the versions ' +
        'of the local registry in --registry-dir, each verified.',
    show: 'Verify one registry bundle or local version (mlflow-register show ' +
        '<bundle-id> or <model>/<version>) and print its manifest.',
    'fake-server': 'Start an MLflow-compatible fake server on 127.0.0.1, in memory and ' +
        'without auth, to try the other commands without a real MLflow.'
};
/** Builds the help text of the whole CLI or of one command. */
function helpText(command) {
    if (!command)
        return overviewHelp();
    if (command === 'fake-server')
        return fakeServerHelp();
    const inputs = INPUTS.filter(input => takesInput(command, input));
    return [
        `Usage: mlflow-register ${command} [options]`,
        '',
        ...wrap(SUMMARIES[command], 78),
        '',
        'Options (each can also be set in the variable shown):',
        ...inputs.flatMap(describeInput),
        ...runOptionLines(command),
        '  -h, --help            Show this help.',
        '  --version             Print the version of mlflow-register.',
        '',
        EXIT_CODES
    ].join('\n');
}
const RUN_OPTION_LINES = {
    json: '  --json                Print the outputs as one JSON object on ' +
        'stdout.',
    'summary-file': '  --summary-file FILE   Append the Markdown summary to FILE.',
    debug: '  --debug               Log each request.'
};
/** Lists the help lines of the output options that a command takes. */
function runOptionLines(command) {
    if (command === 'list') {
        return [
            '  --json                Print the rows as one JSON array on stdout.'
        ];
    }
    const taken = RUN_OPTIONS_OF[command];
    return Object.entries(RUN_OPTION_LINES)
        .filter(([option]) => taken.includes(option))
        .map(([, line]) => line);
}
/** Width of the command names column of the overview, with its indent. */
const COMMAND_COLUMN = 14;
function overviewHelp() {
    const commands = Object.entries(SUMMARIES).flatMap(([name, text]) => {
        const [first = '', ...rest] = wrap(text, 80 - COMMAND_COLUMN);
        const indent = ' '.repeat(COMMAND_COLUMN);
        return [
            `  ${name.padEnd(COMMAND_COLUMN - 3)} ${first}`,
            ...rest.map(line => `${indent}${line}`)
        ];
    });
    return [
        'Usage: mlflow-register <command> [options]',
        '',
        'Commands:',
        ...commands,
        '',
        'Run mlflow-register <command> --help for its options, and',
        'mlflow-register --version for the version.',
        '',
        EXIT_CODES
    ].join('\n');
}
function fakeServerHelp() {
    return [
        'Usage: mlflow-register fake-server [--port PORT]',
        '',
        ...wrap(SUMMARIES['fake-server'], 78),
        '',
        ...wrap('Prints one JSON line on stdout with the tracking URI, the port and ' +
            'the process id, such as {"url":"http://127.0.0.1:41234",' +
            '"port":41234,"pid":5678}, and runs until it gets SIGINT ' +
            '(Ctrl+C) or SIGTERM. Everything it stores is lost when it stops.', 78),
        '',
        'Options:',
        '  --port PORT           The TCP port on 127.0.0.1. Default: 0, a free',
        '                        port.',
        '  -h, --help            Show this help.'
    ].join('\n');
}
function describeInput(input) {
    // A set, because some inputs list their own variable as a fallback.
    const variables = new Set([inputVariable(input.name), ...(input.env ?? [])]);
    const fallback = (input.boolean ? ' Given without a value, the flag means true.' : '') +
        (input.default === undefined ? '' : ` Default: ${input.default}.`);
    return [
        `  --${input.name}`,
        ...wrap(`${input.description.replace(/`/g, '')}${fallback}`, 72).map(line => `      ${line}`),
        ...wrap(`Variables: ${[...variables].join(', ')}`, 72).map(line => `      ${line}`)
    ];
}
function wrap(text, width) {
    const lines = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
        if (line && line.length + word.length + 1 > width) {
            lines.push(line);
            line = word;
        }
        else {
            line = line ? `${line} ${word}` : word;
        }
    }
    if (line)
        lines.push(line);
    return lines;
}
const EXIT_CODES = [
    'Exit codes:',
    '  0  the command succeeded',
    '  1  it failed; the diagnosis code is printed and in the JSON output',
    '  2  the command line is invalid: an unknown command or option, or an',
    '     option or variable value that fails validation'
].join('\n');

;// CONCATENATED MODULE: ./src/cli/main.ts






/**
 * Runs the CLI and returns its exit code: 0 on success, 1 when the
 * command failed (with a diagnosis), 2 when the command line is invalid,
 * including an option or variable value that fails validation.
 */
async function runCli(argv, env, streams) {
    let args;
    try {
        args = parseCliArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        streams.stderr(`error: ${error.message}\nRun mlflow-register --help for the ` +
            'commands, or mlflow-register <command> --help for the options.\n');
        return 2;
    }
    if (args.version) {
        streams.stdout(`${VERSION}\n`);
        return 0;
    }
    if (args.help || !args.command) {
        const text = helpText(args.command);
        if (args.command || args.help) {
            streams.stdout(`${text}\n`);
            return 0;
        }
        streams.stderr(`${text}\n`);
        return 2;
    }
    if (args.command === 'list')
        return listBundles(args, env, streams);
    if (args.command === 'show')
        return showBundle(args, env, streams);
    if (args.command === 'fake-server') {
        // The fake server is a sixth of the code and no other command uses
        // it, so it loads only for this one.
        const { runFakeServer } = await __webpack_require__.e(/* import() */ 6).then(__webpack_require__.bind(__webpack_require__, 44006));
        return runFakeServer(args, streams);
    }
    const flags = new Map(args.flags);
    flags.set('mode', args.command);
    const host = createCliHost({
        flags,
        env,
        debug: args.debug,
        ...(args.summaryFile ? { summaryFile: args.summaryFile } : {}),
        write: line => {
            streams.stderr(`${line}\n`);
        }
    });
    const result = await run(host);
    const outputs = Object.fromEntries(host.outputs);
    streams.stdout(args.json
        ? `${JSON.stringify(jsonOutputs(outputs), null, 2)}\n`
        : Object.entries(outputs)
            .filter(([, value]) => value !== '')
            .map(([name, value]) => `${name}=${value}\n`)
            .join(''));
    return exitCode(result, host.failed);
}
/**
 * Maps a run to its exit code. An option or variable value that failed
 * validation is an invalid command line (2), as the help documents, so
 * scripts can tell it from a failed run (1).
 */
function exitCode(result, failed) {
    if (result.diagnosis?.invalidSetting !== undefined)
        return 2;
    return failed ? 1 : 0;
}
/**
 * Returns the outputs for `--json`, with `comparison` and `planned-calls`
 * as values or null rather than JSON strings inside JSON. `sync-report`
 * stays a string, as it was before the others were parsed, so scripts
 * that read it keep working.
 */
function jsonOutputs(outputs) {
    const parsed = { ...outputs };
    for (const name of JSON_OUTPUTS) {
        const value = outputs[name];
        parsed[name] = value ? JSON.parse(value) : null;
    }
    return parsed;
}
const JSON_OUTPUTS = ['comparison', 'planned-calls'];


/***/ }),

/***/ 78619:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ DIAGNOSIS_CODES),
/* harmony export */   J: () => (/* binding */ AVAILABILITY_CODES)
/* harmony export */ });
/**
 * Diagnosis codes: stable identifiers for each kind of failure. They are
 * outputs of the action, so renaming one is a breaking change, and each has
 * a heading in `docs/troubleshooting.md`.
 */
const DIAGNOSIS_CODES = {
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
};
/**
 * Codes of failures that may clear up on their own: only these are retried,
 * and only these may later lead to a deferred registration.
 */
const AVAILABILITY_CODES = new Set([
    'UNREACHABLE',
    'SERVER_UNAVAILABLE'
]);


/***/ }),

/***/ 62196:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fj: () => (/* binding */ configError),
/* harmony export */   h4: () => (/* binding */ diagnose),
/* harmony export */   xB: () => (/* binding */ DiagnosedError)
/* harmony export */ });
/* harmony import */ var _codes_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78619);

/** An error that already carries its diagnosis. */
class DiagnosedError extends Error {
    diagnosis;
    constructor(diagnosis, options) {
        super(`${diagnosis.title}: ${diagnosis.detail}`, options);
        this.name = 'DiagnosedError';
        this.diagnosis = diagnosis;
    }
}
/** Builds a diagnosis whose title defaults to the code's standard title. */
function diagnose(code, detail, fix, evidence = {}, title = _codes_js__WEBPACK_IMPORTED_MODULE_0__/* .DIAGNOSIS_CODES */ .F[code]) {
    return { code, title, detail, fix, evidence };
}
/** Creates the error for an invalid input, raised before any request. */
function configError(input, problem, fix) {
    const diagnosis = diagnose('CLIENT_CONFIG', `${input}: ${problem}`, fix, {}, `Invalid ${input}`);
    return new DiagnosedError({ ...diagnosis, invalidSetting: input });
}


/***/ }),

/***/ 58357:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ nodeCrypto)
/* harmony export */ });
/**
 * Returns Node's crypto module, which loads on the first call. Node 24
 * takes about 5 ms to load it, so a CLI run loads it only when it first
 * needs a hash, a random value, a key or a certificate. A registration
 * from a source needs the first hash while its first requests are in
 * flight.
 */
function nodeCrypto() {
    return process.getBuiltinModule('node:crypto');
}


/***/ }),

/***/ 10363:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I9: () => (/* binding */ SIGNATURE_FILE),
/* harmony export */   LH: () => (/* binding */ hashStream),
/* harmony export */   bb: () => (/* binding */ rootDigest),
/* harmony export */   gE: () => (/* binding */ compareFileNames),
/* harmony export */   pb: () => (/* binding */ manifestFromDirectory),
/* harmony export */   pi: () => (/* binding */ isIgnored),
/* harmony export */   qz: () => (/* binding */ IGNORED_PATHS)
/* harmony export */ });
/* harmony import */ var _node_crypto_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(58357);

/** The file name of the signature bundle, beside the model files. */
const SIGNATURE_FILE = 'model.sig';
/**
 * The top-level paths that model-signing 1.1.1 leaves out by default:
 * its signature file and git's files. A directory among them is left out
 * with everything below it.
 */
const IGNORED_PATHS = [
    SIGNATURE_FILE,
    '.git',
    '.gitattributes',
    '.github',
    '.gitignore'
];
/**
 * Returns the manifest of a local model directory from the hashes taken
 * while it was read, leaving out `ignorePaths` (by default the paths the
 * action signs without). Symbolic links inside the directory count as
 * the files they point to, as they are uploaded, so the digest is that
 * of the uploaded copy.
 */
function manifestFromDirectory(directory, ignorePaths = IGNORED_PATHS) {
    const files = directory.files
        .filter(file => !isIgnored(file.relativePath, ignorePaths))
        .map(file => ({ name: file.relativePath, digest: file.sha256 }))
        .sort((a, b) => compareFileNames(a.name, b.name));
    // model-signing 1.1.1 checks every path it walks, ignored or not, and
    // the model directory itself, so one link anywhere needs the flag.
    const allowSymlinks = directory.rootIsSymlink || directory.files.some(file => file.isSymlink);
    return { modelName: directory.modelName, files, allowSymlinks };
}
/**
 * Checks whether a file is left out of a manifest by its path: it is one
 * of `ignorePaths`, which are relative to the model directory, or below
 * one of them. The default is the paths the action signs without.
 */
function isIgnored(name, ignorePaths = IGNORED_PATHS) {
    return ignorePaths.some(ignored => {
        const prefix = normalizeIgnorePath(ignored);
        return prefix === '' || name === prefix || name.startsWith(`${prefix}/`);
    });
}
/**
 * Drops a leading `./` and trailing slashes. An empty result is the model
 * directory itself, below which every file lies, as Python's
 * `PurePath.is_relative_to` has it.
 */
function normalizeIgnorePath(ignored) {
    let prefix = ignored;
    while (prefix.startsWith('./'))
        prefix = prefix.slice(2);
    while (prefix.endsWith('/'))
        prefix = prefix.slice(0, -1);
    return prefix === '.' ? '' : prefix;
}
/**
 * Orders file names as model-signing does: by path components, as
 * Python's `PurePosixPath` compares, so `a/b` sorts before `a-b` and
 * `a.txt`, unlike a plain string sort.
 */
function compareFileNames(a, b) {
    const left = a.split('/');
    const right = b.split('/');
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
        const order = compareCodePoints(left[i] ?? '', right[i] ?? '');
        if (order !== 0)
            return order;
    }
    return left.length - right.length;
}
/**
 * Compares strings by Unicode code points, as Python compares `str`;
 * JavaScript's `<` compares UTF-16 code units, which orders characters
 * outside the Basic Multilingual Plane differently.
 */
function compareCodePoints(a, b) {
    const left = Array.from(a);
    const right = Array.from(b);
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
        const difference = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
        if (difference !== 0)
            return difference;
    }
    return left.length - right.length;
}
/** Returns the SHA-256 of a stream's bytes in hex, chunk by chunk. */
async function hashStream(stream) {
    const hash = (0,_node_crypto_js__WEBPACK_IMPORTED_MODULE_0__/* .nodeCrypto */ .S)().createHash('sha256');
    for await (const chunk of stream)
        hash.update(chunk);
    return hash.digest('hex');
}
/**
 * Returns the model digest: SHA-256 over the raw bytes of each file's
 * digest, in manifest order. It is the statement's subject digest.
 */
function rootDigest(files) {
    const hash = (0,_node_crypto_js__WEBPACK_IMPORTED_MODULE_0__/* .nodeCrypto */ .S)().createHash('sha256');
    for (const file of files)
        hash.update(Buffer.from(file.digest, 'hex'));
    return hash.digest('hex');
}


/***/ }),

/***/ 16320:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   X: () => (/* binding */ PUBLIC_GOOD_FULCIO_URL),
/* harmony export */   Y: () => (/* binding */ PUBLIC_GOOD_REKOR_URL)
/* harmony export */ });
/** Sigstore's public-good certificate authority. */
const PUBLIC_GOOD_FULCIO_URL = 'https://fulcio.sigstore.dev';
/** Sigstore's public-good transparency log. */
const PUBLIC_GOOD_REKOR_URL = 'https://rekor.sigstore.dev';


/***/ }),

/***/ 74158:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   By: () => (/* binding */ parseStatement),
/* harmony export */   T4: () => (/* binding */ IN_TOTO_PAYLOAD_TYPE),
/* harmony export */   Y5: () => (/* binding */ buildStatement)
/* harmony export */ });
/* unused harmony export MODEL_SIGNING_PREDICATE */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(27597);
/* harmony import */ var _model_digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(10363);


/** The DSSE payload type of an in-toto statement. */
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The predicate type of model-signing 1.x signatures. */
const MODEL_SIGNING_PREDICATE = 'https://model_signing/signature/v1.0';
const sha256Hex = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().regex(/^[0-9a-f]{64}$/);
const statementSchema = zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({
    _type: zod__WEBPACK_IMPORTED_MODULE_1__/* .literal */ .euz(STATEMENT_TYPE),
    subject: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({ name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), digest: zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({ sha256: sha256Hex }) }))
        .length(1),
    predicateType: zod__WEBPACK_IMPORTED_MODULE_1__/* .literal */ .euz(MODEL_SIGNING_PREDICATE),
    predicate: zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({
        serialization: zod__WEBPACK_IMPORTED_MODULE_1__/* .looseObject */ ._H3({
            method: zod__WEBPACK_IMPORTED_MODULE_1__/* .literal */ .euz('files'),
            hash_type: zod__WEBPACK_IMPORTED_MODULE_1__/* .literal */ .euz('sha256'),
            allow_symlinks: zod__WEBPACK_IMPORTED_MODULE_1__/* .boolean */ .zMY(),
            ignore_paths: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP()).optional()
        }),
        resources: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .object */ .Ikc({
            name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(),
            algorithm: zod__WEBPACK_IMPORTED_MODULE_1__/* .literal */ .euz('sha256'),
            digest: sha256Hex
        }))
    })
});
/**
 * Builds the in-toto statement v1 that model-signing 1.1.1 signs for a
 * file-by-file serialization: the model digest as the subject, and each
 * file's SHA-256 as a resource of the predicate. Returns the JSON bytes,
 * which are the DSSE payload. `allow_symlinks` is true when a symbolic
 * link was read, as `model_signing sign --allow_symlinks` records it.
 * NOTE: model-signing 1.1.1 does not read the flag back: its verify
 * command needs `--allow_symlinks` for such a model.
 */
function buildStatement(manifest) {
    const files = [...manifest.files].sort((a, b) => (0,_model_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .compareFileNames */ .gE)(a.name, b.name));
    const statement = {
        _type: STATEMENT_TYPE,
        subject: [
            { name: manifest.modelName, digest: { sha256: (0,_model_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .rootDigest */ .bb)(files) } }
        ],
        predicateType: MODEL_SIGNING_PREDICATE,
        predicate: {
            serialization: {
                method: 'files',
                hash_type: 'sha256',
                allow_symlinks: manifest.allowSymlinks === true,
                ignore_paths: _model_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .IGNORED_PATHS */ .qz
            },
            resources: files.map(file => ({
                name: file.name,
                algorithm: 'sha256',
                digest: file.digest
            }))
        }
    };
    return Buffer.from(JSON.stringify(statement, null, 2));
}
/**
 * Parses a signed statement and checks that its subject digest is the
 * digest of its resources, as model-signing does, so the resources can
 * be trusted once the signature is. Returns the reason instead when the
 * payload is not such a statement.
 */
function parseStatement(payload) {
    let json;
    try {
        json = JSON.parse(payload.toString('utf8'));
    }
    catch {
        return { invalid: 'the signed payload is not JSON' };
    }
    const result = statementSchema.safeParse(json);
    if (!result.success) {
        return {
            invalid: 'the signed payload is not a model-signing v1.0 statement with ' +
                `sha256 file digests (${result.error.issues[0]?.message ?? ''})`
        };
    }
    const { subject, predicate } = result.data;
    const files = predicate.resources.map(({ name, digest }) => ({
        name,
        digest
    }));
    const digest = subject[0]?.digest.sha256 ?? '';
    // model-signing hashes the resources in the order the predicate lists
    // them, so the check does too, before sorting.
    if ((0,_model_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .rootDigest */ .bb)(files) !== digest) {
        return {
            invalid: 'the statement is inconsistent: its file digests do not hash to ' +
                `its subject digest ${digest}`
        };
    }
    return {
        modelName: subject[0]?.name ?? '',
        files: files.sort((a, b) => (0,_model_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .compareFileNames */ .gE)(a.name, b.name)),
        digest,
        allowSymlinks: predicate.serialization.allow_symlinks,
        ignorePaths: predicate.serialization.ignore_paths ?? []
    };
}


/***/ })

};
