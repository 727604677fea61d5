/**
 * Keyless signing with Sigstore: Fulcio issues a short-lived certificate
 * for the job's GitHub ID token, the statement is signed into a DSSE
 * envelope, and Rekor (and optionally a timestamp authority) witnesses
 * the signature.
 */
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle'
import {
  DSSEBundleBuilder,
  FulcioSigner,
  InternalError,
  RekorWitness,
  TSAWitness,
  type Witness
} from '@sigstore/sign'

import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import {
  PUBLIC_GOOD_FULCIO_URL,
  PUBLIC_GOOD_REKOR_URL
} from './sigstore-urls.js'
import { IN_TOTO_PAYLOAD_TYPE } from './statement.js'

/** The audience Fulcio requires in the ID token. */
export const SIGSTORE_AUDIENCE = 'sigstore'

export { PUBLIC_GOOD_FULCIO_URL, PUBLIC_GOOD_REKOR_URL }

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_RETRIES = 2

/** The Sigstore services and request settings for signing. */
export interface SigstoreSignOptions {
  /** Requests an OIDC ID token for an audience, such as the job's. */
  readonly requestIdToken: (audience: string) => Promise<string>
  /** Hides a value in every later log line, before its first use. */
  readonly setSecret: (value: string) => void
  /** Base URL of Fulcio; Sigstore's public-good instance by default. */
  readonly fulcioUrl?: string
  /** Base URL of Rekor; Sigstore's public-good instance by default. */
  readonly rekorUrl?: string
  /**
   * URL of an RFC 3161 timestamp authority; none by default. A bare
   * origin gets `/api/v1/timestamp` appended, and a URL with a path is
   * used as it is.
   */
  readonly tsaUrl?: string
  /** Time limit of each request to Fulcio, Rekor and the TSA. */
  readonly timeoutMs?: number
  /** How many times a failed request (5xx, 408, 429) is sent again. */
  readonly retries?: number
}

/**
 * Signs an in-toto statement keylessly and returns the Sigstore bundle
 * (media type v0.3, one leaf certificate, a DSSE envelope and a Rekor
 * `dsse` entry), in the JSON form that model-signing writes.
 *
 * NOTE: Fulcio, Rekor and the TSA are called through @sigstore/sign's own
 * HTTP client, not the project's: the `ca-cert` and proxy inputs do not
 * apply to them. That client reads HTTPS_PROXY and NO_PROXY when it
 * loads, and Node reads extra CA certificates from NODE_EXTRA_CA_CERTS
 * when it starts.
 */
export async function signWithSigstore(
  statement: Buffer,
  options: SigstoreSignOptions
): Promise<SerializedBundle> {
  const idToken = await options.requestIdToken(SIGSTORE_AUDIENCE)
  options.setSecret(idToken)

  const urls = serviceUrls(options)
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: () => Promise.resolve(idToken) },
      fulcioBaseURL: urls.fulcio,
      ...fetchOptions(options)
    }),
    witnesses: witnesses(urls, options),
    // A single leaf certificate makes the builder write a v0.3 bundle.
    certificateChain: false
  })

  try {
    const bundle = await builder.create({
      data: statement,
      type: IN_TOTO_PAYLOAD_TYPE
    })
    return bundleToJSON(bundle)
  } catch (error) {
    throw signingError(error, urls)
  }
}

interface ServiceUrls {
  readonly fulcio: string
  readonly rekor: string
  readonly tsa?: string
}

function serviceUrls(options: SigstoreSignOptions): ServiceUrls {
  return {
    fulcio: options.fulcioUrl ?? PUBLIC_GOOD_FULCIO_URL,
    rekor: options.rekorUrl ?? PUBLIC_GOOD_REKOR_URL,
    ...(options.tsaUrl === undefined ? {} : { tsa: options.tsaUrl })
  }
}

function fetchOptions(options: SigstoreSignOptions) {
  return {
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { retries: options.retries ?? DEFAULT_RETRIES }
  }
}

function witnesses(urls: ServiceUrls, options: SigstoreSignOptions) {
  const list: Witness[] = [
    new RekorWitness({
      rekorBaseURL: urls.rekor,
      // A re-run signs the same envelope again; Rekor then returns 409
      // and the existing entry is fetched instead.
      fetchOnConflict: true,
      ...fetchOptions(options)
    })
  ]
  if (urls.tsa !== undefined) {
    list.push(
      new TSAWitness({ tsaBaseURL: urls.tsa, ...fetchOptions(options) })
    )
  }
  return list
}

/** Names the Sigstore service that failed, from @sigstore/sign's code. */
function failedService(code: string | undefined, urls: ServiceUrls): string {
  switch (code) {
    case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
      return `Fulcio at ${urls.fulcio}`
    case 'TLOG_CREATE_ENTRY_ERROR':
    case 'TLOG_FETCH_ENTRY_ERROR':
      return `Rekor at ${urls.rekor}`
    case 'TSA_CREATE_TIMESTAMP_ERROR':
      return `the timestamp authority at ${urls.tsa ?? ''}`
    default:
      return 'Sigstore'
  }
}

function signingError(error: unknown, urls: ServiceUrls): DiagnosedError {
  const code = error instanceof InternalError ? error.code : undefined
  const message = error instanceof Error ? error.message : String(error)
  return new DiagnosedError(
    diagnose(
      'SIGSTORE_SIGNING_FAILED',
      `Signing the statement failed at ${failedService(code, urls)}: ` +
        `${message.trim()}.`,
      'Check that the Sigstore URLs are right and reachable from the ' +
        'runner, and that Fulcio accepts ID tokens from this issuer; ' +
        'then run the job again.'
    ),
    { cause: error }
  )
}
