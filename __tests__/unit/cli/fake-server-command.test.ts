import { createServer } from 'node:net'

import { describe, expect, it } from '@jest/globals'

import { parseCliArgs, UsageError } from '../../../src/cli/args.js'
import { runFakeServer } from '../../../src/cli/fake-server-command.js'
import { helpText } from '../../../src/cli/help.js'
import { runCli } from '../../../src/cli/main.js'
import { thrownBy } from '../fixtures/thrown.js'

interface Printed {
  stdout: string
  stderr: string
}

/** The address line that the command prints on stdout. */
interface Address {
  readonly url: string
  readonly port: number
  readonly pid: number
}

/**
 * Runs the command until `check` has run on the printed address; the
 * server stops once `check` settles, and its error fails the test.
 */
async function runUntilChecked(
  argv: string[],
  check: (address: Address) => unknown
): Promise<{ code: number; printed: Printed }> {
  const printed: Printed = { stdout: '', stderr: '' }
  let checked: Promise<unknown> = Promise.resolve()
  let announce: (address: Address) => void = () => undefined
  const announced = new Promise<Address>(resolve => (announce = resolve))
  const streams = {
    stdout: (text: string) => {
      printed.stdout += text
      announce(JSON.parse(text) as Address)
    },
    stderr: (text: string) => {
      printed.stderr += text
    }
  }
  const stopAfterCheck = async (): Promise<string> => {
    checked = announced.then(check)
    await checked.catch(() => undefined)
    return 'SIGTERM'
  }
  const code = await runFakeServer(parseCliArgs(argv), streams, stopAfterCheck)
  await checked
  return { code, printed }
}

describe('fake-server command', () => {
  it('serves MLflow until stopped', async () => {
    let version = ''
    const { code, printed } = await runUntilChecked(
      ['fake-server'],
      async ({ url }) => {
        version = await (await fetch(`${url}/version`)).text()
      }
    )
    expect(version).toBe('3.17.2')
    expect(code).toBe(0)
    expect(printed.stderr).toContain('Fake MLflow server stopped (SIGTERM)')
  })

  it('prints its URL, port and PID as JSON', async () => {
    const { printed } = await runUntilChecked(['fake-server'], () => undefined)
    const address = JSON.parse(printed.stdout) as Record<string, unknown>
    expect(address.url).toBe(`http://127.0.0.1:${String(address.port)}`)
    expect(address.port).toBeGreaterThan(0)
    expect(address.pid).toBe(process.pid)
  })

  it('exits 1 when the port is taken', async () => {
    const occupant = createServer()
    await new Promise<void>(resolve => occupant.listen(0, '127.0.0.1', resolve))
    const { port } = occupant.address() as { port: number }
    let stderr = ''
    const code = await runFakeServer(
      parseCliArgs(['fake-server', '--port', String(port)]),
      { stdout: () => undefined, stderr: text => (stderr += text) },
      () => Promise.resolve('SIGTERM')
    )
    await new Promise(resolve => occupant.close(resolve))
    expect(code).toBe(1)
    expect(stderr).toContain(`Cannot listen on 127.0.0.1:${port} (EADDRINUSE)`)
  })
})

describe('fake-server arguments', () => {
  it('defaults to a free port', () => {
    expect(parseCliArgs(['fake-server']).port).toBe(0)
  })

  it('reads --port', () => {
    expect(parseCliArgs(['fake-server', '--port', '5000']).port).toBe(5000)
  })

  it.each(['-1', '65536', 'http', '50.5', ''])('rejects --port %j', port => {
    const error = thrownBy(() =>
      parseCliArgs(['fake-server', `--port=${port}`])
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain('expected a whole number')
  })

  it('rejects --json', () => {
    const error = thrownBy(() => parseCliArgs(['fake-server', '--json']))
    expect((error as Error).message).toBe(
      'The fake-server command takes only --port, not --json.'
    )
  })

  it('rejects an action input', () => {
    const error = thrownBy(() =>
      parseCliArgs(['fake-server', '--model-name', 'm'])
    )
    expect((error as Error).message).toBe(
      'The fake-server command takes only --port, not --model-name.'
    )
  })

  it('rejects --port on other commands', () => {
    const error = thrownBy(() => parseCliArgs(['register', '--port', '1']))
    expect((error as Error).message).toContain(
      'Only the fake-server command takes --port.'
    )
  })
})

describe('fake-server help', () => {
  const text = helpText('fake-server')

  it('starts with the usage line', () => {
    expect(text.split('\n')[0]).toBe(
      'Usage: mlflow-register fake-server [--port PORT]'
    )
  })

  it('documents --port', () => {
    expect(text).toContain('  --port PORT ')
  })

  it('prints with --help and exits 0', async () => {
    let stdout = ''
    const code = await runCli(
      ['fake-server', '--help'],
      {},
      {
        stdout: chunk => (stdout += chunk),
        stderr: () => undefined
      }
    )
    expect(code).toBe(0)
    expect(stdout).toBe(`${text}\n`)
  })

  it('is listed among the commands', () => {
    expect(helpText()).toMatch(/^ {2}fake-server /m)
  })
})
