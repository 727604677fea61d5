// The measured scenarios. Each alternates runs of the mlflow-register CLI
// ("ours") and of the MLflow Python client ("python") and returns the
// median of each, so that load from other processes on the machine hits
// both sides alike.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'

import { freePort } from '../scripts/mlflow/servers.mjs'
import { startCountingProxy } from './counting-proxy.mjs'
import {
  directorySize,
  makeLargeModel,
  makeManyFileModel
} from './fixtures.mjs'
import { median, runMeasured } from './measure.mjs'

/**
 * The context every scenario gets: `bench` has the server, the counting
 * proxy, the temp dir, the environments and the command lines.
 * @typedef {{ server: { url: string, dir: string }, proxy: object,
 *   tempDir: string, node: string, cli: string, python: string,
 *   pythonScript: string, floorScript: string,
 *   env: Record<string, string> }} Bench
 */

function ours(bench, args, url = bench.server.url, env = {}) {
  const bundleDir = path.join(bench.tempDir, 'bundles-unused')
  return runMeasured(
    bench.node,
    [bench.cli, ...args, '--tracking-uri', url, '--bundle-dir', bundleDir],
    { env: { ...bench.env, ...env }, tempDir: bench.tempDir }
  )
}

function python(bench, args, url = bench.server.url) {
  return runMeasured(bench.python, [bench.pythonScript, ...args], {
    env: { ...bench.env, MLFLOW_TRACKING_URI: url },
    tempDir: bench.tempDir
  })
}

/**
 * Times a cold registration from a `runs:/` source to a READY version with an
 * alias, through the counting proxy, which also yields requests per run.
 */
export async function coldRegistration(bench, source, repetitions) {
  const samples = {
    ours: [],
    oursNoCache: [],
    python: [],
    oursServer: [],
    pyServer: [],
    oursRequests: [],
    pyRequests: [],
    floor: []
  }
  const [, runId, artifactPath] = /^runs:\/([^/]+)\/(.+)$/.exec(source)
  for (let rep = 0; rep < repetitions; rep++) {
    const cliArgs = ['--source', source, '--aliases', 'champion']
    bench.proxy.reset()
    const run = await ours(
      bench,
      ['register', '--model-name', `cold-ours-${rep}`, ...cliArgs],
      bench.proxy.url
    )
    samples.ours.push(run.ms)
    samples.oursServer.push(bench.proxy.serverMs())
    samples.oursRequests.push(bench.proxy.count())

    // The same run without Node's compile cache, as on a fresh runner.
    const uncached = await ours(
      bench,
      ['register', '--model-name', `cold-uncached-${rep}`, ...cliArgs],
      bench.proxy.url,
      { NODE_DISABLE_COMPILE_CACHE: '1' }
    )
    samples.oursNoCache.push(uncached.ms)

    bench.proxy.reset()
    const py = await python(
      bench,
      ['register', source, `cold-python-${rep}`, 'champion'],
      bench.proxy.url
    )
    samples.python.push(py.ms)
    samples.pyServer.push(bench.proxy.serverMs())
    samples.pyRequests.push(bench.proxy.count())

    // The same requests from a bare Node.js script: the floor that Node's
    // start and the server's time leave to any Node.js client.
    const floor = await runMeasured(
      bench.node,
      [
        bench.floorScript,
        bench.proxy.url,
        runId,
        artifactPath,
        `cold-floor-${rep}`,
        'champion'
      ],
      { env: bench.env, tempDir: bench.tempDir }
    )
    samples.floor.push(floor.ms)
  }
  return {
    oursMs: median(samples.ours),
    oursUncachedMs: median(samples.oursNoCache),
    pythonMs: median(samples.python),
    oursServerMs: median(samples.oursServer),
    pythonServerMs: median(samples.pyServer),
    oursRequests: median(samples.oursRequests),
    pythonRequests: median(samples.pyRequests),
    floorMs: median(samples.floor)
  }
}

/**
 * Registers a local model directory: ours uploads it through the artifact
 * proxy with `--model-path`, Python logs it into a run with log_artifacts
 * and registers that. Each run's stored artifacts are deleted afterwards.
 */
export async function uploadModel(bench, directory, label, repetitions) {
  const samples = { ours: [], python: [], oursRss: [] }
  for (let rep = 0; rep < repetitions; rep++) {
    settleDisk()
    const run = await ours(bench, [
      'register',
      '--model-name',
      `${label}-ours`,
      '--model-path',
      directory,
      '--experiment-name',
      `${label}-ours`,
      '--force-new-version',
      'true'
    ])
    samples.ours.push(run.ms)
    samples.oursRss.push(run.peakRssMb)
    removeStoredArtifacts(bench)

    settleDisk()
    const py = await python(bench, [
      'upload',
      directory,
      `${label}-python`,
      `${label}-python`
    ])
    samples.python.push(py.ms)
    removeStoredArtifacts(bench)
  }
  const bytes = directorySize(directory)
  const oursMs = median(samples.ours)
  const pythonMs = median(samples.python)
  return {
    bytes,
    oursMs,
    pythonMs,
    oursMibPerS: bytes / 2 ** 20 / (oursMs / 1000),
    pythonMibPerS: bytes / 2 ** 20 / (pythonMs / 1000),
    oursPeakRssMb: Math.max(...samples.oursRss)
  }
}

