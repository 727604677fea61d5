/**
 * What the CLI and the action report when a sync of a pending bundle
 * fails, run in-process against the fake server: a bundle written for
 * another tracking URI, and a sync whose failure replaces the error that
 * `list` shows.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import type { BundleStore } from '../../../src/bundle/bundle-store.js'
import { runCli } from '../../../src/cli/main.js'
import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { run } from '../../../src/main.js'
import { shellQuote } from '../../../src/text/shell-quote.js'
import { RecordingHost } from '../../support/recording-host.js'

let server: FakeServer
let bundleDir: string

beforeEach(async () => {
  server = await startFakeServer()
  // A space and a quote in the path show that printed commands quote it.
  bundleDir = mkdtempSync(path.join(tmpdir(), "sync failures 'x'-"))
})

afterEach(async () => {
  await server.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

/** Runs the CLI in-process and collects what it prints. */
async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const exitCode = await runCli(
    argv,
    {},
    {
      stdout: text => (stdout += text),
      stderr: text => (stderr += text)
    }
  )
  return { exitCode, stdout, stderr }
}

/** Returns the URL of a loopback port that refuses connections. */
async function refusedUrl(): Promise<string> {
  const closed = await startFakeServer()
  await closed.close()
  return closed.url
}

function register(trackingUri: string) {
  return cli([
    'register',
    '--tracking-uri',
    trackingUri,
    '--model-name',
    'fraud-model',
    '--model-path',
    'examples/model',
    '--bundle-dir',
    bundleDir,
    '--max-attempts',
    '1'
  ])
}

function sync(trackingUri: string, extra: string[] = []) {
  return cli([
    'sync',
    '--tracking-uri',
    trackingUri,
    '--bundle-dir',
    bundleDir,
    '--max-attempts',
    '1',
    ...extra
  ])
}

/** Basic auth flags, which the server below rejects. */
const WRONG_PASSWORD = ['--username', 'ci-bot', '--password', 'wrong-password']

/** Lists the bundle directories, without locks and failed-sync records. */
function bundles(): string[] {
  return readdirSync(bundleDir).filter(name => !name.includes('.'))
}

async function listedRows(): Promise<Record<string, unknown>[]> {
  const listed = await cli(['list', '--json', '--bundle-dir', bundleDir])
  return JSON.parse(listed.stdout) as Record<string, unknown>[]
}

describe('deferral on a refused connection', () => {
  it('asks to check the host and port', async () => {
    const registered = await register(await refusedUrl())
    expect(registered.exitCode).toBe(0)
    expect(registered.stderr).toContain('Registration deferred: UNREACHABLE')
    expect(registered.stderr).toContain(
      'If the server should be up, check the host and port in ' +
        '--tracking-uri'
    )
  })
})

