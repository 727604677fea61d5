import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  requireModelSigning,
  signWithKey,
  verifyWithKey
} from '../../support/model-signing.js'
import {
  overwriteArtifact,
  proxyPathOf,
  tagsOf
} from '../../support/artifact-store.js'
import { expectSecretsAbsent } from '../../support/secret-scan.js'
import { ROOT } from '../../support/spawn-node.js'
import {
  createTarget,
  getModelVersion,
  githubEnv,
  listVersionNumbers,
  logRuns,
  pythonClientEnv,
  runAction,
  targetInputs,
  type ActionRun,
  type RestModelVersion,
  type Target
} from '../../support/registration.js'
import { mlflowApi, uniqueModelName } from '../../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration.
jest.setTimeout(120_000)

const DIGEST_TAG = 'mlflow_register.model_digest'
const SIGNATURE_TAG = 'mlflow_register.signature'

function makeKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256'
  })
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString()
  }
}

/** Returns the lines of a PEM text without its armor lines. */
function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter(line => line && !line.startsWith('-----'))
}

describe('signing with a key on the plain server', () => {
  const keys = makeKeyPair()
  let target: Target
  let modelName: string
  let registration: ActionRun
  let version: RestModelVersion

  const verify = (verifyKey: string, source = `models:/${modelName}/1`) =>
    runAction(
      {
        ...targetInputs(target),
        mode: 'verify',
        source,
        'verify-key': verifyKey
      },
      githubEnv()
    )

  beforeAll(async () => {
    target = await createTarget('plain')
    modelName = uniqueModelName('signed')
    registration = await runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        'model-path': 'examples/model',
        aliases: 'candidate',
        signing: 'key',
        'signing-key': keys.privatePem
      },
      githubEnv()
    )
    version = await getModelVersion('plain', modelName, '1')
  })

  it('registration with signing succeeds', () => {
    expect(registration.host.failure).toBeUndefined()
    expect(registration.result.outcome).toBe('registered')
  })

  it('model digest is an output and a tag', () => {
    const digest = registration.host.outputs.get('model-digest')
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
    expect(tagsOf(version)[DIGEST_TAG]).toBe(digest)
  })

  it('signature tag names model.sig beside the files', () => {
    expect(tagsOf(version)[SIGNATURE_TAG]).toBe(`${version.source}/model.sig`)
  })

  it('signing key is masked line by line', () => {
    for (const line of pemBodyLines(keys.privatePem)) {
      expect(registration.host.secrets).toContain(line)
    }
  })

  it('signing key never reaches logs or outputs', () => {
    expectSecretsAbsent(
      { values: [keys.privatePem, ...pemBodyLines(keys.privatePem)] },
      { 'log, outputs and summary': registration.host.visibleText() }
    )
  })

  it('model_signing verifies the registered copy', async () => {
    requireModelSigning()
    const work = await mkdtemp(path.join(tmpdir(), 'signed-copy-'))
    try {
      await promisify(execFile)(
        path.join(ROOT, '.venv/bin/mlflow'),
        ['artifacts', 'download', '-u', version.source ?? '', '-d', work],
        { env: pythonClientEnv(target.server) }
      )
      const copy = path.join(work, 'model')
      const publicFile = path.join(work, 'verify.pub')
      await writeFile(publicFile, keys.publicPem)
      const run = await verifyWithKey(
        copy,
        publicFile,
        path.join(copy, 'model.sig')
      )
      expect(run.output).toContain('Verification succeeded')
      expect(run.exitCode).toBe(0)
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  it('dry run plans the model.sig upload', async () => {
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': uniqueModelName('signed-dry-run'),
        'model-path': 'examples/model',
        'dry-run': 'true',
        signing: 'key',
        'signing-key': keys.privatePem
      },
      githubEnv()
    )
    const calls = JSON.parse(run.host.outputs.get('planned-calls') ?? '[]') as {
      method: string
      path: string
      body?: { tags?: unknown }
    }[]
    const uploads = calls.filter(call => call.method === 'PUT')
    expect(uploads.map(call => call.path.split('/').pop())).toContain(
      'model.sig'
    )
    const create = calls.find(call =>
      call.path.endsWith('model-versions/create')
    )
    expect(JSON.stringify(create?.body?.tags)).toContain(SIGNATURE_TAG)
  })

  it('sigstore without id-token write writes nothing', async () => {
    const unsupported = uniqueModelName('sigstore')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': unsupported,
        'model-path': 'examples/model',
        signing: 'sigstore'
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.detail).toContain('signing is sigstore')
    expect(await listVersionNumbers('plain', unsupported)).toEqual([])
  })

  it('verify mode passes on the registered version', async () => {
    const run = await verify(keys.publicPem)
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('verified')
    expect(run.host.outputs.get('model-digest')).toBe(
      registration.host.outputs.get('model-digest')
    )
  })

  it('verify mode finds the version by alias', async () => {
    const run = await verify(keys.publicPem, `models:/${modelName}@candidate`)
    expect(run.result.outcome).toBe('verified')
    expect(run.result.version?.version).toBe('1')
  })

  it('verify mode reports a missing alias', async () => {
    const run = await verify(keys.publicPem, `models:/${modelName}@missing`)
    expect(run.result.diagnosis?.code).toBe('SOURCE_NOT_FOUND')
  })

  it('verify mode rejects another key', async () => {
    const run = await verify(makeKeyPair().publicPem)
    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.code).toBe('SIGNATURE_INVALID')
    expect(run.result.diagnosis?.detail).toContain('another key')
  })

  it('verify-signature accepts the signed run source', async () => {
    const fromRun = uniqueModelName('from-signed-run')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': fromRun,
        source: `runs:/${version.run_id ?? ''}/model`,
        'verify-signature': 'true',
        'verify-key': keys.publicPem
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    const created = await getModelVersion('plain', fromRun, '1')
    expect(tagsOf(created)[DIGEST_TAG]).toBe(
      registration.host.outputs.get('model-digest')
    )
  })

  it('verify-signature accepts a model version source', async () => {
    const fromVersion = uniqueModelName('from-signed-version')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': fromVersion,
        source: `models:/${modelName}/1`,
        'verify-signature': 'true',
        'verify-key': keys.publicPem
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    const digest = registration.host.outputs.get('model-digest')
    expect(run.host.outputs.get('model-digest')).toBe(digest)
    const created = await getModelVersion('plain', fromVersion, '1')
    expect(tagsOf(created)[DIGEST_TAG]).toBe(digest)
  })

  it('verify-signature rejects a version with another key', async () => {
    const fromVersion = uniqueModelName('from-version-other-key')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': fromVersion,
        source: `models:/${modelName}/1`,
        'verify-signature': 'true',
        'verify-key': makeKeyPair().publicPem
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBe('SIGNATURE_INVALID')
    expect(await listVersionNumbers('plain', fromVersion)).toEqual([])
  })

  describe('after a file in the artifact store changed', () => {
    let verification: ActionRun

    beforeAll(async () => {
      const root = proxyPathOf(version.source ?? '')
      await overwriteArtifact(target, `${root}/conda.yaml`, 'name: other\n')
      verification = await verify(keys.publicPem)
    })

    it('verify mode fails with a digest mismatch', () => {
      expect(verification.result.outcome).toBe('failed')
      expect(verification.result.diagnosis?.code).toBe('MODEL_DIGEST_MISMATCH')
    })

    it('verify mode names the changed file', () => {
      expect(verification.result.diagnosis?.detail).toContain(
        'file conda.yaml was changed after signing'
      )
    })

    it('verify-signature creates no version from it', async () => {
      const fromRun = uniqueModelName('from-changed-run')
      const run = await runAction(
        {
          ...targetInputs(target),
          'model-name': fromRun,
          source: `runs:/${version.run_id ?? ''}/model`,
          'verify-signature': 'true',
          'verify-key': keys.publicPem
        },
        githubEnv()
      )
      expect(run.result.diagnosis?.code).toBe('MODEL_DIGEST_MISMATCH')
      expect(await listVersionNumbers('plain', fromRun)).toEqual([])
    })
  })
})

