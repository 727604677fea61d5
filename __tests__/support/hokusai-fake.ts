/**
 * The fake MLflow server set up as the Hokusai platform: the `/mlflow`
 * static prefix and the gateway switch that sends the responses of
 * Hokusai's admin gateway, which cannot be installed for tests.
 */
import {
  startFakeServer,
  type FakeServer
} from '../../src/fake-server/index.js'

/** The API keys the fake's gateway accepts. */
export interface HokusaiKeys {
  /** A key whose user is a registry admin. */
  readonly admin: string
  /** A valid key whose user is not a registry admin. */
  readonly member: string
}

/** Starts the fake on 127.0.0.1 with these keys. */
export function startHokusaiFake(keys: HokusaiKeys): Promise<FakeServer> {
  return startFakeServer({
    staticPrefix: '/mlflow',
    hokusaiGateway: {
      keys: {
        [keys.admin]: { registryAdmin: true },
        [keys.member]: { registryAdmin: false }
      }
    }
  })
}
