import { describe, expect, it } from '@jest/globals'

import type { DiagnosisCode } from '../../../src/diagnosis/codes.js'
import {
  DiagnosedError,
  configError
} from '../../../src/diagnosis/diagnosis.js'
import type { RequestError } from '../../../src/http/errors.js'
import {
  classifyFailure,
  toDiagnosedError
} from '../../../src/preflight/classify.js'
import {
  BASIC_CREDENTIAL,
  BEARER_CREDENTIAL,
  connectionError,
  httpError
} from '../fixtures/errors.js'

/** One failure, the code it must get and words its detail must contain. */
interface Case {
  readonly name: string
  readonly error: RequestError
  readonly code: DiagnosisCode
  readonly detail?: readonly (string | RegExp)[]
  readonly fix?: RegExp
}

const HTML = { 'content-type': 'text/html; charset=utf-8' }
const JSON_TYPE = { 'content-type': 'application/json' }
const MLFLOW_BASIC = { 'www-authenticate': 'Basic realm="mlflow"' }
const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://mlflow.org/docs/latest/' +
  'auth/index.html#authenticating-to-mlflow on how to authenticate.'
const HOST_CHECK =
  'Invalid Host header - possible DNS rebinding attack detected'
const CREATE = {
  method: 'POST',
  url: 'https://mlflow.test/api/2.0/mlflow/model-versions/create',
  operation: 'create model version'
}

const mlflowJson = (code: string, message: string): string =>
  JSON.stringify({ error_code: code, message })

const CONNECTION_CASES: Case[] = [
  {
    name: 'connection refused',
    error: connectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1'),
    code: 'UNREACHABLE',
    detail: ['Nothing accepted a connection at mlflow.test'],
    fix: /running/
  },
  {
    name: 'connect timeout',
    error: connectionError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout'),
    code: 'UNREACHABLE'
  },
  {
    name: 'header value with a line break',
    error: connectionError(
      'UND_ERR_INVALID_ARG',
      'invalid authorization header'
    ),
    code: 'CLIENT_CONFIG',
    detail: ['holds a line break'],
    fix: /trailing newline/
  },
  {
    name: 'DNS failure',
    error: connectionError('ENOTFOUND', 'getaddrinfo ENOTFOUND mlflow.test'),
    code: 'CLIENT_CONFIG',
    detail: ['could not be resolved (ENOTFOUND)'],
    fix: /self-hosted runner/
  },
  {
    name: 'temporary DNS failure',
    error: connectionError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN'),
    code: 'UNREACHABLE'
  },
  {
    name: 'headers timeout',
    error: connectionError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout'),
    code: 'SERVER_UNAVAILABLE',
    detail: ['did not answer in time'],
    fix: /`request-timeout`/
  },
  {
    name: 'body timeout',
    error: connectionError('UND_ERR_BODY_TIMEOUT', 'Body Timeout'),
    code: 'SERVER_UNAVAILABLE',
    detail: ['did not answer in time']
  },
  {
    name: 'socket timeout',
    error: connectionError('ETIMEDOUT', 'read ETIMEDOUT'),
    code: 'SERVER_UNAVAILABLE'
  },
  {
    name: 'connection reset',
    error: connectionError('ECONNRESET', 'read ECONNRESET'),
    code: 'SERVER_UNAVAILABLE',
    detail: ['failed before an answer arrived (ECONNRESET)']
  },
  ...[
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  ].map((code): Case => ({
    name: `untrusted certificate ${code}`,
    error: connectionError(code, 'self-signed certificate'),
    code: 'TLS_UNTRUSTED',
    detail: [`not trusted (${code})`],
    fix: /`ca-cert`.*NODE_EXTRA_CA_CERTS/
  })),
  {
    name: 'expired certificate',
    error: connectionError('CERT_HAS_EXPIRED', 'certificate has expired'),
    code: 'TLS_UNTRUSTED',
    detail: ['outside its validity period (CERT_HAS_EXPIRED)'],
    fix: /Renew the server certificate/
  },
  {
    name: 'certificate for another name',
    error: connectionError(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: " +
        "mlflow.test. is not in the cert's altnames: DNS:*.other.test"
    ),
    code: 'TLS_HOSTNAME',
    detail: ['does not name that host', 'DNS:*.other.test']
  },
  {
    name: 'EPROTO',
    error: connectionError('EPROTO', 'write EPROTO'),
    code: 'TLS_PROTOCOL',
    fix: /http:\/\//
  },
  {
    name: 'wrong version number',
    error: connectionError(
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'SSL routines:tls_validate_record_header:wrong version number'
    ),
    code: 'TLS_PROTOCOL',
    detail: ['plain HTTP']
  },
  {
    name: 'client certificate required',
    error: connectionError(
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'SSL routines:ssl3_read_bytes:tlsv13 alert certificate required'
    ),
    code: 'TLS_CLIENT_CERT',
    detail: ['requires a client certificate']
  }
]

