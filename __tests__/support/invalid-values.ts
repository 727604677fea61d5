/**
 * The values each input must reject, as fast-check arbitraries, and the
 * inputs that accept any value. A case may set other inputs first
 * (`context`), for an input that is read only in some setups, such as
 * `sagemaker-endpoint` with a SageMaker ARN tracking URI. A context value
 * of null removes that input from the base registration.
 */
import fc from 'fast-check'

import {
  AUTH_MODES,
  INPUTS,
  MODES,
  OFFLINE_CHOICES,
  OIDC_EXCHANGES,
  ON_UNAVAILABLE,
  SIGNING_METHODS,
  type InputName
} from '../../src/config/inputs.js'

/** A password of the base registration, which must never be printed. */
export const PASSWORD = 'pw-hostile-7c41d9e2b8'

/** One input's invalid values, and the inputs that make it read them. */
export interface InvalidCase {
  readonly input: InputName
  readonly values: fc.Arbitrary<string>
  readonly context?: Readonly<Record<string, string | null>>
  /** The input the error names, when it is not `input` itself. */
  readonly named?: InputName
  /** Whether only the input is checked, and not its fallback variable. */
  readonly inputOnly?: boolean
}

/** Non-empty after trimming, as both hosts trim every input. */
export const nonBlank = (value: string): boolean => value.trim() !== ''

const notIn = (allowed: readonly string[]) =>
  fc
    .string({ maxLength: 30 })
    .filter(v => nonBlank(v) && !allowed.includes(v.trim().toLowerCase()))

const notWhole = (min: number, max: number) =>
  fc.oneof(
    fc
      .string({ maxLength: 12 })
      .filter(v => nonBlank(v) && !/^\d+$/.test(v.trim())),
    fc.integer({ min: max + 1 }).map(String),
    fc.integer({ max: min - 1 }).map(String),
    fc
      .double({ noNaN: true })
      .map(String)
      .filter(v => !/^\d+$/.test(v))
  )

/** A fragment that contains no path separator, so a path stays put. */
const fileWord = fc
  .string({ maxLength: 12 })
  .map(s => s.replace(/[/\\\r\n]/g, '_'))

/**
 * A path, relative to the workspace, where nothing exists, some with a
 * NUL byte, which Node's file functions reject with a TypeError.
 */
const missingFile = fc.oneof(
  fileWord.map(s => `missing-${s}.pem`),
  fileWord.map(s => `missing-${s}\u0000.pem`)
)

/** A short lower-case word, for parts of structured values. */
const word = fc.stringMatching(/^[a-z0-9]{0,10}$/)

const BOOLEANS = ['true', 'false', '1', '0', 'yes', 'no']

const REJECTED_URLS = [
  'ftp://127.0.0.1/',
  'not a url',
  `http://ci-bot:${PASSWORD}@127.0.0.1:99999/`,
  'http://127.0.0.1:9/\r\nX-Injected: 1',
  'http://127.0.0.1:9/?q=1',
  'http://127.0.0.1:9/#top',
  'databricks:/bad'
]

const serverUri = fc.oneof(
  fc.constantFrom(...REJECTED_URLS),
  fc.string({ maxLength: 20 }).map(s => `mailto:${s}`),
  fc
    .tuple(word, fc.constantFrom(' ', '\t', '\n', '\u0000', '\u007f'))
    .map(([path, bad]) => `http://127.0.0.1:9/${path}${bad}x`)
)

/**
 * URLs that an https-only endpoint input rejects: other schemes, plain
 * http beyond loopback (192.0.2.1 is TEST-NET-1), user info, fragments.
 */
const endpointUrl = fc.oneof(
  fc.constantFrom(
    'ftp://127.0.0.1/token',
    'not a url',
    '/token',
    'http://192.0.2.1/token',
    `https://ci-bot:${PASSWORD}@127.0.0.1/token`,
    'https://127.0.0.1/token#part'
  ),
  fc.string({ maxLength: 20 }).map(s => `mailto:${s}`)
)

/** A URL with a query, fragment or other scheme, or no URL at all. */
const queryOrSchemeUrl = fc.oneof(
  fc.constantFrom(
    'ftp://127.0.0.1/',
    'not a url',
    'http://192.0.2.1/',
    'https://127.0.0.1/?a=1',
    'https://127.0.0.1/#a'
  ),
  fc.string({ maxLength: 20 }).map(s => `mailto:${s}`)
)

const SAGEMAKER_ARN =
  'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ci'

