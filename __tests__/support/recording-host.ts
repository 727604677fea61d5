/**
 * An in-memory {@link Host} for running the action in-process: it reads
 * inputs from a map and records every log line, output, summary, masked
 * value and failure, so tests can assert on what a runner would show.
 */
import type { AnnotationOptions, Host, Logger } from '../../src/host/host.js'

/** One recorded log line. */
export interface LogLine {
  readonly level: 'info' | 'debug' | 'warning' | 'error'
  readonly message: string
  readonly title?: string
}

/** A Host that keeps everything the action reports in memory. */
export class RecordingHost implements Host {
  readonly env: NodeJS.ProcessEnv
  readonly lines: LogLine[] = []
  readonly outputs = new Map<string, string>()
  readonly secrets: string[] = []
  summary = ''
  /** The message passed to `setFailed`, when the run failed. */
  failure: string | undefined

  readonly log: Logger

  constructor(
    private readonly inputs: Readonly<Record<string, string>>,
    env: NodeJS.ProcessEnv
  ) {
    this.env = env
    this.log = {
      info: message => {
        this.record('info', message)
      },
      debug: message => {
        this.record('debug', message)
      },
      warning: (message, options) => {
        this.record('warning', message, options)
      },
      error: (message, options) => {
        this.record('error', message, options)
      },
      group: async (name, body) => {
        this.record('info', name)
        return body()
      }
    }
  }

  getInput(name: string): string {
    return this.inputs[name]?.trim() ?? ''
  }

  setSecret(value: string): void {
    this.secrets.push(value)
  }

  setOutput(name: string, value: string): void {
    this.outputs.set(name, value)
  }

  writeSummary(markdown: string): Promise<void> {
    this.summary += markdown
    return Promise.resolve()
  }

  setFailed(message: string): void {
    this.failure = message
  }

  /** Joins every log line, with its title, into one text. */
  logText(): string {
    return this.lines
      .map(line => (line.title ? `${line.title}\n` : '') + line.message)
      .join('\n')
  }

  /** Joins everything a reader of the run could see: logs, outputs, summary. */
  visibleText(): string {
    return [this.logText(), ...this.outputs.values(), this.summary].join('\n')
  }

  private record(
    level: LogLine['level'],
    message: string,
    options?: AnnotationOptions
  ): void {
    this.lines.push({ level, message, ...options })
  }
}