const SUCCESS_AND_REDIRECT_CASES: Case[] = [
  {
    name: '200 HTML login page',
    error: httpError(
      200,
      HTML,
      '<html><head><title>Sign in - Example SSO</title></head></html>'
    ),
    code: 'PROXY_LOGIN',
    detail: ['login page titled "Sign in - Example SSO"'],
    fix: /machine credentials/
  },
  {
    name: '200 other HTML',
    error: httpError(200, HTML, '<html><title>Welcome to nginx!</title>'),
    code: 'NOT_MLFLOW',
    detail: ['an HTML page titled "Welcome to nginx!"']
  },
  {
    name: '200 plain text',
    error: httpError(200, {}, 'OK'),
    code: 'NOT_MLFLOW',
    detail: ["plain text that is not MLflow's"]
  },
  {
    name: '200 JSON from another service',
    error: httpError(200, JSON_TYPE, '{"status": "ok"}'),
    code: 'NOT_MLFLOW',
    detail: ["with JSON that is not MLflow's"]
  },
  {
    name: '200 JSON without a content type',
    error: httpError(200, {}, '[1, 2]'),
    code: 'NOT_MLFLOW',
    detail: ["with JSON that is not MLflow's"]
  },
  {
    name: '200 XML',
    error: httpError(
      200,
      { 'content-type': 'application/xml' },
      '<ListBucketResult></ListBucketResult>'
    ),
    code: 'NOT_MLFLOW',
    detail: ["a body of type application/xml that is not MLflow's"]
  },
  {
    name: '302 to another host',
    error: httpError(
      302,
      {
        location: 'https://login.test/authorize?client_id=ci&state=s3cr3t'
      },
      ''
    ),
    code: 'PROXY_LOGIN',
    detail: ['redirected to https://login.test/authorize:']
  },
  {
    name: '301 from http to https',
    error: httpError(
      301,
      { location: 'https://mlflow.test/api/2.0/mlflow/x' },
      '',
      { url: 'http://mlflow.test/api/2.0/mlflow/x' }
    ),
    code: 'CLIENT_CONFIG',
    detail: ['redirects to https://mlflow.test'],
    fix: /start with https:\/\/mlflow.test/
  },
  {
    name: '302 within the same origin',
    error: httpError(302, { location: '/login' }, ''),
    code: 'CLIENT_CONFIG',
    detail: ['would change the request method']
  },
  {
    name: '307 without a Location',
    error: httpError(307, {}, ''),
    code: 'NOT_MLFLOW',
    detail: ['without a Location']
  }
]

