/**
 * A private certificate authority made at test time with openssl: a CA,
 * server certificates with chosen names, and client certificates for
 * mutual TLS. Nothing here is trusted outside the test that made it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** A certificate and its key, as PEM file paths. */
export interface CertificateFiles {
  readonly cert: string
  readonly key: string
}

/** A private CA and the directory its files are in. */
export interface PrivateCa extends CertificateFiles {
  readonly dir: string
  /** Issues a server certificate for the DNS names and IP addresses given. */
  issueServer(name: string, altNames: readonly string[]): CertificateFiles
  /**
   * Issues a client certificate with the given common name; an expired
   * one ends a day before it starts, so it is past its validity now.
   */
  issueClient(
    commonName: string,
    options?: { readonly expired?: boolean }
  ): CertificateFiles
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' })
}

/** Creates a CA with a one-day certificate. */
export function createPrivateCa(commonName = 'Test Root CA'): PrivateCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'pki-'))
  const ca = { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') }
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  const issue = (
    name: string,
    subject: string,
    extensions: string,
    days = '1'
  ): CertificateFiles => {
    const files = {
      cert: path.join(dir, `${name}.crt`),
      key: path.join(dir, `${name}.key`)
    }
    const csr = path.join(dir, `${name}.csr`)
    const ext = path.join(dir, `${name}.ext`)
    writeFileSync(ext, extensions)
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        subject,
        '-keyout',
        files.key,
        '-out',
        csr
      ],
      dir
    )
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca.cert,
        '-CAkey',
        ca.key,
        '-CAcreateserial',
        '-days',
        days,
        '-extfile',
        ext,
        '-out',
        files.cert
      ],
      dir
    )
    return files
  }
  return {
    ...ca,
    dir,
    issueServer: (name, altNames) =>
      issue(
        name,
        `/CN=${altNames[0] ?? name}`,
        `subjectAltName=${altNames.map(sanEntry).join(',')}\n` +
          'extendedKeyUsage=serverAuth\n'
      ),
    // OpenSSL 3.0's x509 has no -not_after, but it takes -days -1.
    issueClient: (commonName, options) =>
      issue(
        commonName,
        `/CN=${commonName}`,
        'extendedKeyUsage=clientAuth\n',
        options?.expired === true ? '-1' : '1'
      )
  }
}

function sanEntry(name: string): string {
  return /^[\d.]+$/.test(name) || name.includes(':')
    ? `IP:${name}`
    : `DNS:${name}`
}

/**
 * Writes a copy of a private key encrypted with a passphrase (PKCS#8,
 * AES-256) next to it, and returns its path.
 */
export function encryptKey(key: string, passphrase: string): string {
  const encrypted = key.replace(/\.key$/, '.encrypted.key')
  openssl(
    [
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      key,
      '-out',
      encrypted,
      '-passout',
      `pass:${passphrase}`
    ],
    path.dirname(key)
  )
  return encrypted
}

/**
 * Writes a certificate and its key into one PEM file, as MLflow's
 * MLFLOW_TRACKING_CLIENT_CERT_PATH takes them, and returns its path.
 */
export function combinePem(files: CertificateFiles): string {
  const combined = files.cert.replace(/\.crt$/, '.combined.pem')
  writeFileSync(
    combined,
    readFileSync(files.cert, 'utf8') + readFileSync(files.key, 'utf8')
  )
  return combined
}
