// The demo: starts a local MLflow server with basic auth, creates a CI
// user, registers examples/model through dist/index.js exactly as a
// GitHub runner would, shows the outputs and the job summary, and runs
// the same job again to show that it reuses the version. Then it stops
// the server, registers a new run (deferred into a bundle), starts the
// server again and syncs the bundle twice: one new version, then
// nothing. Last, it registers offline into the local registry with the
// CLI and syncs that to the server. It stops the server at the end.
import { spawnSync } from 'node:child_process'
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

const ROOT = path.resolve(import.meta.dirname, '..')

/** Runs the bundled CLI and prints its log and outputs. */
function cli(args, env) {
  console.log(`$ mlflow-register ${args.join(' ')}`)
  const child = spawnSync(
    path.join(ROOT, 'node_modules/.bin/node'),
    [path.join(ROOT, 'dist/cli/index.js'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }
    }
  )
  console.log(`${child.stderr}${child.stdout}`.trimEnd())
  return child.status
}

/** Prints the short form of a run: the warnings, errors and outputs. */
function brief(result) {
  const notes = result.log
    .split('\n')
    .filter(line => /^::(warning|error)/.test(line))
    .map(line => line.replace(/^::(\w+)[^:]*::/, '$1: ').replace(/%0A/g, ' '))
  for (const note of notes) console.log(note)
  for (const name of [
    'outcome',
    'model-version',
    'bundle-path',
    'sync-report'
  ]) {
    if (result.outputs[name])
      console.log(`  ${name.padEnd(14)} ${result.outputs[name]}`)
  }
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
const serverOptions = { name: 'demo', stateDir: STATE, basicAuth: true }
let server = await startMlflowServer(serverOptions)
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

  heading('Outage: stop MLflow, then register the next nightly run')
  await stopMlflowServer(server)
  const bundles = path.join(STATE, 'bundles')
  const outageJob = {
    inputs: { ...job.inputs, 'bundle-dir': bundles, 'max-attempts': '2' },
    env: { ...job.env, GITHUB_RUN_ID: '1002' }
  }
  const deferred = await runAction(outageJob)
  brief(deferred)

  heading('MLflow is back: sync the bundle, then sync again')
  const port = Number(new URL(server.url).port)
  server = await startMlflowServer({ ...serverOptions, port })
  const registry = path.join(STATE, 'registry')
  const syncJob = {
    inputs: {
      mode: 'sync',
      'tracking-uri': server.url,
      'bundle-dir': bundles,
      'registry-dir': registry
    },
    env: job.env
  }
  const synced = await runAction(syncJob)
  brief(synced)
  const resynced = await runAction(syncJob)
  brief(resynced)

  heading('Offline: register into the local registry with the CLI')
  const offlineEnv = {
    MLFLOW_REGISTER_REGISTRY_DIR: registry,
    MLFLOW_REGISTER_BUNDLE_DIR: bundles
  }
  const offlineArgs = [
    'register',
    '--offline',
    'true',
    '--model-name',
    'fraud-model',
    '--model-path',
    'examples/model',
    '--aliases',
    'challenger'
  ]
  const offlineCode = cli(offlineArgs, offlineEnv)
  cli(['list'], offlineEnv)
  const syncCode = cli(['sync', '--tracking-uri', server.url], {
    ...offlineEnv,
    MLFLOW_TRACKING_USERNAME: CI_USER.username,
    MLFLOW_TRACKING_PASSWORD: CI_USER.password
  })

  const failed =
    first.exitCode !== 0 ||
    second.exitCode !== 0 ||
    deferred.outputs.outcome !== 'deferred' ||
    synced.outputs.outcome !== 'synced' ||
    resynced.outputs['sync-report'] !== '[]' ||
    offlineCode !== 0 ||
    syncCode !== 0
  process.exitCode = failed ? 1 : 0
  if (!failed) {
    heading('Done')
    const report = JSON.parse(synced.outputs['sync-report'])
    const versionOf = run => run.outputs['model-version']
    console.log(
      `Run 1: ${first.outputs.outcome} version ${versionOf(first)}; ` +
        `run 2: ${second.outputs.outcome} version ${versionOf(second)}; ` +
        `outage run: ${deferred.outputs.outcome}, synced once as version ` +
        `${report[0]?.version}; the offline version is synced too.`
    )
  }
} finally {
  await stopMlflowServer(server)
  console.log('Stopped the MLflow server.')
}