describe('sync of a bundle written for another URI', () => {
  let recorded: string
  let bundlePath: string

  beforeEach(async () => {
    recorded = await refusedUrl()
    await register(recorded)
    bundlePath = path.join(bundleDir, bundles()[0] ?? '')
  })

  it('fails with exit code 1', async () => {
    const synced = await sync(server.url)
    expect(synced.exitCode).toBe(1)
  })

  it('does not call the URI invalid', async () => {
    const synced = await sync(server.url)
    expect(synced.stderr).toContain(
      'error: CLIENT_CONFIG: The bundle was written for another tracking ' +
        'server'
    )
    expect(synced.stderr).not.toContain('Invalid --tracking-uri')
  })

  it('offers the recorded URI as a flag', async () => {
    const synced = await sync(server.url)
    expect(synced.stderr).toContain(
      `run the sync with \`--tracking-uri ${recorded}\``
    )
    expect(synced.stderr).not.toMatch(/[^-]tracking-uri http/)
  })

  it('offers to register again and delete', async () => {
    const synced = await sync(server.url)
    expect(synced.stderr).toContain(
      'If that URI was a mistake, run the registration again with the ' +
        'right --tracking-uri'
    )
    expect(synced.stderr).toContain(
      `\`rm -r -- ${shellQuote(bundlePath)} ` +
        `${shellQuote(`${bundlePath}.failed-sync.json`)}\``
    )
  })

  it('names the bundle once per warning', async () => {
    const synced = await sync(server.url)
    const warning = synced.stderr
      .split('\n')
      .find(line => line.startsWith('warning: Bundle not synced'))
    const id = path.basename(bundlePath)
    expect(warning?.split(id)).toHaveLength(2)
    expect(warning?.split('CLIENT_CONFIG')).toHaveLength(2)
  })

  it('leaves a bundle that the named command deletes', async () => {
    const synced = await sync(server.url)
    expect(existsSync(bundlePath)).toBe(true)
    expect(existsSync(`${bundlePath}.failed-sync.json`)).toBe(true)
    const command = /`(rm -r [^`]+)`/.exec(synced.stderr)?.[1] ?? ''
    execFileSync('sh', ['-c', command])
    expect(existsSync(bundlePath)).toBe(false)
    expect(existsSync(`${bundlePath}.failed-sync.json`)).toBe(false)
    expect(existsSync(bundleDir)).toBe(true)
  })

  it('names the stored copies on a runner', async () => {
    const store: BundleStore = {
      upload: () => Promise.resolve({}),
      download: () => Promise.resolve(new Map()),
      deleteCopies: () => Promise.resolve()
    }
    const host = Object.assign(
      new RecordingHost(
        {
          mode: 'sync',
          'tracking-uri': server.url,
          'bundle-dir': bundleDir
        },
        {}
      ),
      { bundleStore: store }
    )
    const result = await run(host)
    const id = path.basename(bundlePath)
    expect(result.diagnosis?.fix).toContain(
      `delete the bundle's artifact mlflow-register-bundle-${id}`
    )
    expect(result.diagnosis?.fix).toContain(`the key that ends in ${id}`)
    expect(result.diagnosis?.fix).not.toContain('rm -r')
  })
})

/** The response of MLflow's basic-auth app to wrong credentials. */
const UNAUTHORIZED = {
  status: 401,
  headers: { 'www-authenticate': 'Basic realm="mlflow"' },
  body: 'You are not authenticated.'
}

describe('list after a failed sync', () => {
  beforeEach(async () => {
    server.faults.respond(/./, { status: 503, body: 'unavailable' })
    await register(server.url)
    server.faults.reset()
  })

  it('shows the deferral error first', async () => {
    const [row] = await listedRows()
    expect(row?.lastError).toBe('SERVER_UNAVAILABLE')
    expect(row?.lastErrorAt).toBe(row?.createdAt)
  })

  it('shows the newest error', async () => {
    server.faults.respond(/./, UNAUTHORIZED)
    const synced = await sync(server.url, WRONG_PASSWORD)
    expect(synced.exitCode).toBe(1)
    expect(synced.stdout).toContain('diagnosis=AUTH_REJECTED')

    const [row] = await listedRows()
    expect(row?.lastError).toBe('AUTH_REJECTED')
    expect(row?.lastErrorAt).not.toBe(row?.createdAt)
  })

  it('shows the newest error as text', async () => {
    server.faults.respond(/./, UNAUTHORIZED)
    await sync(server.url, WRONG_PASSWORD)
    const listed = await cli(['list', '--bundle-dir', bundleDir])
    expect(listed.stdout).toMatch(
      / {2}AUTH_REJECTED \(sync failed at \d{4}-[^)]+\)\n$/
    )
  })

  it('shows the failed sync beside the manifest', async () => {
    server.faults.respond(/./, UNAUTHORIZED)
    await sync(server.url, WRONG_PASSWORD)
    const [bundle] = bundles()
    const showRun = await cli(['show', bundle ?? '', '--bundle-dir', bundleDir])
    expect(showRun.exitCode).toBe(0)
    expect(showRun.stderr).toMatch(
      /^The last sync failed at .*: AUTH_REJECTED: /
    )
  })

  it('deletes the record once synced', async () => {
    server.faults.respond(/./, UNAUTHORIZED)
    await sync(server.url, WRONG_PASSWORD)
    server.faults.reset()
    const synced = await sync(server.url)
    expect(synced.exitCode).toBe(0)
    expect(readdirSync(bundleDir)).toEqual([])
  })
})

describe('sync log lines', () => {
  it('says what is deleted after a sync', async () => {
    server.faults.respond(/./, { status: 503, body: 'unavailable' })
    await register(server.url)
    server.faults.reset()
    const synced = await sync(server.url)
    expect(synced.stderr).toMatch(
      /: registered as version 1 on the server; the bundle is deleted\n/
    )
  })
})
