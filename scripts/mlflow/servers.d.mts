// Types of servers.mjs for the TypeScript tests that start servers of
// their own.

/** A running MLflow server. */
export interface MlflowServer {
  readonly name: string
  readonly url: string
  readonly pid: number
  readonly dir: string
  readonly log: string
}

/** Options of {@link startMlflowServer}. */
export interface MlflowServerOptions {
  readonly name: string
  readonly stateDir: string
  readonly basicAuth?: boolean
  /** Replaces the basic-auth app's credential check, as `module:function`. */
  readonly authorizationFunction?: string
  /** A fixed port, to restart a stopped server at the same URL. */
  readonly port?: number
  readonly extraArgs?: readonly string[]
  /** The `--static-prefix` in `extraArgs`, where `/health` is served. */
  readonly prefix?: string
  readonly env?: Readonly<Record<string, string>>
  /** How long to wait for /health, in milliseconds; 120 s by default. */
  readonly healthTimeoutMs?: number
}

/** The admin of a basic-auth server. */
export declare const ADMIN: {
  readonly username: string
  readonly password: string
}

/** Starts one MLflow server on a free loopback port and waits for /health. */
export declare function startMlflowServer(
  options: MlflowServerOptions
): Promise<MlflowServer>

/** Stops a server and its workers. */
export declare function stopMlflowServer(server: MlflowServer): Promise<void>

/** Creates a user on a basic-auth server, as its admin. */
export declare function createUser(
  server: MlflowServer,
  username: string,
  password: string
): Promise<void>

/** Finds a free TCP port on 127.0.0.1. */
export declare function freePort(): Promise<number>
