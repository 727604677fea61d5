// The demo: starts a local MLflow server with basic auth, creates a CI
// user, registers examples/model through dist/index.js exactly as a
// GitHub runner would, shows the outputs and the job summary, runs the
// same job again to show that it reuses the version, then stops the
// server.
import { rmSync } from 'node:fs'
import path from 'node:path'

import {
  createUser,
  startMlflowServer,
  stopMlflowServer
} from './mlflow/servers.mjs'
import { runAction } from './runner.mjs'

const STATE = path.resolve(import.meta.dirname, '../.demo-state')
const CI_USER = { username: 'ci-bot', password: 'ci-bot-demo-password' }

function heading(text) {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`)
}

function show(result) {
  // The runner hides ::debug:: lines unless step debug logging is on.
  heading('Step log (as the runner shows it, secrets masked)')
  console.log(result.log.replace(/^::debug::.*\n/gm, '').trimEnd())
  heading(`Exit code ${result.exitCode}; outputs`)
  for (const [name, value] of Object.entries(result.outputs)) {
    console.log(`  ${name.padEnd(14)} ${value}`)
  }
  heading('Job summary (Markdown)')
  console.log(result.summary.trimEnd())
}

rmSync(STATE, { recursive: true, force: true })
heading('Starting MLflow with basic auth on loopback')
const server = await startMlflowServer({
  name: 'demo',
  stateDir: STATE,
  basicAuth: true
})
console.log(`MLflow is up at ${server.url} (log: ${server.log})`)
try {
  await createUser(server, CI_USER.username, CI_USER.password)
  console.log(`Created user ${CI_USER.username}`)

  const job = {
    inputs: {
      'tracking-uri': server.url,
      'model-name': 'fraud-model',
      'model-path': 'examples/model',
      aliases: 'champion',
      tags: 'team=risk\ntraining-data=2026-12',
      description: 'Linear model registered by the mlflow-register demo'
    },
    env: {
      MLFLOW_TRACKING_USERNAME: CI_USER.username,
      MLFLOW_TRACKING_PASSWORD: CI_USER.password,
      GITHUB_REPOSITORY: 'hokusai/demo',
      GITHUB_RUN_ID: '1001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKFLOW: 'release'
    }
  }
  heading('Run 1: register examples/model')
  const first = await runAction(job)
  show(first)

  heading('Run 2: the same job re-run (attempt 2) reuses the version')
  const second = await runAction({
    ...job,
    env: { ...job.env, GITHUB_RUN_ATTEMPT: '2' }
  })
  show(second)
  const failed = first.exitCode !== 0 || second.exitCode !== 0
  process.exitCode = failed ? 1 : 0
  if (!failed) {
    heading('Done')
    console.log(
      `Run 1: ${first.outputs.outcome} version ${first.outputs['model-version']}; ` +
        `run 2: ${second.outputs.outcome} version ${second.outputs['model-version']}.`
    )
  }
} finally {
  await stopMlflowServer(server)
  console.log('Stopped the MLflow server.')
}
