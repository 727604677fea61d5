import { lstat, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import { nodeCrypto } from '../node-crypto.js'
import { resolveInside } from './bundle-paths.js'
import { hashFile } from './copy-files.js'
import {
  BUNDLE_SCHEMA_VERSION,
  MANIFEST_CHECKSUM_FILE,
  MANIFEST_FILE,
  manifestSchema,
  type BundleManifest
} from './manifest.js'

/** A bundle whose manifest and files all passed verification. */
export interface VerifiedBundle {
  readonly path: string
  readonly manifest: BundleManifest
}

/**
 * Reads and verifies a bundle: the manifest's SHA-256, its schema, that
 * the directory contains exactly the listed files (no links, nothing extra,
 * nothing missing) and each file's size and SHA-256. Throws a
 * `BUNDLE_INVALID` diagnosis naming the first problem found.
 */
export async function readBundle(directory: string): Promise<VerifiedBundle> {
  await expectKind(directory, '', 'directory')
  const text = await readManifestText(directory)
  const manifest = parseManifest(directory, text)
  await checkListedFiles(directory, manifest)
  return { path: directory, manifest }
}

async function readManifestText(directory: string): Promise<string> {
  await expectKind(directory, MANIFEST_FILE, 'file')
  await expectKind(directory, MANIFEST_CHECKSUM_FILE, 'file')
  const bytes = await readFile(path.join(directory, MANIFEST_FILE))
  const recorded = (
    await readFile(path.join(directory, MANIFEST_CHECKSUM_FILE), 'utf8')
  ).split(/\s/)[0]
  const actual = nodeCrypto().createHash('sha256').update(bytes).digest('hex')
  if (recorded !== actual) {
    throw invalidBundle(
      directory,
      `${MANIFEST_FILE} does not match its recorded SHA-256 ` +
        `(${MANIFEST_CHECKSUM_FILE}): it was changed or damaged after the ` +
        'bundle was written.'
    )
  }
  return bytes.toString('utf8')
}

function parseManifest(directory: string, text: string): BundleManifest {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw invalidBundle(directory, `${MANIFEST_FILE} is not valid JSON.`)
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion
  if (version !== BUNDLE_SCHEMA_VERSION) {
    throw invalidBundle(
      directory,
      `the manifest has schemaVersion ${JSON.stringify(version)}, but this ` +
        `version of mlflow-register reads ${BUNDLE_SCHEMA_VERSION}.`,
      'Sync it with the version of mlflow-register that wrote it.'
    )
  }
  const result = manifestSchema.safeParse(json)
  if (!result.success) {
    throw invalidBundle(
      directory,
      `the manifest is invalid: ${result.error.issues
        .map(issue => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`
    )
  }
  return result.data
}

async function checkListedFiles(
  directory: string,
  manifest: BundleManifest
): Promise<void> {
  const present = await listFiles(directory, '')
  const listed = new Map(manifest.files.map(file => [file.path, file]))
  for (const relative of present) {
    if (relative === MANIFEST_FILE || relative === MANIFEST_CHECKSUM_FILE) {
      continue
    }
    if (!listed.has(relative)) {
      throw invalidBundle(directory, `${relative} is not in the manifest.`)
    }
  }
  for (const file of manifest.files) {
    const absolute = resolveInside(directory, file.path)
    if (!present.has(file.path)) {
      throw invalidBundle(directory, `${file.path} is missing.`)
    }
    const actual = await hashFile(absolute)
    if (actual.size !== file.size || actual.sha256 !== file.sha256) {
      throw invalidBundle(
        directory,
        `${file.path} does not match its SHA-256 in the manifest: it was ` +
          'changed or damaged after the bundle was written.'
      )
    }
  }
}

/** Lists every regular file below a directory; rejects any other kind. */
async function listFiles(root: string, relative: string): Promise<Set<string>> {
  const files = new Set<string>()
  const entries = await readdir(path.join(root, relative), {
    withFileTypes: true
  })
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      for (const file of await listFiles(root, child)) files.add(file)
    } else if (entry.isFile()) {
      files.add(child)
    } else {
      throw invalidBundle(
        root,
        `${child} is ${describeEntry(entry.isSymbolicLink())}; ` +
          'a bundle contains regular files only.'
      )
    }
  }
  return files
}

function describeEntry(isLink: boolean): string {
  return isLink ? 'a symbolic link' : 'not a regular file'
}

async function expectKind(
  root: string,
  relative: string,
  kind: 'file' | 'directory'
): Promise<void> {
  const target = relative ? path.join(root, relative) : root
  const info = await lstat(target).catch(() => undefined)
  const matches = kind === 'file' ? info?.isFile() : info?.isDirectory()
  if (matches) return
  const what = relative || 'the bundle'
  throw invalidBundle(
    root,
    info?.isSymbolicLink()
      ? `${what} is a symbolic link; a bundle contains no links.`
      : `${what} is ${info ? `not a ${kind}` : 'missing'}.`
  )
}

/** Builds the `BUNDLE_INVALID` error for one bundle. */
export function invalidBundle(
  directory: string,
  problem: string,
  fix = 'Nothing of this bundle was registered. Delete it, and run the ' +
    'registration again from the original model.'
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'BUNDLE_INVALID',
      `Bundle ${path.basename(directory)} failed verification: ${problem}`,
      fix,
      {},
      `Bundle ${path.basename(directory)} is invalid`
    )
  )
}
