import { generateKeyPairSync } from 'node:crypto'
import {
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import type { SigningSettings } from '../../../src/config/signing-settings.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import type { Logger } from '../../../src/host/host.js'
import {
  manifestFromDirectory,
  rootDigest
} from '../../../src/provenance/model-digest.js'
import { signModelDirectory } from '../../../src/provenance/registration-signing.js'
import {
  verificationIgnorePaths,
  verifyFilesAgainstStatement
} from '../../../src/provenance/verify-manifest.js'
import { verifySignatureBundle } from '../../../src/provenance/verify-signature.js'
import { readModelDirectory } from '../../../src/register/model-directory.js'
import {
  requireModelSigning,
  signWithKey,
  verifyWithKey
} from '../../support/model-signing.js'

const quiet: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_name, body) => body()
}

interface KeyFiles {
  readonly settings: SigningSettings
  readonly privateFile: string
  readonly publicFile: string
}

let work: string

/** Writes a key pair on a curve and returns the settings that use it. */
async function makeKey(curve: 'P-256' | 'P-384'): Promise<KeyFiles> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: curve
  })
  const privateFile = path.join(work, `${curve}.key.pem`)
  const publicFile = path.join(work, `${curve}.pub.pem`)
  await writeFile(
    privateFile,
    privateKey.export({ type: 'pkcs8', format: 'pem' })
  )
  await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }))
  return {
    settings: {
      method: 'key',
      privateKey,
      verifyKey: publicKey,
      verifySignature: false,
      digestSource: false,
      sigstore: {
        fulcioUrl: 'https://fulcio.invalid',
        rekorUrl: 'https://rekor.invalid'
      }
    },
    privateFile,
    publicFile
  }
}

/**
 * Writes a model whose names sort differently by path components than
 * as strings (`a/b`, `a-b/c`, `a.txt`), with files the format ignores.
 */
async function makeModel(name: string): Promise<string> {
  const root = path.join(work, name, 'model')
  await mkdir(path.join(root, 'a'), { recursive: true })
  await mkdir(path.join(root, 'a-b'), { recursive: true })
  await mkdir(path.join(root, '.git'), { recursive: true })
  await writeFile(path.join(root, 'MLmodel'), 'flavors: {}\n')
  await writeFile(path.join(root, 'a', 'b'), 'nested\n')
  await writeFile(path.join(root, 'a-b', 'c'), 'dashed\n')
  await writeFile(path.join(root, 'a.txt'), 'dotted\n')
  await writeFile(path.join(root, 'weights.bin'), Buffer.alloc(70_000, 7))
  await writeFile(path.join(root, '.gitignore'), '*.tmp\n')
  await writeFile(path.join(root, '.git', 'HEAD'), 'ref: main\n')
  return root
}

/** Signs a model directory as a registration does, into its model.sig. */
async function signAsAction(root: string, key: KeyFiles): Promise<string> {
  const directory = await readModelDirectory(root)
  const signed = await signModelDirectory(
    directory,
    { signing: key.settings },
    quiet
  )
  await writeFile(
    path.join(root, 'model.sig'),
    signed.signatureFile?.text ?? ''
  )
  return signed.digest
}

/**
 * Verifies a model directory as `mode: verify` does, leaving out the
 * signer's ignore paths; throws on failure.
 */
async function verifyAsAction(root: string, key: KeyFiles): Promise<void> {
  const text = await readFile(path.join(root, 'model.sig'), 'utf8')
  const signed = await verifySignatureBundle(text, key.settings, 'model.sig')
  const actual = manifestFromDirectory(
    await readModelDirectory(root),
    verificationIgnorePaths(signed)
  )
  verifyFilesAgainstStatement(signed, actual, root)
}

/** Reads the in-toto statement that a `model.sig` bundle signs. */
async function readStatement(signature: string): Promise<{
  subject: [{ name: string; digest: { sha256: string } }]
  predicate: { serialization: { allow_symlinks: boolean } }
}> {
  const bundle = JSON.parse(await readFile(signature, 'utf8')) as {
    dsseEnvelope: { payload: string }
  }
  return JSON.parse(
    Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')
  ) as Awaited<ReturnType<typeof readStatement>>
}

