import { describe, expect, it } from '@jest/globals'

import { readWorkflow } from '../../support/workflow-files.js'

interface CallTrigger {
  inputs: Record<string, { default?: unknown }>
  secrets: Record<string, unknown>
  outputs: Record<string, unknown>
}

interface Job {
  permissions?: Record<string, string>
  'timeout-minutes'?: unknown
  concurrency?: { group?: string }
  steps: { id?: string; uses?: string; with?: Record<string, string> }[]
}

interface ReusableWorkflow {
  call: CallTrigger
  jobs: Job[]
}

function workflow(name: string): ReusableWorkflow {
  const data = readWorkflow(`.github/workflows/${name}`) as {
    on: { workflow_call: CallTrigger }
    jobs: Record<string, Job>
  }
  return { call: data.on.workflow_call, jobs: Object.values(data.jobs) }
}

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
  const action = jobs[0]?.steps.find(step =>
    step.uses?.startsWith('hokusai/mlflow-register@')
  )

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
    expect(action?.with?.[input]).toBe(`\${{ secrets.${secret} }}`)
  })

  it('passes no secret as an input', () => {
    const secretInputs = Object.keys(call.inputs).filter(name =>
      /(^|-)(password|secret|token|passphrase)$/.test(name)
    )
    expect(secretInputs).toEqual([])
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

describe.each([
  ['register.yml', register],
  ['register-oidc.yml', registerOidc],
  ['sync.yml', sync],
  ['sync-oidc.yml', syncOidc]
])('%s', (_name, { call, jobs }) => {
  const [job = { steps: [] }] = jobs
  const action = job.steps.find(step =>
    step.uses?.startsWith('hokusai/mlflow-register@')
  )

  it('has one job with a timeout', () => {
    expect(jobs).toHaveLength(1)
    expect(job['timeout-minutes']).toBeDefined()
  })

  it('has a concurrency group', () => {
    expect(job.concurrency?.group).toMatch(/^mlflow-register-/)
  })

  it('passes every input the action takes', () => {
    const passed = new Set(Object.keys(action?.with ?? {}))
    const workflowOnly = ['runs-on', 'timeout-minutes', 'checkout']
    const missing = Object.keys(call.inputs)
      .filter(name => !workflowOnly.includes(name))
      .filter(name => name !== 'model-artifact')
      .filter(name => !passed.has(name))

    expect(missing).toEqual([])
  })

  it('passes each output from the step', () => {
    for (const name of Object.keys(call.outputs)) {
      expect(JSON.stringify(call.outputs[name])).toContain(
        `.outputs.${name} }}`
      )
    }
  })
})