const AUTH_CASES: Case[] = [
  {
    name: '401 from an identity-aware proxy',
    error: httpError(
      401,
      { 'content-type': 'text/html; charset=UTF-8' },
      "Invalid IAP credentials: JWT audience doesn't match this application",
      { credential: BEARER_CREDENTIAL }
    ),
    code: 'AUTH_REJECTED',
    detail: ['a Bearer token'],
    fix: /audience/
  },
  {
    name: '403 from an identity-aware proxy',
    error: httpError(
      403,
      { 'content-type': 'text/html; charset=UTF-8' },
      'Access denied for ci-bot@project.iam.gserviceaccount.com',
      { credential: BEARER_CREDENTIAL }
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: [
      'Identity-Aware Proxy',
      'to ci-bot@project.iam.gserviceaccount.com',
      'roles/iap.httpsResourceAccessor'
    ],
    fix: /--member=serviceAccount:ci-bot@project\.iam\.gserviceaccount\.com --role=roles\/iap\.httpsResourceAccessor/
  },
  {
    name: '403 from IAP naming a user',
    error: httpError(
      403,
      { 'x-goog-iap-generated-response': 'true' },
      'Access denied. ana@example.test lacks roles/iap.httpsResourceAccessor',
      { credential: BEARER_CREDENTIAL }
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['to ana@example.test', 'roles/iap.httpsResourceAccessor'],
    fix: /--member=user:ana@example\.test/
  },
  {
    name: '403 from IAP naming nobody',
    error: httpError(403, { 'x-goog-iap-generated-response': 'true' }, ''),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['the principal of the ID token', 'iap.httpsResourceAccessor']
  },
  {
    name: '401 from basic-auth without credentials',
    error: httpError(401, { ...HTML, ...MLFLOW_BASIC }, NOT_AUTHENTICATED),
    code: 'AUTH_MISSING',
    detail: ["MLflow's basic-auth app requires authentication", 'sent no'],
    fix: /`username` and `password`/
  },
  {
    name: '401 from basic-auth with a bearer token',
    error: httpError(401, MLFLOW_BASIC, NOT_AUTHENTICATED, {
      credential: BEARER_CREDENTIAL
    }),
    code: 'AUTH_REJECTED',
    detail: [
      'asked for Basic credentials',
      'a Bearer token in Authorization',
      'accepts only a username and password'
    ],
    fix: /auth-mode: basic/
  },
  {
    name: '401 from basic-auth with a basic user',
    error: httpError(401, MLFLOW_BASIC, NOT_AUTHENTICATED, {
      credential: BASIC_CREDENTIAL
    }),
    code: 'AUTH_REJECTED',
    detail: ["user 'ci-bot'", 'password is wrong'],
    fix: /'ci-bot'/
  },
  {
    name: '401 with an invalid bearer token',
    error: httpError(
      401,
      {
        ...JSON_TYPE,
        'www-authenticate': 'Bearer error="invalid_token"'
      },
      '{"detail": "Invalid token"}',
      { credential: BEARER_CREDENTIAL }
    ),
    code: 'AUTH_REJECTED',
    detail: ['as invalid or expired', 'Bearer error="invalid_token"'],
    fix: /layer in front of MLflow/
  },
  {
    name: '401 with a bearer challenge and no credentials',
    error: httpError(401, { 'www-authenticate': 'Bearer' }, ''),
    code: 'AUTH_MISSING',
    fix: /`token`/
  },
  {
    name: '403 Permission denied labelled HTML',
    error: httpError(403, HTML, 'Permission denied', {
      ...CREATE,
      credential: BASIC_CREDENTIAL
    }),
    code: 'FORBIDDEN_PERMISSION',
    detail: [
      "user 'ci-bot'",
      'create model version',
      "registered model 'fraud-model'"
    ],
    fix: /EDIT on the registered model/
  },
  {
    name: '403 Permission denied without credentials',
    error: httpError(403, HTML, 'Permission denied', CREATE),
    code: 'FORBIDDEN_PERMISSION',
    detail: ['create model version', 'a request without credentials'],
    fix: /Set the credentials of a user/
  },
  {
    name: '403 MLflow JSON PERMISSION_DENIED',
    error: httpError(
      403,
      JSON_TYPE,
      mlflowJson('PERMISSION_DENIED', 'Permission denied'),
      { ...CREATE, credential: BEARER_CREDENTIAL }
    ),
    code: 'FORBIDDEN_PERMISSION',
    detail: ['a Bearer token in Authorization', 'create model version']
  },
  {
    name: '403 from the host check',
    error: httpError(403, {}, HOST_CHECK, { host: 'mlflow.test:5000' }),
    code: 'SERVER_CONFIG',
    detail: ["Host header 'mlflow.test:5000'", 'not at fault'],
    fix: /--allowed-hosts/
  },
  {
    name: '403 from the host check under uvicorn',
    error: httpError(403, { server: 'uvicorn' }, HOST_CHECK, {
      host: 'mlflow.test:5000'
    }),
    code: 'SERVER_CONFIG',
    detail: ["Host header 'mlflow.test:5000'"],
    fix: /^Add 'mlflow.test:5000' to the server's --allowed-hosts/
  },
  {
    name: '403 from the host check through nginx',
    error: httpError(403, { server: 'nginx/1.22.1' }, HOST_CHECK, {
      host: '127.0.0.1:5315'
    }),
    code: 'SERVER_CONFIG',
    detail: [
      'rejected the Host header it received',
      "The action sent '127.0.0.1:5315'",
      'through a proxy (Server: nginx/1.22.1)',
      'may rewrite Host',
      'not at fault'
    ],
    fix: /^Add the Host value that the proxy forwards[^]*`proxy_set_header/
  },
  {
    name: '403 from the host check with Via',
    error: httpError(
      403,
      { server: 'uvicorn', via: '1.1 corp-lb' },
      HOST_CHECK,
      { host: 'mlflow.test' }
    ),
    code: 'SERVER_CONFIG',
    detail: ['through a proxy (Via: 1.1 corp-lb)'],
    fix: /the proxy forwards/
  },
  {
    name: '403 from the CORS check',
    error: httpError(403, {}, 'Cross-origin request blocked'),
    code: 'SERVER_CONFIG',
    detail: ['Origin header'],
    fix: /--cors-allowed-origins/
  },
  {
    name: '403 HTML with Via',
    error: httpError(
      403,
      { ...HTML, via: '1.1 google' },
      '<html><title>403 Forbidden</title></html>',
      { credential: BASIC_CREDENTIAL }
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['Via: 1.1 google', 'not from MLflow'],
    fix: /proxy, gateway or firewall/
  },
  {
    name: '403 JSON from a gateway',
    error: httpError(403, JSON_TYPE, '{"message": "Forbidden"}'),
    code: 'FORBIDDEN_NON_MLFLOW'
  },
  {
    name: '403 nested PERMISSION_DENIED',
    error: httpError(
      403,
      JSON_TYPE,
      '{"error": {"code": "PERMISSION_DENIED", "message": "no EDIT"}}',
      { ...CREATE, credential: BASIC_CREDENTIAL }
    ),
    code: 'FORBIDDEN_PERMISSION',
    detail: ["user 'ci-bot'", 'create model version']
  },
  {
    name: '403 nested with a foreign code',
    error: httpError(
      403,
      JSON_TYPE,
      '{"error": {"code": "Forbidden", "message": "blocked"}}'
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['nested JSON error with the code Forbidden']
  },
  {
    name: '403 Permission denied with new headers',
    error: httpError(
      403,
      { ...HTML, server: 'envoy', via: '1.1 corp' },
      'Permission denied',
      {
        ...CREATE,
        credential: BASIC_CREDENTIAL,
        earlierMlflowHeaders: { server: 'uvicorn' }
      }
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: [
      "reads like MLflow's basic-auth app",
      'Server: envoy, Via: 1.1 corp',
      '(Server: uvicorn)'
    ],
    fix: /sends Server: envoy, Via: 1.1 corp[^]*user 'ci-bot' EDIT/
  },
  {
    name: '403 Permission denied with new headers and no credentials',
    error: httpError(403, { ...HTML, server: 'envoy' }, 'Permission denied', {
      ...CREATE,
      earlierMlflowHeaders: { server: 'uvicorn' }
    }),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['Server: envoy'],
    fix: /set the credentials of a user/
  },
  {
    name: '403 Permission denied with earlier headers',
    error: httpError(
      403,
      { ...HTML, server: 'nginx', via: '1.1 corp' },
      'Permission denied',
      {
        ...CREATE,
        credential: BASIC_CREDENTIAL,
        earlierMlflowHeaders: { server: 'nginx', via: '1.1 corp' }
      }
    ),
    code: 'FORBIDDEN_PERMISSION',
    detail: ["user 'ci-bot'"]
  },
  {
    name: '403 MLflow JSON with a new Via',
    error: httpError(
      403,
      { ...JSON_TYPE, server: 'uvicorn', via: '1.1 corp' },
      mlflowJson('PERMISSION_DENIED', 'Permission denied'),
      { ...CREATE, earlierMlflowHeaders: { server: 'uvicorn' } }
    ),
    code: 'FORBIDDEN_NON_MLFLOW',
    detail: ['reads like MLflow (JSON error)', 'carries Via: 1.1 corp']
  }
]

const STATUS_CASES: Case[] = [
  {
    name: '404 HTML on the API path',
    error: httpError(404, HTML, '<html><title>404 Not Found</title></html>'),
    code: 'BASE_PATH',
    detail: ['not at this path'],
    fix: /prefix/
  },
  {
    name: '405 plain text',
    error: httpError(405, {}, 'Method Not Allowed'),
    code: 'BASE_PATH'
  },
  {
    name: '404 ENDPOINT_NOT_FOUND',
    error: httpError(404, JSON_TYPE, mlflowJson('ENDPOINT_NOT_FOUND', 'no')),
    code: 'UNSUPPORTED_FEATURE',
    detail: ['no endpoint for get registered model']
  },
  {
    name: '404 RESOURCE_DOES_NOT_EXIST',
    error: httpError(
      404,
      JSON_TYPE,
      mlflowJson('RESOURCE_DOES_NOT_EXIST', 'Run abc not found')
    ),
    code: 'MLFLOW_ERROR',
    detail: ['RESOURCE_DOES_NOT_EXIST', 'Run abc not found']
  },
  {
    name: '404 for a user the auth store lacks',
    error: httpError(
      404,
      JSON_TYPE,
      mlflowJson(
        'RESOURCE_DOES_NOT_EXIST',
        'User with username=ci-bot-client not found'
      ),
      { credential: BEARER_CREDENTIAL }
    ),
    code: 'AUTH_IDENTITY',
    detail: ["no record of user 'ci-bot-client'", 'a Bearer token'],
    fix: /users\/create/
  },
  {
    name: '403 from a plugin without the user',
    error: httpError(403, JSON_TYPE, '{"message": "User not provisioned"}'),
    code: 'AUTH_IDENTITY',
    detail: ['no record of the authenticated user']
  },
  {
    name: '403 MLflow JSON naming no such user',
    error: httpError(
      403,
      JSON_TYPE,
      mlflowJson(
        'PERMISSION_DENIED',
        "Permission denied: user 'ci-bot-client' not found"
      ),
      { ...CREATE, credential: BEARER_CREDENTIAL }
    ),
    code: 'AUTH_IDENTITY',
    detail: ["no record of user 'ci-bot-client'", 'create model version']
  },
  {
    name: '403 nested unknown user',
    error: httpError(
      403,
      JSON_TYPE,
      JSON.stringify({
        error: {
          code: 'PERMISSION_DENIED',
          message: 'Unknown user for subject "ci-bot-client"'
        }
      })
    ),
    code: 'AUTH_IDENTITY',
    detail: ["user 'ci-bot-client'"]
  },
  {
    name: '403 detail with no user found',
    error: httpError(
      403,
      JSON_TYPE,
      '{"detail": "No user found for this token"}'
    ),
    code: 'AUTH_IDENTITY',
    detail: ['no record of the authenticated user']
  },
  {
    name: '403 denial naming a known user',
    error: httpError(
      403,
      JSON_TYPE,
      mlflowJson(
        'PERMISSION_DENIED',
        "Permission denied: user 'ci-bot' lacks EDIT on model fraud-model"
      ),
      { ...CREATE, credential: BASIC_CREDENTIAL }
    ),
    code: 'FORBIDDEN_PERMISSION'
  },
  {
    name: '404 for a model named after users',
    error: httpError(
      404,
      JSON_TYPE,
      mlflowJson(
        'RESOURCE_DOES_NOT_EXIST',
        'Registered Model with name=user-model not found'
      )
    ),
    code: 'MLFLOW_ERROR'
  },
  {
    name: '407',
    error: httpError(407, { 'proxy-authenticate': 'Basic' }, ''),
    code: 'PROXY_AUTH',
    fix: /HTTPS_PROXY/
  },
  {
    name: '411 from nginx',
    error: httpError(
      411,
      { ...HTML, server: 'nginx' },
      '<html><title>411 Length Required</title></html>',
      { method: 'PUT', operation: 'upload artifact' }
    ),
    code: 'SERVER_CONFIG',
    detail: ['Server: nginx', '411 Length Required'],
    fix: /Content-Length/
  },
  {
    name: '413 from nginx',
    error: httpError(
      413,
      { ...HTML, server: 'nginx/1.27.0' },
      '<html><title>413 Request Entity Too Large</title></html>',
      { method: 'PUT', operation: 'upload artifact MLmodel' }
    ),
    code: 'PAYLOAD_TOO_LARGE',
    detail: ['Server: nginx/1.27.0', 'upload artifact MLmodel'],
    fix: /client_max_body_size/
  },
  {
    name: '413 naming the uploaded file',
    error: httpError(
      413,
      { ...HTML, server: 'nginx' },
      '<html><title>413 Request Entity Too Large</title></html>',
      {
        method: 'PUT',
        operation: 'upload artifact',
        upload: { file: '/work/model/model.pkl', bytes: 209_715_200 }
      }
    ),
    code: 'PAYLOAD_TOO_LARGE',
    detail: [
      'rejected the file /work/model/model.pkl (200.0 MiB, 209715200 bytes)',
      'Server: nginx'
    ],
    fix: /client_max_body_size\) to at least 200\.0 MiB/
  },
  {
    name: '500 with SQL text',
    error: httpError(
      500,
      JSON_TYPE,
      mlflowJson(
        'INTERNAL_ERROR',
        '(psycopg2.errors.StringDataRightTruncation) value too long ' +
          'for type character varying(500)'
      ),
      CREATE
    ),
    code: 'SERVER_CONFIG',
    detail: ['database failed on create model version'],
    fix: /mlflow db upgrade/
  },
  {
    name: '400 BAD_REQUEST with MySQL truncation',
    error: httpError(
      400,
      JSON_TYPE,
      mlflowJson(
        'BAD_REQUEST',
        '(pymysql.err.DataError) (1406, "Data too long for column ' +
          "'description' at row 1\")"
      ),
      CREATE
    ),
    code: 'SERVER_CONFIG',
    detail: ["create model version (column 'description')", 'migration'],
    fix: /mlflow db upgrade/
  },
  {
    name: '500 with a locked SQLite database',
    error: httpError(
      500,
      JSON_TYPE,
      mlflowJson(
        'INTERNAL_ERROR',
        '(sqlite3.OperationalError) database is locked'
      ),
      CREATE
    ),
    code: 'SERVER_UNAVAILABLE',
    detail: ['database was busy', 'create model version'],
    fix: /PostgreSQL/
  },
  {
    name: '500 with a MySQL deadlock',
    error: httpError(
      500,
      JSON_TYPE,
      mlflowJson(
        'INTERNAL_ERROR',
        '(pymysql.err.OperationalError) (1213, Deadlock found when ' +
          'trying to get lock)'
      ),
      CREATE
    ),
    code: 'SERVER_UNAVAILABLE',
    fix: /try again later/
  },
  {
    name: '500 without artifact serving',
    error: httpError(
      500,
      JSON_TYPE,
      mlflowJson('INTERNAL_ERROR', 'started with --no-serve-artifacts')
    ),
    code: 'SERVER_CONFIG',
    fix: /--serve-artifacts/
  },
  {
    name: '501 NOT_IMPLEMENTED',
    error: httpError(501, JSON_TYPE, mlflowJson('NOT_IMPLEMENTED', 'no')),
    code: 'UNSUPPORTED_FEATURE'
  },
  {
    name: '503',
    error: httpError(503, { server: 'envoy' }, 'upstream connect error'),
    code: 'SERVER_UNAVAILABLE',
    detail: ['HTTP 503']
  },
  {
    name: '502 HTML',
    error: httpError(502, HTML, '<html><title>502 Bad Gateway</title>'),
    code: 'SERVER_UNAVAILABLE'
  },
  {
    name: '429',
    error: httpError(429, {}, 'Too Many Requests'),
    code: 'SERVER_UNAVAILABLE'
  },
  {
    name: '400 INVALID_PARAMETER_VALUE',
    error: httpError(
      400,
      JSON_TYPE,
      mlflowJson('INVALID_PARAMETER_VALUE', "Invalid alias name: 'v1'"),
      CREATE
    ),
    code: 'CLIENT_CONFIG',
    detail: ['create model version', "Invalid alias name: 'v1'"]
  },
  {
    name: '400 without an MLflow code',
    error: httpError(400, {}, 'Bad Request'),
    code: 'MLFLOW_ERROR',
    detail: ['Bad Request']
  },
  {
    name: '400 from nginx without a client certificate',
    error: httpError(
      400,
      HTML,
      '<html><title>400 No required SSL certificate was sent</title>'
    ),
    code: 'TLS_CLIENT_CERT'
  },
  {
    name: '400 with SQL text',
    error: httpError(400, {}, 'sqlalchemy.exc.DataError: value too long'),
    code: 'SERVER_CONFIG'
  }
]

describe.each([
  ['connection failures', CONNECTION_CASES],
  ['2xx and 3xx responses', SUCCESS_AND_REDIRECT_CASES],
  ['401 and 403 responses', AUTH_CASES],
  ['other statuses', STATUS_CASES]
])('classifyFailure of %s', (_, cases) => {
  it.each(cases)('$name is $code', ({ error, code, detail, fix }) => {
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe(code)
    for (const words of detail ?? []) expect(diagnosis.detail).toMatch(words)
    if (fix) expect(diagnosis.fix).toMatch(fix)
  })
})

describe('classifyFailure evidence', () => {
  it('names the network error of a connection failure', () => {
    const diagnosis = classifyFailure(
      connectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443')
    )
    expect(diagnosis.evidence).toEqual({
      request: 'GET https://mlflow.test/api/2.0/mlflow/registered-models/get',
      networkError: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443'
    })
  })

  it('records the facts of an HTTP response', () => {
    const diagnosis = classifyFailure(
      httpError(
        401,
        { ...HTML, ...MLFLOW_BASIC, server: 'gunicorn' },
        NOT_AUTHENTICATED
      )
    )
    expect(diagnosis.evidence).toMatchObject({
      status: 401,
      contentType: 'text/html; charset=utf-8',
      responder: "MLflow's basic-auth app",
      wwwAuthenticate: 'Basic realm="mlflow"',
      server: 'gunicorn'
    })
  })

  it('records the title of a login page', () => {
    const diagnosis = classifyFailure(
      httpError(200, HTML, '<title>Log in</title>')
    )
    expect(diagnosis.evidence.pageTitle).toBe('Log in')
  })

  it('records a redirect target without its query', () => {
    const diagnosis = classifyFailure(
      httpError(302, { location: 'https://login.test/a?state=s3cr3t#x' }, '')
    )
    expect(diagnosis.evidence.location).toBe('https://login.test/a')
    expect(JSON.stringify(diagnosis)).not.toContain('s3cr3t')
  })

  it('keeps database text out of the evidence', () => {
    const body = mlflowJson('INTERNAL_ERROR', 'psycopg2 error for ci-bot')
    const diagnosis = classifyFailure(httpError(500, {}, body))
    expect(diagnosis.evidence.body).toBe('database error text (see debug log)')
  })

  it('quotes both signals of a conflicting answer', () => {
    const diagnosis = classifyFailure(
      httpError(403, { server: 'envoy' }, 'Permission denied', {
        earlierMlflowHeaders: { server: 'uvicorn', via: '1.1 lb' }
      })
    )
    expect(diagnosis.evidence.server).toBe('envoy')
    expect(diagnosis.evidence.earlierMlflowHeaders).toBe(
      'Server: uvicorn, Via: 1.1 lb'
    )
    expect(diagnosis.evidence.responder).toContain('with Server: envoy')
  })

  it('leaves out earlier headers that agree', () => {
    const diagnosis = classifyFailure(
      httpError(403, { server: 'uvicorn' }, 'Permission denied', {
        earlierMlflowHeaders: { server: 'uvicorn' }
      })
    )
    expect(diagnosis.evidence.earlierMlflowHeaders).toBeUndefined()
  })

  it('never words a non-MLflow 403 as a permission denial', () => {
    const diagnosis = classifyFailure(
      httpError(403, { ...HTML, via: '1.1 google' }, '<title>403</title>')
    )
    expect(diagnosis.title).not.toMatch(/permission/i)
    expect(diagnosis.detail).not.toMatch(/denied permission/i)
    expect(diagnosis.detail).not.toMatch(/permission denied/i)
  })
})

describe('classifyFailure of other errors', () => {
  it('keeps the diagnosis of a DiagnosedError', () => {
    const error = configError('input `mode`', 'bad', 'Fix it.')
    expect(classifyFailure(error)).toBe(error.diagnosis)
  })

  it('reports an unexpected Error with its message', () => {
    const diagnosis = classifyFailure(new TypeError('x is undefined'))
    expect(diagnosis.code).toBe('MLFLOW_ERROR')
    expect(diagnosis.detail).toContain('x is undefined')
  })

  it('reports a thrown string', () => {
    expect(classifyFailure('boom').detail).toContain('boom')
  })
})

describe('toDiagnosedError', () => {
  it('returns a DiagnosedError unchanged', () => {
    const error = configError('input `mode`', 'bad', 'Fix it.')
    expect(toDiagnosedError(error)).toBe(error)
  })

  it('wraps a request error and keeps it as the cause', () => {
    const cause = httpError(503, {}, '')
    const wrapped = toDiagnosedError(cause)
    expect(wrapped).toBeInstanceOf(DiagnosedError)
    expect(wrapped.diagnosis.code).toBe('SERVER_UNAVAILABLE')
    expect(wrapped.cause).toBe(cause)
  })
})