/** The invalid values of each constrained input, one case per input. */
export const INVALID_CASES: readonly InvalidCase[] = [
  { input: 'mode', values: notIn(MODES) },
  { input: 'tracking-uri', values: serverUri },
  { input: 'registry-uri', values: serverUri },
  {
    input: 'sagemaker-endpoint',
    values: endpointUrl,
    context: { 'tracking-uri': SAGEMAKER_ARN }
  },
  {
    input: 'databricks-host',
    values: fc.oneof(
      fc.constantFrom(
        'ftp://dbc.example.com',
        'http://192.0.2.1',
        `https://ci-bot:${PASSWORD}@127.0.0.1`
      ),
      word.map(s => `mailto://${s}`)
    ),
    context: { 'tracking-uri': 'databricks', 'databricks-token': PASSWORD }
  },
  // No Databricks URI reads a profile here, so any profile is rejected.
  // DATABRICKS_CONFIG_PROFILE is often set for every job, so the action
  // ignores it here.
  {
    input: 'databricks-profile',
    values: fc.string().filter(nonBlank),
    inputOnly: true
  },
  {
    input: 'model-name',
    values: fc.oneof(
      fc
        .tuple(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('/', ':', '\u0000', '\u0007', '\n', '\t'),
          fc.string({ maxLength: 20 })
        )
        .map(([a, reserved, b]) => `m${a}${reserved}${b}z`),
      fc.constantFrom('.', '..', '..model'),
      fc.string({ maxLength: 10 }).map(s => `..${s}`)
    )
  },
  {
    input: 'source',
    values: fc.oneof(
      fc.constantFrom(
        'runs:/',
        'runs:/0a1b2c',
        'models:/',
        'models:/fraud-model',
        's3://bucket/../model',
        'C:\\models\\fraud',
        'file:///tmp/model'
      ),
      fc.string({ maxLength: 20 }).map(s => `./${s}`)
    )
  },
  {
    input: 'model-path',
    values: fc.oneof(
      fc.string({ maxLength: 30 }).filter(nonBlank),
      fileWord.map(s => `model${s}\u0000`)
    ),
    context: { source: null }
  },
  {
    input: 'artifact-path',
    values: fc.oneof(
      fc.constantFrom('..', '../model', 'a/../b', 'a//b', './', '/'),
      word.map(s => `${s}/./model`)
    )
  },
  {
    input: 'description',
    values: fc
      .string({ maxLength: 20 })
      .filter(nonBlank)
      .map(s => `${'d'.repeat(5000)}${s}`)
  },
  {
    input: 'tags',
    values: fc.oneof(
      fc.constantFrom(
        'ci.sha=0a1b2c',
        'mlflow_register.key=1',
        'no-separator',
        '=value',
        'a//b=1',
        '../up=1'
      ),
      fc
        .tuple(word, fc.constantFrom('!', '"', '\\', '@', '#', '\u0000'))
        .map(([key, bad]) => `k${key}${bad}=v`)
    )
  },
  {
    input: 'aliases',
    values: fc.oneof(
      fc.constantFrom('latest', 'LATEST', 'v1', 'champion/two', 'a b'),
      fc.string({ minLength: 256, maxLength: 300 }).map(s => `a${s}`)
    )
  },
  {
    input: 'expected-alias-versions',
    values: fc.oneof(
      fc.constantFrom(
        'champion',
        'champion=0',
        'champion=v1',
        'staging=3',
        'champion=1,champion=2',
        '=3'
      ),
      fc
        .string({ maxLength: 12 })
        .filter(s => !/[,\n]/.test(s) && !/^\s*([1-9]\d*|none)\s*$/i.test(s))
        .map(s => `champion=${s}`)
    ),
    context: { aliases: 'champion' }
  },
  {
    input: 'require-metric',
    values: fc.oneof(
      fc.constantFrom('val_auc', 'val_auc => 1', '>= 1', 'val_auc >= 1e999'),
      word
        .filter(s => s !== 'champion' && !/^\d/.test(s))
        .map(s => `val_auc >= x${s}`),
      fc.constantFrom('!', '"', '#', '$', '%').map(bad => `val${bad}auc >= 0.9`)
    ),
    context: { aliases: 'champion' }
  },
  { input: 'auth-mode', values: notIn(AUTH_MODES) },
  {
    input: 'username',
    values: fc
      .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
      .map(([a, b]) => `u${a}:${b}z`)
  },
  {
    input: 'token-header',
    values: fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(' ', ':', '\r\n', '(', '"')
      )
      .map(([name, bad]) => `X${name}${bad}Key`)
  },
  { input: 'token-endpoint', values: endpointUrl },
  { input: 'oauth-issuer', values: endpointUrl },
  {
    input: 'scope',
    values: fc
      .tuple(word, fc.constantFrom('"', '\\', 'é', '\u0001'), word)
      .map(([a, bad, b]) => `read ${a}${bad}${b}`)
  },
  {
    input: 'resource',
    values: fc.oneof(
      fc.constantFrom('relative/path', 'not a uri'),
      word.map(s => `https://api.example/${s}#part`)
    )
  },
  { input: 'client-auth', values: notIn(['basic', 'post']) },
  { input: 'ca-cert', values: fc.oneof(missingFile, fc.constant('.')) },
  { input: 'client-cert', values: fc.oneof(missingFile, fc.constant('.')) },
  // Without `client-cert`, any key is rejected.
  { input: 'client-key', values: fc.string().filter(nonBlank) },
  { input: 'insecure-tls', values: notIn(BOOLEANS) },
  { input: 'allow-insecure-http', values: notIn(BOOLEANS) },
  {
    // Header values are secrets and masked, so each one here is a word
    // that cannot occur in the error line it would otherwise hide.
    input: 'extra-headers',
    values: fc.oneof(
      word.map(s => `hdrline-${s}`),
      fc
        .tuple(fc.constantFrom(' ', '(', '"', '@', 'é'), word)
        .map(([bad, s]) => `Bad${bad}Name: hdrvalue-${s}`),
      fc
        .tuple(fc.constantFrom('\u0000', '\u0007', '\u007f'), word)
        .map(([bad, s]) => `X-Hostile: hdrvalue${bad}${s}`),
      fc.constantFrom(
        'Authorization: hdrvalue-auth',
        'Host: hdrvalue-host',
        'X-A: hdrvalue-a\nX-A: hdrvalue-b',
        'X-Empty:'
      )
    )
  },
  { input: 'oidc-exchange', values: notIn(OIDC_EXCHANGES) },
  {
    input: 'azure-tenant-id',
    values: fc
      .string({ maxLength: 20 })
      .filter(v => nonBlank(v) && !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(v.trim()))
  },
  {
    input: 'azure-authority-host',
    values: queryOrSchemeUrl,
    context: { 'azure-tenant-id': 'contoso.onmicrosoft.com' }
  },
  { input: 'dry-run', values: notIn(BOOLEANS) },
  { input: 'force-new-version', values: notIn(BOOLEANS) },
  { input: 'wait-timeout', values: notWhole(1, 86_400) },
  { input: 'request-timeout', values: notWhole(1, 86_400) },
  { input: 'max-attempts', values: notWhole(1, 20) },
  { input: 'retry-max-time', values: notWhole(1, 86_400) },
  {
    input: 'retry-initial-delay',
    values: fc.oneof(
      fc
        .string({ maxLength: 10 })
        .filter(v => nonBlank(v) && !/^\d{1,2}(\.\d{1,3})?$/.test(v.trim())),
      fc.integer({ min: 61, max: 99 }).map(String)
    )
  },
  { input: 'on-unavailable', values: notIn(ON_UNAVAILABLE) },
  {
    input: 'offline',
    values: notIn([...OFFLINE_CHOICES, '1', '0', 'yes', 'no'])
  },
  { input: 'attest', values: notIn(BOOLEANS) },
  { input: 'digest-source', values: notIn(BOOLEANS) },
  { input: 'signing', values: notIn(SIGNING_METHODS) },
  {
    // A masked value hides every copy of itself, so each value carries a
    // prefix that no error line contains.
    input: 'signing-key',
    values: fc.oneof(
      fc.string({ maxLength: 20 }).map(s => `not-a-pem-${s}`),
      fc.constant(
        '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----'
      )
    ),
    context: { signing: 'key' }
  },
  {
    input: 'verify-key',
    values: fc.oneof(
      missingFile,
      fc.constantFrom(
        '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----',
        '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----'
      )
    )
  },
  { input: 'verify-signature', values: notIn(BOOLEANS) },
  // Either signer field alone is rejected, and the error names the other,
  // which is the one to set.
  {
    input: 'certificate-identity',
    values: fc.string().filter(nonBlank),
    named: 'certificate-oidc-issuer'
  },
  {
    input: 'certificate-oidc-issuer',
    values: fc.string().filter(nonBlank),
    named: 'certificate-identity'
  },
  { input: 'sigstore-fulcio-url', values: queryOrSchemeUrl.filter(noHttp) },
  { input: 'sigstore-rekor-url', values: queryOrSchemeUrl.filter(noHttp) },
  {
    input: 'sigstore-trusted-root',
    values: missingFile
  }
]

