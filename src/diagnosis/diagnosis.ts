import { DIAGNOSIS_CODES, type DiagnosisCode } from './codes.js'

/** Facts behind a diagnosis, shown to the user; never a credential. */
export interface Evidence {
  /** The request, as `METHOD url` with credentials and query removed. */
  readonly request?: string
  readonly status?: number
  readonly contentType?: string
  /** Who answered, for example `MLflow (JSON error)` or `nginx`. */
  readonly responder?: string
  readonly mlflowErrorCode?: string
  /** The `error` of an OAuth error response, such as `invalid_client`. */
  readonly oauthError?: string
  readonly wwwAuthenticate?: string
  readonly server?: string
  readonly via?: string
  /**
   * The `Server` and `Via` of the last MLflow JSON response from the
   * same server, when this response carried other ones.
   */
  readonly earlierMlflowHeaders?: string
  readonly location?: string
  readonly pageTitle?: string
  /** The start of the response body or the error text, truncated. */
  readonly body?: string
  readonly networkError?: string
  /** The outbound proxy the request went through, without credentials. */
  readonly proxy?: string
  /** The server's certificate: subject, issuer, names and expiry. */
  readonly serverCertificate?: string
  /** The client certificate sent: subject and expiry. */
  readonly clientCertificate?: string
}

/** One classified failure: what went wrong, the evidence and the fix. */
export interface Diagnosis {
  readonly code: DiagnosisCode
  /** One line: what failed, in the words of the field. */
  readonly title: string
  /** Which side is wrong and why, in one or two sentences. */
  readonly detail: string
  /** What to change. */
  readonly fix: string
  readonly evidence: Evidence
  /**
   * The input or variable whose value failed validation, as the message
   * names it; set only by {@link configError}.
   */
  readonly invalidSetting?: string
}

/** An error that already carries its diagnosis. */
export class DiagnosedError extends Error {
  readonly diagnosis: Diagnosis

  constructor(diagnosis: Diagnosis, options?: ErrorOptions) {
    super(`${diagnosis.title}: ${diagnosis.detail}`, options)
    this.name = 'DiagnosedError'
    this.diagnosis = diagnosis
  }
}

/** Builds a diagnosis whose title defaults to the code's standard title. */
export function diagnose(
  code: DiagnosisCode,
  detail: string,
  fix: string,
  evidence: Evidence = {},
  title: string = DIAGNOSIS_CODES[code]
): Diagnosis {
  return { code, title, detail, fix, evidence }
}

/** Creates the error for an invalid input, raised before any request. */
export function configError(
  input: string,
  problem: string,
  fix: string
): DiagnosedError {
  const diagnosis = diagnose(
    'CLIENT_CONFIG',
    `${input}: ${problem}`,
    fix,
    {},
    `Invalid ${input}`
  )
  return new DiagnosedError({ ...diagnosis, invalidSetting: input })
}