async function diagnosisOf(check: Promise<void>): Promise<string> {
  try {
    await check
  } catch (error) {
    if (error instanceof DiagnosedError) {
      return `${error.diagnosis.code}: ${error.diagnosis.detail}`
    }
    throw error
  }
  return 'passed'
}

/** The changes after signing that both implementations must catch. */
const TAMPERING = [
  {
    change: 'flipped byte',
    file: 'weights.bin',
    apply: async (root: string) => {
      const file = path.join(root, 'weights.bin')
      const bytes = await readFile(file)
      bytes[1234] = (bytes[1234] ?? 0) ^ 1
      await writeFile(file, bytes)
    }
  },
  {
    change: 'added file',
    file: 'a/extra.py',
    apply: (root: string) =>
      writeFile(path.join(root, 'a', 'extra.py'), 'print(1)\n')
  },
  {
    change: 'renamed file',
    file: 'a-b/c',
    apply: (root: string) =>
      rename(path.join(root, 'a-b', 'c'), path.join(root, 'a-b', 'd'))
  }
] as const

beforeAll(async () => {
  requireModelSigning()
  work = await mkdtemp(path.join(tmpdir(), 'model-signing-interop-'))
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe.each(['P-256', 'P-384'] as const)('key on %s', curve => {
  let key: KeyFiles

  beforeAll(async () => {
    key = await makeKey(curve)
  })

  it('model_signing verifies the action signature', async () => {
    const root = await makeModel(`ours-${curve}`)
    await signAsAction(root, key)
    const run = await verifyWithKey(
      root,
      key.publicFile,
      path.join(root, 'model.sig')
    )
    expect(run.output).toContain('Verification succeeded')
    expect(run.exitCode).toBe(0)
  })

  it('action verifies the model_signing signature', async () => {
    const root = await makeModel(`theirs-${curve}`)
    const run = await signWithKey(
      root,
      key.privateFile,
      path.join(root, 'model.sig')
    )
    expect(run.exitCode).toBe(0)
    await expect(diagnosisOf(verifyAsAction(root, key))).resolves.toBe('passed')
  })
})

describe('model digest', () => {
  it('equals the subject digest model_signing signs', async () => {
    const key = await makeKey('P-256')
    const root = await makeModel('digest')
    const signature = path.join(work, 'digest.sig')
    expect((await signWithKey(root, key.privateFile, signature)).exitCode).toBe(
      0
    )
    const statement = await readStatement(signature)
    const manifest = manifestFromDirectory(await readModelDirectory(root))
    expect(rootDigest(manifest.files)).toBe(statement.subject[0].digest.sha256)
  })
})

describe.each(TAMPERING)('$change after signing', ({ apply, file }) => {
  let key: KeyFiles

  beforeAll(async () => {
    key = await makeKey('P-256')
  })

  it('model_signing rejects the action signature', async () => {
    const root = await makeModel(`tamper-ours-${file.replace('/', '_')}`)
    await signAsAction(root, key)
    await apply(root)
    const run = await verifyWithKey(
      root,
      key.publicFile,
      path.join(root, 'model.sig')
    )
    expect(run.exitCode).not.toBe(0)
    expect(run.output).toContain(file)
  })

  it('action rejects the model_signing signature', async () => {
    const root = await makeModel(`tamper-theirs-${file.replace('/', '_')}`)
    const signed = await signWithKey(
      root,
      key.privateFile,
      path.join(root, 'model.sig')
    )
    expect(signed.exitCode).toBe(0)
    await apply(root)
    const diagnosis = await diagnosisOf(verifyAsAction(root, key))
    expect(diagnosis).toMatch(/^MODEL_DIGEST_MISMATCH: /)
    expect(diagnosis).toContain(`file ${file} `)
  })
})

describe('signer ignore paths', () => {
  let key: KeyFiles

  beforeAll(async () => {
    key = await makeKey('P-256')
  })

  it('action skips a path the signer ignored', async () => {
    const root = await makeModel('ignore-readme')
    const readme = path.join(root, 'README.md')
    await writeFile(readme, 'before signing\n')
    const signature = path.join(root, 'model.sig')
    const signed = await signWithKey(root, key.privateFile, signature, [
      '--ignore-paths',
      readme
    ])
    expect(signed.exitCode).toBe(0)
    await writeFile(readme, 'edited after signing\n')

    const run = await verifyWithKey(root, key.publicFile, signature)
    expect(run.output).toContain('Verification succeeded')
    await expect(diagnosisOf(verifyAsAction(root, key))).resolves.toBe('passed')
  })

  it('action checks git files the signer kept', async () => {
    const root = await makeModel('keep-git')
    const signature = path.join(root, 'model.sig')
    const options = ['--no-ignore-git-paths']
    const signed = await signWithKey(root, key.privateFile, signature, options)
    expect(signed.exitCode).toBe(0)

    const run = await verifyWithKey(root, key.publicFile, signature, options)
    expect(run.output).toContain('Verification succeeded')
    await expect(diagnosisOf(verifyAsAction(root, key))).resolves.toBe('passed')
  })

  it('action rejects an edited git file the signer kept', async () => {
    const root = await makeModel('keep-git-edited')
    const signature = path.join(root, 'model.sig')
    const options = ['--no-ignore-git-paths']
    const signed = await signWithKey(root, key.privateFile, signature, options)
    expect(signed.exitCode).toBe(0)
    await writeFile(path.join(root, '.gitignore'), '*.bak\n')

    const run = await verifyWithKey(root, key.publicFile, signature, options)
    expect(run.exitCode).not.toBe(0)
    const diagnosis = await diagnosisOf(verifyAsAction(root, key))
    expect(diagnosis).toMatch(/^MODEL_DIGEST_MISMATCH: /)
    expect(diagnosis).toContain('file .gitignore ')
  })
})

describe('symbolic links', () => {
  let key: KeyFiles

  beforeAll(async () => {
    key = await makeKey('P-256')
  })

  /** Writes a model whose `alias.pkl` is a link to its `model.pkl`. */
  async function makeLinkedModel(name: string): Promise<string> {
    const root = await makeModel(name)
    await writeFile(path.join(root, 'model.pkl'), Buffer.alloc(5_000, 3))
    await symlink('model.pkl', path.join(root, 'alias.pkl'))
    return root
  }

  it('statement matches model_signing with a link', async () => {
    const root = await makeLinkedModel('link-file')
    const theirs = path.join(work, 'link-file.sig')
    const run = await signWithKey(root, key.privateFile, theirs, [
      '--allow_symlinks'
    ])
    expect(run.exitCode).toBe(0)
    const digest = await signAsAction(root, key)

    const expected = await readStatement(theirs)
    const actual = await readStatement(path.join(root, 'model.sig'))
    expect(actual.predicate.serialization.allow_symlinks).toBe(true)
    expect(actual.subject).toEqual(expected.subject)
    expect(digest).toBe(expected.subject[0].digest.sha256)
  })

  it('model_signing verifies a linked file', async () => {
    const root = await makeLinkedModel('link-verify')
    await signAsAction(root, key)
    const signature = path.join(root, 'model.sig')
    // model-signing 1.1.1 takes allow_symlinks from the command line, not
    // from the statement.
    const run = await verifyWithKey(root, key.publicFile, signature, [
      '--allow_symlinks'
    ])
    expect(run.output).toContain('Verification succeeded')
    expect(run.exitCode).toBe(0)
  })

  it('records no allow_symlinks without links', async () => {
    const root = await makeModel('no-link')
    await signAsAction(root, key)
    const statement = await readStatement(path.join(root, 'model.sig'))
    expect(statement.predicate.serialization.allow_symlinks).toBe(false)
  })

  it('names a linked model directory by the link', async () => {
    const target = await makeModel('link-dir')
    const linked = path.join(work, 'link-dir', 'linked')
    await symlink(target, linked)
    const theirs = path.join(work, 'link-dir.sig')
    const run = await signWithKey(linked, key.privateFile, theirs, [
      '--allow_symlinks'
    ])
    expect(run.exitCode).toBe(0)
    await signAsAction(linked, key)
    const ours = path.join(target, 'model.sig')

    const expected = await readStatement(theirs)
    const actual = await readStatement(ours)
    expect(actual.subject[0].name).toBe('linked')
    expect(actual.subject).toEqual(expected.subject)
    expect(actual.predicate.serialization.allow_symlinks).toBe(true)
    const verified = await verifyWithKey(linked, key.publicFile, ours, [
      '--allow_symlinks'
    ])
    expect(verified.output).toContain('Verification succeeded')
  })
})
