import { describe, expect, it } from '@jest/globals'

import { INPUTS, type InputSpec } from '../../../src/config/inputs.js'
import { readWorkflow } from '../../support/workflow-files.js'

interface WorkflowInput {
  type?: string
  default?: string | number | boolean
  required?: boolean
}

interface CallTrigger {
  inputs: Record<string, WorkflowInput>
  secrets: Record<string, unknown>
  outputs: Record<string, { value?: string }>
}

interface Step {
  id?: string
  uses?: string
  with?: Record<string, string>
}

interface Job {
  permissions?: Record<string, string>
  'timeout-minutes'?: unknown
  concurrency?: { group?: string }
  outputs?: Record<string, string>
  steps: Step[]
}

interface ReusableWorkflow {
  call: CallTrigger
  jobs: Job[]
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

function workflow(name: string): ReusableWorkflow {
  const data = readWorkflow(`.github/workflows/${name}`) as {
    on: { workflow_call: CallTrigger }
    jobs: Record<string, Job>
  }
  return { call: data.on.workflow_call, jobs: Object.values(data.jobs) }
}

function actionStep(job: Job | undefined): Step | undefined {
  return job?.steps.find(step =>
    step.uses?.startsWith('hokusai/mlflow-register@')
  )
}

const action = readWorkflow('action.yml') as unknown as ActionYml
const specs = new Map(
  (INPUTS as readonly InputSpec[]).map(spec => [spec.name, spec])
)

const register = workflow('register.yml')
const registerOidc = workflow('register-oidc.yml')
const sync = workflow('sync.yml')
const syncOidc = workflow('sync-oidc.yml')

const OIDC_INPUTS = [
  'azure-authority-host',
  'azure-client-id',
  'azure-tenant-id',
  'oidc-audience',
  'oidc-exchange'
]

/** Inputs of the workflows that the action does not have. */
const WORKFLOW_ONLY = ['runs-on', 'timeout-minutes', 'checkout']

const OIDC_ONLY =
  'only `github-oidc` reads it, and that mode has a workflow of its own'

/**
 * Action inputs that a workflow does not take, with the reason. Every
 * other action input must reach the action step.
 */
const REGISTER_EXCLUDED: Record<string, string> = {
  attest:
    'needs `attestations: write`, which GitHub would then demand from ' +
    'every caller',
  'github-token': 'only `attest` and `sync` read it'
}

const SYNC_EXCLUDED: Record<string, string> = {
  source: 'a bundle contains the registration',
  'model-path': 'a bundle contains the model files',
  'artifact-path': 'a bundle contains the registration',
  'experiment-name': 'a bundle contains the registration',
  description: 'a bundle contains the registration',
  tags: 'a bundle contains the registration',
  aliases: 'a bundle contains the registration',
  'expected-alias-versions': 'a bundle contains the registration',
  'require-metric': 'a bundle contains the registration',
  'idempotency-key': 'a bundle contains the key of its registration',
  'force-new-version': 'a replay always adopts the version of its key',
  'dry-run': 'sync rejects it',
  'on-unavailable': 'only a registration defers',
  offline: 'sync exists to reach a server',
  'report-path': 'only preflight mode writes the report',
  attest: 'a replay is not attested',
  'verify-key': 'a replay verifies no signature',
  'verify-signature': 'a replay verifies no signature',
  'digest-source': 'a bundle contains the registration',
  'certificate-identity': 'a replay verifies no signature',
  'certificate-oidc-issuer': 'a replay verifies no signature',
  'sigstore-trusted-root': 'a replay verifies no signature'
}

/** Action outputs that a workflow does not pass on, with the reason. */
const REGISTER_OUTPUTS_EXCLUDED: Record<string, string> = {
  'sync-report': 'only sync mode sets it',
  'attestation-url': '`attest` is not an input'
}

const ONE_VERSION = 'a sync handles many bundles; see `sync-report`'

const SYNC_OUTPUTS_EXCLUDED: Record<string, string> = {
  'model-name': ONE_VERSION,
  'model-version': ONE_VERSION,
  'model-uri': ONE_VERSION,
  'model-url': ONE_VERSION,
  comparison: ONE_VERSION,
  'bundle-path': 'only a deferral writes a bundle',
  'bundle-artifact': 'only a deferral writes a bundle',
  'bundle-key': 'only a deferral writes a bundle',
  'planned-calls': 'sync rejects `dry-run`',
  'report-path': 'only preflight mode writes the report',
  'attestation-url': 'a replay is not attested',
  'model-digest': ONE_VERSION
}

function withOidc(
  excluded: Record<string, string>,
  oidc: boolean
): Record<string, string> {
  if (oidc) return excluded
  const reasons = Object.fromEntries(OIDC_INPUTS.map(name => [name, OIDC_ONLY]))
  return { ...excluded, ...reasons }
}

describe.each([
  ['register-oidc.yml', registerOidc, 'register.yml', register],
  ['sync-oidc.yml', syncOidc, 'sync.yml', sync]
])('%s', (_name, oidc, _plainName, plain) => {
  it('has the inputs of its plain workflow', () => {
    const common = Object.entries(plain.call.inputs).filter(
      ([name]) => name !== 'auth-mode'
    )
    for (const [name, input] of common) {
      expect([name, oidc.call.inputs[name]]).toEqual([name, input])
    }
  })

  it('adds only the OIDC inputs', () => {
    const added = Object.keys(oidc.call.inputs).filter(
      name => !(name in plain.call.inputs)
    )

    expect(added.sort()).toEqual(OIDC_INPUTS)
  })

  it('defaults to github-oidc', () => {
    expect(oidc.call.inputs['auth-mode']?.default).toBe('github-oidc')
  })

  it('has the secrets and outputs of its plain workflow', () => {
    expect(oidc.call.secrets).toEqual(plain.call.secrets)
    expect(oidc.call.outputs).toEqual(plain.call.outputs)
  })
})

describe.each([
  ['register.yml', register],
  ['register-oidc.yml', registerOidc],
  ['sync.yml', sync],
  ['sync-oidc.yml', syncOidc]
])('%s auth modes', (_name, { call, jobs }) => {
  const step = actionStep(jobs[0])

  it.each(['DATABRICKS_TOKEN', 'DATABRICKS_CLIENT_SECRET'])(
    'takes the secret %s',
    secret => {
      expect(call.secrets).toHaveProperty([secret])
    }
  )

  it.each([
    ['databricks-token', 'DATABRICKS_TOKEN'],
    ['databricks-client-secret', 'DATABRICKS_CLIENT_SECRET']
  ])('passes %s from its secret', (input, secret) => {
    expect(step?.with?.[input]).toBe(`\${{ secrets.${secret} }}`)
  })

  it('takes no secret as an input', () => {
    const secretInputs = Object.keys(call.inputs).filter(
      name => specs.get(name)?.secret === true
    )
    expect(secretInputs).toEqual([])
  })

  it('passes each secret input from a secret', () => {
    const passed = Object.entries(step?.with ?? {}).filter(
      ([name]) => specs.get(name)?.secret === true
    )
    for (const [name, value] of passed) {
      const expected =
        name === 'github-token'
          ? '${{ github.token }}'
          : expect.stringMatching(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/)
      expect([name, value]).toEqual([name, expected])
    }
  })
})

describe('permissions', () => {
  it('grant id-token only to the OIDC workflows', () => {
    expect(register.jobs[0]?.permissions).toEqual({ contents: 'read' })
    expect(registerOidc.jobs[0]?.permissions).toEqual({
      contents: 'read',
      'id-token': 'write'
    })
    expect(sync.jobs[0]?.permissions).toEqual({
      contents: 'read',
      actions: 'write'
    })
    expect(syncOidc.jobs[0]?.permissions).toEqual({
      contents: 'read',
      actions: 'write',
      'id-token': 'write'
    })
  })
})

/** Returns the workflow input type that matches an action input. */
function expectedType(name: string): string {
  const spec = specs.get(name)
  const fallback = action.inputs[name]?.default
  if (spec?.boolean === true || fallback === 'true' || fallback === 'false') {
    return 'boolean'
  }
  if (fallback !== undefined && /^\d+(\.\d+)?$/.test(fallback)) {
    return 'number'
  }
  return 'string'
}

describe.each([
  ['register.yml', register, REGISTER_EXCLUDED, REGISTER_OUTPUTS_EXCLUDED],
  [
    'register-oidc.yml',
    registerOidc,
    REGISTER_EXCLUDED,
    REGISTER_OUTPUTS_EXCLUDED
  ],
  ['sync.yml', sync, SYNC_EXCLUDED, SYNC_OUTPUTS_EXCLUDED],
  ['sync-oidc.yml', syncOidc, SYNC_EXCLUDED, SYNC_OUTPUTS_EXCLUDED]
])('%s', (name, { call, jobs }, excludedInputs, excludedOutputs) => {
  const [job = { steps: [] }] = jobs
  const step = actionStep(job)
  const passed = step?.with ?? {}
  const oidc = name.includes('-oidc')
  const excluded = withOidc(excludedInputs, oidc)

  it('has one job with a timeout', () => {
    expect(jobs).toHaveLength(1)
    expect(job['timeout-minutes']).toBeDefined()
  })

  it('has a concurrency group', () => {
    expect(job.concurrency?.group).toMatch(/^mlflow-register-/)
  })

  it('passes every action input or excludes it', () => {
    const missing = Object.keys(action.inputs).filter(
      input => !(input in passed) && !(input in excluded)
    )

    expect(missing).toEqual([])
  })

  it('excludes only action inputs it does not pass', () => {
    for (const input of Object.keys(excluded)) {
      expect([input, input in action.inputs]).toEqual([input, true])
      expect([input, input in passed]).toEqual([input, false])
      expect([input, input in call.inputs]).toEqual([input, false])
    }
  })

  it('passes each input to the action under its name', () => {
    const forwarded = Object.keys(call.inputs).filter(
      input => !WORKFLOW_ONLY.includes(input) && input !== 'model-artifact'
    )
    for (const input of forwarded) {
      expect([input, passed[input]]).toEqual([input, `\${{ inputs.${input} }}`])
    }
  })

  it('reads only inputs that it declares', () => {
    for (const [input, value] of Object.entries(passed)) {
      const read = /\$\{\{ inputs\.([a-z-]+) \}\}/.exec(value)?.[1]
      if (read === undefined) continue
      expect([input, read in call.inputs]).toEqual([input, true])
    }
  })

  it('types each input as the action reads it', () => {
    for (const [input, declared] of Object.entries(call.inputs)) {
      if (!(input in action.inputs)) continue
      expect([input, declared.type]).toEqual([input, expectedType(input)])
    }
  })

  it('keeps the action defaults', () => {
    for (const [input, declared] of Object.entries(call.inputs)) {
      if (!(input in action.inputs)) continue
      if (oidc && input === 'auth-mode') continue
      const fallback = action.inputs[input]?.default
      const value = String(declared.default ?? '')
      const unset = declared.type === 'boolean' ? 'false' : ''
      expect([input, value]).toEqual([input, fallback ?? unset])
    }
  })

  it('passes every action output or excludes it', () => {
    const missing = Object.keys(action.outputs).filter(
      output => !(output in call.outputs) && !(output in excludedOutputs)
    )

    expect(missing).toEqual([])
  })

  it('passes each output from the step through the job', () => {
    const jobName = name.startsWith('register') ? 'register' : 'sync'
    for (const output of Object.keys(call.outputs)) {
      expect([output, call.outputs[output]?.value]).toEqual([
        output,
        `\${{ jobs.${jobName}.outputs.${output} }}`
      ])
      expect([output, job.outputs?.[output]]).toEqual([
        output,
        `\${{ steps.${step?.id ?? ''}.outputs.${output} }}`
      ])
    }
  })
})