describe('signing a model path with an old model.sig', () => {
  const keys = makeKeyPair()
  let target: Target
  let modelDir: string
  let modelName: string
  let registration: ActionRun

  // The generated signature replaces the model.sig of the directory, so
  // the upload must check the size of the generated file.
  beforeAll(async () => {
    target = await createTarget('plain')
    modelDir = await mkdtemp(path.join(tmpdir(), 'old-signature-'))
    await cp(path.join(ROOT, 'examples/model'), modelDir, { recursive: true })
    await writeFile(path.join(modelDir, 'model.sig'), 'an older signature')
    modelName = uniqueModelName('resigned')
    registration = await runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        'model-path': modelDir,
        signing: 'key',
        'signing-key': keys.privatePem
      },
      githubEnv()
    )
  })

  afterAll(async () => {
    await rm(modelDir, { recursive: true, force: true })
  })

  it('registers the version', () => {
    expect(registration.host.failure).toBeUndefined()
    expect(registration.result.outcome).toBe('registered')
  })

  it('logs the same file count twice', () => {
    const log = registration.host.logText()
    expect(log).toContain('Uploading 8 files (')
    expect(log).toContain('Uploaded 8 files')
  })
})

describe('digest-source on an unsigned run source', () => {
  let target: Target
  let local: ActionRun
  let runSource: string

  beforeAll(async () => {
    target = await createTarget('plain')
    const modelName = uniqueModelName('unsigned-local')
    local = await runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        'model-path': 'examples/model'
      },
      githubEnv()
    )
    const version = await getModelVersion('plain', modelName, '1')
    runSource = `runs:/${version.run_id ?? ''}/model`
  })

  const registerRun = (modelName: string, digestSource: string) =>
    runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        source: runSource,
        'digest-source': digestSource
      },
      githubEnv()
    )

  it('stores the digest of the streamed files', async () => {
    const modelName = uniqueModelName('digested-run')
    const run = await registerRun(modelName, 'true')
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    const digest = run.host.outputs.get('model-digest')
    expect(digest).toBe(local.host.outputs.get('model-digest'))
    const created = await getModelVersion('plain', modelName, '1')
    expect(tagsOf(created)[DIGEST_TAG]).toBe(digest)
  })

  it('equals the digest model_signing signs', async () => {
    requireModelSigning()
    const work = await mkdtemp(path.join(tmpdir(), 'digest-source-'))
    try {
      const privateFile = path.join(work, 'signing.pem')
      await writeFile(privateFile, makeKeyPair().privatePem)
      const signature = path.join(work, 'model.sig')
      const model = path.join(ROOT, 'examples/model')
      const signed = await signWithKey(model, privateFile, signature)
      expect(signed.exitCode).toBe(0)
      const bundle = JSON.parse(await readFile(signature, 'utf8')) as {
        dsseEnvelope: { payload: string }
      }
      const statement = JSON.parse(
        Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')
      ) as { subject: [{ digest: { sha256: string } }] }
      expect(local.host.outputs.get('model-digest')).toBe(
        statement.subject[0].digest.sha256
      )
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  it('stores no digest without it', async () => {
    const modelName = uniqueModelName('undigested-run')
    const run = await registerRun(modelName, 'false')
    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('model-digest')).toBe('')
    const created = await getModelVersion('plain', modelName, '1')
    expect(tagsOf(created)[DIGEST_TAG]).toBeUndefined()
  })
})

