// Benchmarks the mlflow-register CLI against the MLflow Python client on
// one real MLflow server started on 127.0.0.1 with --serve-artifacts.
// `npm run bench` runs the full sizes; `npm run bench -- --quick` runs
// small sizes once each, only to prove that the benchmark still works.
// It prints a Markdown table and, with `--json FILE`, writes the figures.
import { execFileSync } from 'node:child_process'
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import path from 'node:path'

import {
  startMlflowServer,
  stopMlflowServer
} from '../scripts/mlflow/servers.mjs'
import { startCountingProxy } from './counting-proxy.mjs'
import { directorySize } from './fixtures.mjs'
import { runMeasured } from './measure.mjs'
import {
  coldRegistration,
  coldStart,
  makeUploadModels,
  syncBundles,
  uploadMemory,
  uploadModel
} from './scenarios.mjs'
import { renderTable } from './report.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const GiB = 2 ** 30
const MiB = 2 ** 20

const FULL = {
  coldRepetitions: 5,
  uploadRepetitions: 3,
  // More runs for the small files: a run whose connections all went to
  // one of the server's two workers takes twice as long.
  manyRepetitions: 5,
  largeBytes: GiB,
  smallFiles: 2000,
  memoryBytes: [GiB, 2 * GiB],
  syncCount: 200,
  startRepetitions: 5
}
const QUICK = {
  coldRepetitions: 1,
  uploadRepetitions: 1,
  manyRepetitions: 1,
  largeBytes: 8 * MiB,
  smallFiles: 50,
  memoryBytes: [8 * MiB, 16 * MiB],
  syncCount: 4,
  startRepetitions: 1
}

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const jsonIndex = argv.indexOf('--json')
const jsonFile = jsonIndex >= 0 ? argv[jsonIndex + 1] : undefined
const sizes = quick ? QUICK : FULL

const tempDir = mkdtempSync(path.join(tmpdir(), 'mlflow-register-bench-'))
let server
let proxy
try {
  const started = Date.now()
  log(`${quick ? 'Quick' : 'Full'} benchmark in ${tempDir}`)
  server = await startMlflowServer({
    name: 'bench',
    stateDir: tempDir,
    extraArgs: ['--serve-artifacts'],
    // Under load from other processes the workers take minutes to start.
    healthTimeoutMs: 600_000
  })
  proxy = await startCountingProxy(server.url)
  const bench = createBench(server, proxy)
  const results = await measureAll(bench)
  results.machine = describeMachine(bench)
  results.mode = quick ? 'quick' : 'full'
  results.minutes = (Date.now() - started) / 60_000
  const table = renderTable(results)
  process.stdout.write(`${table}\n`)
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
} finally {
  await proxy?.close()
  if (server) await stopMlflowServer(server)
  rmSync(tempDir, { recursive: true, force: true })
}

function createBench(mlflow, countingProxy) {
  return {
    server: mlflow,
    proxy: countingProxy,
    tempDir,
    node: process.execPath,
    cli: path.join(ROOT, 'dist/cli/index.js'),
    python: path.join(ROOT, '.venv/bin/python'),
    pythonScript: path.join(ROOT, 'bench/python_client.py'),
    floorScript: path.join(ROOT, 'bench/floor-client.mjs'),
    env: cleanEnv()
  }
}

async function measureAll(bench) {
  const results = {}
  log('Logging the source model with the Python client')
  const sourceRun = await runMeasured(
    bench.python,
    [bench.pythonScript, 'make-source', 'bench-source'],
    {
      env: { ...bench.env, MLFLOW_TRACKING_URI: bench.server.url },
      tempDir
    }
  )
  const runId = sourceRun.stdout.trim().split('\n').at(-1)
  bench.sourceExperimentId = readdirSync(
    path.join(bench.server.dir, 'artifacts')
  )[0]
  const source = `runs:/${runId}/model`

  log('Cold registration')
  results.cold = await coldRegistration(bench, source, sizes.coldRepetitions)
  log('Upload of one large file and of many small files')
  const models = makeUploadModels(tempDir, sizes.largeBytes, sizes.smallFiles)
  results.large = await uploadModel(
    bench,
    models.large,
    'large',
    sizes.uploadRepetitions
  )
  results.many = await uploadModel(
    bench,
    models.many,
    'many',
    sizes.manyRepetitions
  )
  rmSync(models.large, { recursive: true, force: true })
  log('Peak memory during uploads')
  results.memory = []
  for (const bytes of sizes.memoryBytes) {
    results.memory.push(await uploadMemory(bench, bytes))
  }
  log(`Sync of ${sizes.syncCount} bundles`)
  results.sync = await syncBundles(bench, source, sizes.syncCount)
  log('Start-up time and size of dist/')
  results.start = await measureStart(bench)
  return results
}

async function measureStart(bench) {
  const summary = path.join(tempDir, 'summary.md')
  const output = path.join(tempDir, 'output.txt')
  writeFileSync(summary, '')
  writeFileSync(output, '')
  const action = await coldStart(
    bench,
    [path.join(ROOT, 'dist/index.js')],
    {
      INPUT_MODE: 'preflight',
      'INPUT_TRACKING-URI': bench.proxy.url,
      'INPUT_MODEL-NAME': 'start-up',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary
    },
    sizes.startRepetitions
  )
  const cli = await coldStart(
    bench,
    [
      bench.cli,
      'preflight',
      '--tracking-uri',
      bench.proxy.url,
      '--model-name',
      'start-up'
    ],
    {},
    sizes.startRepetitions
  )
  return {
    actionFirstRequestMs: action,
    cliFirstRequestMs: cli,
    distBytes: directorySize(path.join(ROOT, 'dist')),
    actionBytes: statSync(path.join(ROOT, 'dist/index.js')).size,
    cliBytes: directorySize(path.join(ROOT, 'dist/cli'))
  }
}

/**
 * Returns the environment of every measured process: no proxy variables, no
 * GitHub context and no MLflow settings from the calling shell, and no
 * MLflow telemetry, so that no request leaves the machine.
 */
function cleanEnv() {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tempDir,
    TMPDIR: tempDir,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    NO_COLOR: '1'
  }
}

function describeMachine(bench) {
  const version = command =>
    execFileSync(bench.python, ['-c', command], { encoding: 'utf8' }).trim()
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round(totalmem() / GiB),
    node: process.version,
    python: version('import platform; print(platform.python_version())'),
    mlflow: version('import mlflow; print(mlflow.__version__)')
  }
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`)
}
