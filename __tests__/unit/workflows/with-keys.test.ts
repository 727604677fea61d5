import { readFileSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

import { parseCliArgs } from '../../../src/cli/args.js'
import { inputVariable } from '../../../src/cli/flag-wording.js'
import { INPUTS } from '../../../src/config/inputs.js'
import {
  ROOT,
  readWorkflow,
  workflowFiles
} from '../../support/workflow-files.js'

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

interface Job {
  uses?: string
  with?: Record<string, unknown>
  secrets?: Record<string, unknown> | 'inherit'
  steps?: Step[]
}

interface CallTrigger {
  inputs?: Record<string, unknown>
  secrets?: Record<string, unknown>
}

const ACTION = /^(hokusai\/mlflow-register@|\.\/?$)/
const CALLED =
  /^(?:hokusai\/mlflow-register\/|\.\/)\.github\/workflows\/([^@]+)/

const actionInputs = new Set(
  Object.keys(
    (readWorkflow('action.yml') as { inputs: Record<string, unknown> }).inputs
  )
)

function jobsOf(file: string): [string, Job][] {
  const jobs = (readWorkflow(file).jobs ?? {}) as Record<string, Job>
  return Object.entries(jobs)
}

function callTrigger(workflow: string): CallTrigger {
  const data = readWorkflow(`.github/workflows/${workflow}`) as {
    on: { workflow_call: CallTrigger }
  }
  return data.on.workflow_call
}

/**
 * Lists each `with:` key of a step that runs the action, as
 * `<file> <job>: <key>`.
 */
function actionKeys(file: string): string[] {
  return jobsOf(file).flatMap(([job, body]) =>
    (body.steps ?? [])
      .filter(step => step.uses !== undefined && ACTION.test(step.uses))
      .flatMap(step =>
        Object.keys(step.with ?? {}).map(key => `${file} ${job}: ${key}`)
      )
  )
}

describe.each(workflowFiles())('%s', file => {
  it('gives the action only its inputs', () => {
    const unknown = actionKeys(file).filter(
      entry => !actionInputs.has(entry.split(': ')[1] ?? '')
    )
    expect(unknown).toEqual([])
  })

  it('gives each called workflow only its inputs and secrets', () => {
    for (const [job, body] of jobsOf(file)) {
      const workflow = body.uses ? CALLED.exec(body.uses)?.[1] : undefined
      if (workflow === undefined) continue
      const trigger = callTrigger(workflow)
      const inputs = Object.keys(body.with ?? {})
      const unknownInputs = inputs.filter(
        name => !(name in (trigger.inputs ?? {}))
      )
      expect([job, unknownInputs]).toEqual([job, []])
      if (body.secrets === 'inherit' || body.secrets === undefined) continue
      const unknownSecrets = Object.keys(body.secrets).filter(
        name => !(name in (trigger.secrets ?? {}))
      )
      expect([job, unknownSecrets]).toEqual([job, []])
    }
  })
})

/** Splits a shell command line into words, keeping quoted words whole. */
function shellWords(line: string): string[] {
  const words = line.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? []
  return words.map(word => word.replace(/^["']|["']$/g, ''))
}

/**
 * Returns the arguments after `mlflow-register@1` of each CLI call in a
 * shell script, up to a pipe or redirection.
 */
function cliCalls(script: string): string[][] {
  const joined = script.replace(/\\\n\s*/g, ' ')
  return [...joined.matchAll(/mlflow-register@1 ([^\n|>;&]*)/g)].map(match =>
    shellWords(match[1] ?? '')
  )
}

function gitlabScript(): string {
  const file = path.join(ROOT, 'examples/gitlab/.gitlab-ci.yml')
  const data = parse(readFileSync(file, 'utf8')) as Record<
    string,
    { script?: string[] }
  >
  return Object.values(data)
    .flatMap(job => job.script ?? [])
    .join('\n')
}

function jenkinsScript(): string {
  return readFileSync(path.join(ROOT, 'examples/jenkins/Jenkinsfile'), 'utf8')
}

describe.each([
  ['examples/gitlab', gitlabScript()],
  ['examples/jenkins', jenkinsScript()]
])('CLI calls in %s', (_name, script) => {
  const calls = cliCalls(script)

  it('call the CLI', () => {
    expect(calls.length).toBeGreaterThan(1)
  })

  it('use only flags their commands take', () => {
    for (const call of calls) {
      expect(() => parseCliArgs(call)).not.toThrow()
    }
  })
})

describe('register jobs of the CI examples', () => {
  const variable = inputVariable('offline')

  it('use the variable of offline', () => {
    const offline = INPUTS.find(input => input.name === 'offline')
    expect(offline?.env).toContain(variable)
  })

  it('disable offline in GitLab', () => {
    const file = path.join(ROOT, 'examples/gitlab/.gitlab-ci.yml')
    const data = parse(readFileSync(file, 'utf8')) as Record<
      string,
      { variables?: Record<string, unknown> }
    >
    expect(data.register?.variables?.[variable]).toBe('false')
  })

  it('disable offline in Jenkins', () => {
    const [, afterRegister = ''] = jenkinsScript().split("stage('Register')")
    const [registerStage = ''] = afterRegister.split('stage(')
    expect(registerStage).toContain(`${variable} = 'false'`)
  })
})