function noHttp(value: string): boolean {
  return !/^https?:\/\/[^\s]+$/.test(value)
}

/** The inputs that take any value, with the reason. */
export const UNCONSTRAINED: ReadonlyMap<InputName, string> = new Map([
  ['databricks-token', 'an opaque secret'],
  ['databricks-client-id', 'an opaque identifier'],
  ['databricks-client-secret', 'an opaque secret'],
  [
    'databricks-config-file',
    'read only where a Databricks URI reads a profile, so no value is ' +
      'invalid on its own'
  ],
  ['experiment-name', 'any experiment name MLflow accepts'],
  ['password', 'an opaque secret'],
  ['token', 'an opaque secret'],
  ['client-id', 'an opaque identifier'],
  ['client-secret', 'an opaque secret'],
  ['audience', 'an opaque value the provider reads'],
  ['client-key-passphrase', 'read only for an encrypted key'],
  ['oidc-audience', 'an opaque value the relying party reads'],
  ['azure-client-id', 'an opaque identifier'],
  ['idempotency-key', 'any text, stored as a tag value'],
  ['bundle-dir', 'any directory'],
  ['registry-dir', 'any directory'],
  ['report-path', 'any file, written in preflight mode only'],
  ['github-token', 'an opaque secret']
] satisfies [InputName, string][])

/** The names of the inputs whose values are secrets. */
export const SECRET_INPUTS: ReadonlySet<string> = new Set(
  INPUTS.filter(input => 'secret' in input && input.secret).map(
    input => input.name
  )
)
