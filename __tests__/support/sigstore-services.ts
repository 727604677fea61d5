/**
 * Fulcio, Rekor and a timestamp authority on loopback, made of
 * @sigstore/mock's request handlers, with a trusted root built from the
 * keys and certificates they sign with.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import {
  createServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn
} from '@sigstore/mock'

/** Running Sigstore services and what they received. */
export interface SigstoreServices {
  /** The base URL of all three services, which use disjoint paths. */
  readonly url: string
  readonly fulcioUrl: string
  readonly rekorUrl: string
  /** A bare origin, to which the TSA client adds its endpoint path. */
  readonly tsaUrl: string
  /** The trusted root for the services, as Sigstore's JSON form. */
  readonly trustedRoot: Record<string, unknown>
  /** Requests in the order they arrived, as `fulcio POST /api/...`. */
  readonly requests: string[]
  /** Writes the trusted root into `directory` and returns its path. */
  writeTrustedRoot(directory: string): string
  stop(): Promise<void>
}

/** A server certificate, to serve HTTPS instead of HTTP. */
export interface ServerTls {
  readonly cert: string
  readonly key: string
}

interface Route {
  readonly path: string
  readonly fn: HandlerFn
}

interface ServiceRoute extends Route {
  readonly service: string
}

const P256 = { namedCurve: 'P-256' } as const

/** Starts the services on one free loopback port. */
export async function startSigstoreServices(
  tls?: ServerTls
): Promise<SigstoreServices> {
  const requests: string[] = []
  const routes: ServiceRoute[] = []
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = request.url ?? '/'
      const route = routes.find(r => url === r.path)
      requests.push(`${route?.service ?? '?'} ${request.method} ${url}`)
      if (!route || request.method !== 'POST') {
        response.writeHead(404).end()
        return
      }
      void route.fn(Buffer.concat(chunks).toString('utf8')).then(result => {
        response.writeHead(result.statusCode, {
          'content-type': result.contentType ?? 'text/plain'
        })
        response.end(result.response)
      })
    })
  }
  const server = tls ? createHttpsServer(tls, handle) : createServer(handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`
  const urls = { fulcioUrl: url, rekorUrl: url, tsaUrl: url }

  const ctLogKeys = generateKeyPairSync('ec', P256)
  const ctLog = await initializeCTLog(ctLogKeys)
  const ca = await initializeCA(generateKeyPairSync('ec', P256), ctLog)
  const tlog = await initializeTLog(
    urls.rekorUrl,
    generateKeyPairSync('ec', P256)
  )
  const tsa = await initializeTSA(generateKeyPairSync('ec', P256))
  // The mock TSA encodes its time with asn1js, which drops the trailing
  // zeros of the milliseconds (.12Z), and @sigstore/core parses only
  // three digits or none. Whole seconds encode with no fraction. They
  // never fall before the Fulcio certificate's notBefore, which X.509
  // also keeps in whole seconds.
  Object.assign(tsa, {
    getCurrentTime: () => new Date(Math.floor(Date.now() / 1000) * 1000)
  })
  routes.push(
    { service: 'fulcio', ...fulcioHandler(ca) },
    { service: 'rekor', ...storedAsRekor(rekorHandler(tlog)) },
    { service: 'tsa', ...tsaHandler(tsa) }
  )

  const trustedRoot = buildTrustedRoot(urls, {
    caRoot: bytesOf(ca.rootCertificate),
    tlogKey: tlog.publicKey,
    ctLogKey: ctLog.publicKey,
    ctLogId: bytesOf(ctLog.logID),
    tsaChain: [bytesOf(tsa.intCertificate), bytesOf(tsa.rootCertificate)]
  })
  return {
    url,
    ...urls,
    trustedRoot,
    requests,
    writeTrustedRoot: directory => {
      const file = path.join(directory, 'trusted_root.json')
      writeFileSync(file, JSON.stringify(trustedRoot, null, 2))
      return file
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

interface ProposedDsseEntry {
  readonly kind?: string
  readonly spec?: {
    readonly proposedContent?: {
      readonly envelope: string
      readonly verifiers: readonly string[]
    }
  }
}

/**
 * Turns a proposed `dsse` entry into the body Rekor stores for it before
 * the mock's handler logs it. The mock (0.13.0) logs the proposal as it
 * came, but Rekor's dsse type 0.0.1 stores the payload hash and each
 * signature with its verifier, and Sigstore verifiers compare those.
 */
function storedAsRekor(handler: Route): Route {
  return {
    ...handler,
    fn: async request => {
      const proposed = JSON.parse(request) as ProposedDsseEntry
      const content = proposed.spec?.proposedContent
      if (proposed.kind !== 'dsse' || !content) return handler.fn(request)
      const envelope = JSON.parse(content.envelope) as {
        payload: string
        signatures: { sig: string }[]
      }
      const sha256 = (data: Buffer | string) => ({
        algorithm: 'sha256',
        value: createHash('sha256').update(data).digest('hex')
      })
      const stored = {
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          envelopeHash: sha256(content.envelope),
          payloadHash: sha256(Buffer.from(envelope.payload, 'base64')),
          signatures: envelope.signatures.map(signature => ({
            signature: signature.sig,
            verifier: canonicalPem(content.verifiers[0] ?? '')
          }))
        }
      }
      return handler.fn(JSON.stringify(stored))
    }
  }
}

/**
 * Re-encodes a base64 PEM certificate in 64-column lines, as Rekor stores
 * verifiers. The mock's Fulcio writes the base64 on one line, which
 * sigstore-python's comparison of the entry's verifier would reject.
 */
function canonicalPem(base64Pem: string): string {
  const pem = Buffer.from(base64Pem, 'base64').toString('utf8')
  return Buffer.from(new X509Certificate(pem).toString()).toString('base64')
}

/** Returns a Buffer over a view's own bytes, not its whole `buffer`. */
function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

interface TrustMaterial {
  readonly caRoot: Buffer
  readonly tlogKey: Buffer
  readonly ctLogKey: Buffer
  readonly ctLogId: Buffer
  readonly tsaChain: readonly Buffer[]
}

/**
 * Builds a trusted root in the protobuf JSON form of
 * `dev.sigstore.trustroot.v1.TrustedRoot`. Each key is valid from an
 * hour ago, so that signatures made now fall inside the window.
 */
function buildTrustedRoot(
  urls: { fulcioUrl: string; rekorUrl: string; tsaUrl: string },
  material: TrustMaterial
): Record<string, unknown> {
  const validFor = { start: new Date(Date.now() - 3_600_000).toISOString() }
  const base64 = (bytes: Buffer) => bytes.toString('base64')
  const publicKey = (raw: Buffer) => ({
    rawBytes: base64(raw),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor
  })
  const subject = { organization: 'loopback', commonName: 'sigstore' }
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: urls.rekorUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKey(material.tlogKey),
        logId: {
          keyId: base64(createHash('sha256').update(material.tlogKey).digest())
        }
      }
    ],
    certificateAuthorities: [
      {
        subject,
        uri: urls.fulcioUrl,
        certChain: { certificates: [{ rawBytes: base64(material.caRoot) }] },
        validFor
      }
    ],
    ctlogs: [
      {
        baseUrl: `${urls.fulcioUrl}/ct`,
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKey(material.ctLogKey),
        logId: { keyId: base64(material.ctLogId) }
      }
    ],
    timestampAuthorities: [
      {
        subject,
        uri: urls.tsaUrl,
        certChain: {
          certificates: material.tsaChain.map(cert => ({
            rawBytes: base64(cert)
          }))
        },
        validFor
      }
    ]
  }
}