describe('verifying an unsigned version', () => {
  it('reports the missing model.sig', async () => {
    const target = await createTarget('plain')
    const modelName = uniqueModelName('unsigned')
    const registration = await runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        'model-path': 'examples/model'
      },
      githubEnv()
    )
    expect(registration.result.outcome).toBe('registered')
    const run = await runAction(
      {
        ...targetInputs(target),
        mode: 'verify',
        source: `models:/${modelName}/1`,
        'verify-key': makeKeyPair().publicPem
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBe('SIGNATURE_MISSING')
  })
})

describe('verify-signature on a logged model source', () => {
  const keys = makeKeyPair()
  let target: Target
  let source: string
  let artifactUri: string

  const register = (modelName: string) =>
    runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        source,
        'verify-signature': 'true',
        'verify-key': keys.publicPem
      },
      githubEnv()
    )

  beforeAll(async () => {
    requireModelSigning()
    target = await createTarget('plain')
    const logged = await logRuns(target.server, 'model')
    source = `models:/${logged.modelId}`
    const response = await mlflowApi<{
      model: { info: { artifact_uri: string } }
    }>(target.server, 'GET', `logged-models/${logged.modelId}`)
    artifactUri = response.model.info.artifact_uri
  })

  it('reports the missing model.sig', async () => {
    const modelName = uniqueModelName('unsigned-logged')
    const run = await register(modelName)
    expect(run.result.diagnosis?.code).toBe('SIGNATURE_MISSING')
    expect(await listVersionNumbers('plain', modelName)).toEqual([])
  })

  it('accepts a model_signing signature', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'logged-model-'))
    try {
      await promisify(execFile)(
        path.join(ROOT, '.venv/bin/mlflow'),
        ['artifacts', 'download', '-u', artifactUri, '-d', work],
        { env: pythonClientEnv(target.server) }
      )
      const copy = path.join(work, path.posix.basename(artifactUri))
      const privateFile = path.join(work, 'signing.pem')
      await writeFile(privateFile, keys.privatePem)
      const signature = path.join(work, 'model.sig')
      expect((await signWithKey(copy, privateFile, signature)).exitCode).toBe(0)
      const bundle = await readFile(signature, 'utf8')
      await overwriteArtifact(
        target,
        `${proxyPathOf(artifactUri)}/model.sig`,
        bundle
      )
    } finally {
      await rm(work, { recursive: true, force: true })
    }

    const modelName = uniqueModelName('signed-logged')
    const run = await register(modelName)
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('model-digest')).toMatch(/^[0-9a-f]{64}$/)
  })
})
