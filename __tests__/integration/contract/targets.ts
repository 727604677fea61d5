/**
 * The servers every contract test runs against: the real MLflow servers
 * of the test run (plain, and basic-auth as a created user) and the fake,
 * without auth and with basic auth. A behaviour belongs in the contract
 * suite only if all of them agree on it.
 */
import { afterAll, beforeAll } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { testServers } from '../../support/servers.js'

/** A username and password. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** One server of the contract suite. */
export interface ContractTarget {
  readonly name: string
  readonly fake: boolean
  readonly basicAuth: boolean
  /** The tracking URI; set in `beforeAll`. */
  url: string
  /** The basic-auth admin. */
  admin?: Credentials
  /** The user that calls run as on a basic-auth target. */
  user?: Credentials
}

const FAKE_ADMIN: Credentials = {
  username: 'admin',
  password: 'fake-admin-password-for-tests'
}

let userCounter = 0

/**
 * Declares the four targets and the hooks that start the fakes, read the
 * real servers' URLs and create one user per basic-auth target. Call it
 * at the top of a test file; the targets are ready inside tests.
 */
export function contractTargets(): ContractTarget[] {
  const targets: ContractTarget[] = [
    { name: 'real plain', fake: false, basicAuth: false, url: '' },
    { name: 'real basic-auth', fake: false, basicAuth: true, url: '' },
    { name: 'fake plain', fake: true, basicAuth: false, url: '' },
    { name: 'fake basic-auth', fake: true, basicAuth: true, url: '' }
  ]
  const fakes: FakeServer[] = []
  beforeAll(async () => {
    const servers = testServers()
    const fakePlain = await startFakeServer()
    const fakeBasic = await startFakeServer({
      auth: { mode: 'basic', admin: FAKE_ADMIN }
    })
    fakes.push(fakePlain, fakeBasic)
    const [realPlain, realBasic, plain, basic] = targets as [
      ContractTarget,
      ContractTarget,
      ContractTarget,
      ContractTarget
    ]
    realPlain.url = servers.plain.url
    realBasic.url = servers.basicAuth.url
    realBasic.admin = servers.admin
    plain.url = fakePlain.url
    basic.url = fakeBasic.url
    basic.admin = FAKE_ADMIN
    for (const target of [realBasic, basic]) {
      target.user = await createUser(target)
    }
  })
  afterAll(async () => {
    await Promise.all(fakes.map(fake => fake.close()))
  })
  return targets
}

/** Selects the targets with basic auth, for the auth contract. */
export function basicAuthTargets(
  targets: readonly ContractTarget[]
): ContractTarget[] {
  return targets.filter(target => target.basicAuth)
}

/** Creates a user with a unique name through the admin's `users/create`. */
export async function createUser(
  target: ContractTarget,
  prefix = 'contract'
): Promise<Credentials> {
  userCounter++
  // Test files share a worker process and restart this module's counter,
  // so the clock and a random part keep names unique across files.
  const time = Date.now().toString(36)
  const unique = `${time}${Math.random().toString(36).slice(2, 6)}`
  const username = `${prefix}-${process.pid}-${unique}-${userCounter}`
  const password = `pw-${username}-0123456789`
  const response = await fetch(`${target.url}/api/2.0/mlflow/users/create`, {
    method: 'POST',
    headers: {
      authorization: basicHeader(requireAdmin(target)),
      'content-type': 'application/json'
    },
    body: JSON.stringify({ username, password })
  })
  if (!response.ok) {
    throw new Error(
      `users/create on ${target.name} returned ${response.status}: ` +
        (await response.text())
    )
  }
  return { username, password }
}

/** Returns the admin of a basic-auth target; throws when it has none. */
export function requireAdmin(target: ContractTarget): Credentials {
  if (!target.admin) throw new Error(`${target.name} has no admin`)
  return target.admin
}

/** Builds a Basic `Authorization` header value. */
export function basicHeader(credentials: Credentials): string {
  const pair = `${credentials.username}:${credentials.password}`
  return `Basic ${Buffer.from(pair).toString('base64')}`
}
