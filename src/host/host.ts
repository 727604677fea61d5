import type { BundleStore } from '../bundle/bundle-store.js'

/** Options for an annotation: its title, shown in bold on the run page. */
export interface AnnotationOptions {
  readonly title: string
}

/** Where log lines go: the runner's log, or a terminal for the CLI. */
export interface Logger {
  info(message: string): void
  /** Request metadata and other detail; hidden unless debugging is on. */
  debug(message: string): void
  warning(message: string, options?: AnnotationOptions): void
  error(message: string, options?: AnnotationOptions): void
  /** Runs `body` inside a collapsible group of log lines. */
  group<T>(name: string, body: () => Promise<T>): Promise<T>
}

/**
 * What the action needs from where it runs. The GitHub Actions host is
 * backed by `@actions/core`; the CLI host writes to a terminal.
 */
export interface Host {
  readonly log: Logger
  readonly env: NodeJS.ProcessEnv
  /** Reads an input; returns '' when it is not set. */
  getInput(name: string): string
  /** Hides a value in every later log line. */
  setSecret(value: string): void
  setOutput(name: string, value: string): void
  /** Appends Markdown to the job summary, where there is one. */
  writeSummary(markdown: string): Promise<void>
  /**
   * Rewrites a message for where it is read, when that is not a
   * workflow: the CLI names flags where the action's messages name
   * inputs. The run applies it to files it writes itself, such as the
   * preflight report.
   */
  readonly wording?: ((text: string) => string) | undefined
  /** Marks the run failed; the process exits with code 1. */
  setFailed(message: string): void
  /** Storage for registry bundles that outlives the job, where there is one. */
  readonly bundleStore?: BundleStore | undefined
  /**
   * The issuer of the job's ID tokens that attestations check. Unset on
   * runners, where @actions/attest derives it from GITHUB_SERVER_URL (for
   * github.com and GHE.com only); a test host points it at a stand-in.
   */
  readonly attestationIssuer?: string | undefined
}