/** Measures the peak resident memory of ours uploading one sparse file. */
export async function uploadMemory(bench, bytes) {
  const directory = makeLargeModel(
    path.join(bench.tempDir, `memory-${bytes}`),
    bytes
  )
  try {
    const run = await ours(bench, [
      'register',
      '--model-name',
      `memory-${bytes}`,
      '--model-path',
      directory,
      '--experiment-name',
      'memory',
      '--force-new-version',
      'true'
    ])
    return { bytes, ms: run.ms, peakRssMb: run.peakRssMb }
  } finally {
    removeStoredArtifacts(bench)
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * Times one `sync` of `count` bundles against `count` separate `register`
 * runs of the same registrations. The bundles are written by registering
 * against a closed port, which defers each registration into a bundle.
 * Then a counting proxy opens on that port, because a bundle is only
 * synced to the tracking URI it was written for. The direct runs use the
 * same proxy, so both sides pay for it alike.
 */
export async function syncBundles(bench, source, count) {
  const bundleDir = mkdtempSync(path.join(bench.tempDir, 'bundles-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  await deferRegistrations(bench, { source, count, url, bundleDir })

  const proxy = await startCountingProxy(bench.server.url, port)
  try {
    settleDisk()
    const sync = await runMeasured(
      bench.node,
      [bench.cli, 'sync', '--tracking-uri', url, '--bundle-dir', bundleDir],
      { env: bench.env, tempDir: bench.tempDir }
    )
    const syncRequests = proxy.count()
    const left = readdirSync(bundleDir).filter(n => !n.startsWith('.'))
    if (left.length !== 0) {
      throw new Error(`${left.length} bundles were not synced`)
    }

    settleDisk()
    const started = process.hrtime.bigint()
    for (let i = 0; i < count; i++) {
      const args = [
        'register',
        '--model-name',
        `direct-${i}`,
        '--source',
        source,
        '--aliases',
        'champion'
      ]
      await ours(bench, args, url)
    }
    const directMs = Number(process.hrtime.bigint() - started) / 1e6
    return { count, syncMs: sync.ms, directMs, syncRequests }
  } finally {
    await proxy.close()
    rmSync(bundleDir, { recursive: true, force: true })
  }
}

async function deferRegistrations(bench, { source, count, url, bundleDir }) {
  const defer = index =>
    runMeasured(
      bench.node,
      [
        bench.cli,
        'register',
        '--tracking-uri',
        url,
        '--model-name',
        `synced-${index}`,
        '--source',
        source,
        '--aliases',
        'champion',
        '--max-attempts',
        '1',
        '--bundle-dir',
        bundleDir
      ],
      { env: bench.env, tempDir: bench.tempDir }
    )
  // Two at a time: writing the bundles is setup, not measured.
  for (let i = 0; i < count; i += 2) {
    await Promise.all([defer(i), ...(i + 1 < count ? [defer(i + 1)] : [])])
  }
  const pending = readdirSync(bundleDir).filter(n => !n.startsWith('.'))
  if (pending.length !== count) {
    throw new Error(`expected ${count} bundles, found ${pending.length}`)
  }
}

/**
 * Measures the time from spawning an entry point to the first request
 * that reaches the counting proxy, for a preflight.
 */
export async function coldStart(bench, entry, env, repetitions) {
  const samples = []
  for (let rep = 0; rep < repetitions; rep++) {
    bench.proxy.reset()
    const run = await runMeasured(bench.node, entry, {
      env: { ...bench.env, ...env },
      tempDir: bench.tempDir
    })
    const first = bench.proxy.firstRequestAt()
    if (first === undefined) throw new Error('no request reached the proxy')
    samples.push(Number(first - run.startedAt) / 1e6)
  }
  return median(samples)
}

/** Writes both model directories of the upload scenarios. */
export function makeUploadModels(tempDir, largeBytes, smallFiles) {
  return {
    large: makeLargeModel(path.join(tempDir, 'large-model'), largeBytes),
    many: makeManyFileModel(path.join(tempDir, 'many-files'), smallFiles)
  }
}

/**
 * Writes the page cache's dirty data to disk before a timed run. After an
 * upload of 1 GiB the kernel is still writing it back, and the server's
 * writes of many small files wait for that. 2,000 files took about 5.6 s
 * right after the large uploads, and about 2.7 s on a settled disk.
 */
function settleDisk() {
  execFileSync('sync')
}

function removeStoredArtifacts(bench) {
  const root = path.join(bench.server.dir, 'artifacts')
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.name !== bench.sourceExperimentId) {
      rmSync(path.join(root, entry.name), { recursive: true, force: true })
    }
  }
}
