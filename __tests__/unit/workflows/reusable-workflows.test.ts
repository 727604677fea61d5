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

describe('register-oidc.yml', () => {
  it('has the inputs of register.yml', () => {
    const common = Object.entries(register.call.inputs).filter(
      ([name]) => name !== 'auth-mode'
    )
    for (const [name, input] of common) {
      expect([name, registerOidc.call.inputs[name]]).toEqual([name, input])
    }
  })

  it('adds only the OIDC inputs', () => {
    const added = Object.keys(registerOidc.call.inputs).filter(
      name => !(name in register.call.inputs)
    )

    expect(added.sort()).toEqual(['oidc-audience', 'oidc-exchange'])
  })

  it('defaults to github-oidc', () => {
    expect(registerOidc.call.inputs['auth-mode']?.default).toBe('github-oidc')
  })

  it('has the secrets and outputs of register.yml', () => {
    expect(registerOidc.call.secrets).toEqual(register.call.secrets)
    expect(registerOidc.call.outputs).toEqual(register.call.outputs)
  })
})

describe('permissions', () => {
  it('grant id-token only to register-oidc.yml', () => {
    expect(register.jobs[0]?.permissions).toEqual({ contents: 'read' })
    expect(registerOidc.jobs[0]?.permissions).toEqual({
      contents: 'read',
      'id-token': 'write'
    })
    expect(sync.jobs[0]?.permissions).toEqual({
      contents: 'read',
      actions: 'write'
    })
  })
})

describe.each([
  ['register.yml', register],
  ['register-oidc.yml', registerOidc],
  ['sync.yml', sync]
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
