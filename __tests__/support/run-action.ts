/**
 * Runs the bundled action (dist/index.js) as a GitHub runner does, and
 * returns what the runner would read back from it: the exit code, the
 * outputs, the job summary, the annotations and the masked values.
 *
 * The runner sets `INPUT_<NAME>` (upper case, spaces turned into `_`,
 * hyphens kept) for every input that action.yml declares, with its default
 * when the step gives no value. Outputs, summary, env, path and state go
 * through files that the runner creates empty, and annotations and masks
 * are `::command::` lines on stdout, as @actions/core 3.0.1 writes them.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { parse } from 'yaml'

import {
  ROOT,
  inheritedEnv,
  spawnNode,
  type ProcessResult
} from './spawn-node.js'

/** The action's entry point, as action.yml's `runs.main` names it. */
const ACTION_ENTRY = path.join(ROOT, 'dist/index.js')

/** The runner's command files and the variables that name them. */
const COMMAND_FILES = {
  output: 'GITHUB_OUTPUT',
  summary: 'GITHUB_STEP_SUMMARY',
  env: 'GITHUB_ENV',
  path: 'GITHUB_PATH',
  state: 'GITHUB_STATE'
} as const

/** One of the runner's command files. */
export type CommandFile = keyof typeof COMMAND_FILES

/** A step of a workflow that uses the action. */
export interface ActionStep {
  /** The step's `with:` values, by input name. */
  readonly inputs?: Readonly<Record<string, string>>
  /** Variables such as the step's `env:`, which override the context. */
  readonly env?: Readonly<Record<string, string>>
  /** GITHUB_WORKSPACE and the working directory (the repository root). */
  readonly workspace?: string
}

/** An `::error::`, `::warning::` or `::notice::` line, unescaped. */
export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice'
  readonly title?: string
  readonly properties: Readonly<Record<string, string>>
  readonly message: string
}

/** A `::name key=value,...::value` line of stdout, unescaped. */
export interface WorkflowCommand {
  readonly name: string
  readonly properties: Readonly<Record<string, string>>
  readonly value: string
  /** The zero-based index of the line on stdout. */
  readonly line: number
}

/** What the runner reads back from one run of the action. */
export interface ActionResult extends ProcessResult {
  readonly outputs: Readonly<Record<string, string>>
  readonly summary: string
  readonly annotations: readonly Annotation[]
  /** Values registered with `::add-mask::`, in the order they came. */
  readonly masks: readonly string[]
  /** The raw text of every command file after the run. */
  readonly files: Readonly<Record<CommandFile, string>>
}

/** The `inputs:` map of action.yml. */
export type ActionInputs = Readonly<
  Record<string, { readonly default?: string | number | boolean } | null>
>

interface ActionYaml {
  readonly inputs?: ActionInputs
}

/**
 * Runs dist/index.js on Node 24 with the step's inputs, the action.yml
 * defaults, the runner's command files and a GITHUB_* context. The child
 * gets only PATH and HOME from this process.
 */
export async function runAction(step: ActionStep = {}): Promise<ActionResult> {
  const workspace = step.workspace ?? ROOT
  const inputs = await inputVariables(step.inputs ?? {})
  const runnerTemp = await mkdtemp(path.join(tmpdir(), 'e2e-runner-'))
  try {
    const fileEnv: Record<string, string> = {}
    for (const [file, variable] of Object.entries(COMMAND_FILES)) {
      fileEnv[variable] = path.join(runnerTemp, file)
      await writeFile(fileEnv[variable], '')
    }

    const env = {
      ...inheritedEnv(),
      ...githubContext(workspace, runnerTemp),
      ...inputs,
      ...step.env,
      ...fileEnv
    }
    const result = await spawnNode(ACTION_ENTRY, [], { env, cwd: workspace })

    const files = await readCommandFiles(fileEnv)
    const commands = parseWorkflowCommands(result.stdout)
    return {
      ...result,
      outputs: parseCommandFile(files.output),
      summary: files.summary,
      annotations: commands.flatMap(toAnnotation),
      masks: commands
        .filter(command => command.name === 'add-mask')
        .map(command => command.value),
      files
    }
  } finally {
    await rm(runnerTemp, { recursive: true, force: true })
  }
}

/**
 * Returns the `INPUT_*` variables for a step: its `with:` values plus the
 * defaults of action.yml. An input that action.yml does not declare is
 * rejected, so a misspelt name cannot make a test pass by accident.
 */
export async function inputVariables(
  values: Readonly<Record<string, string>>
): Promise<Record<string, string>> {
  const declared = await readActionInputs()
  for (const name of Object.keys(values)) {
    if (!(name in declared)) {
      throw new Error(`action.yml declares no input named "${name}".`)
    }
  }

  const variables: Record<string, string> = {}
  for (const [name, spec] of Object.entries(declared)) {
    const value = values[name] ?? spec?.default
    if (value === undefined) continue
    const variable = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    variables[variable] = String(value)
  }
  return variables
}

/** Reads the inputs that action.yml declares, by name. */
export async function readActionInputs(): Promise<ActionInputs> {
  const text = await readFile(path.join(ROOT, 'action.yml'), 'utf8')
  return (parse(text) as ActionYaml).inputs ?? {}
}

/** Builds the variables a runner sets for every step of a push build. */
function githubContext(
  workspace: string,
  runnerTemp: string
): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'hokusai/mlflow-register-e2e',
    GITHUB_RUN_ID: String(randomInt(1_000_000_000, 9_999_999_999)),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: randomBytes(20).toString('hex'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_SERVER_URL: 'https://github.com'
  }
}

async function readCommandFiles(
  fileEnv: Record<string, string>
): Promise<Record<CommandFile, string>> {
  const files = {} as Record<CommandFile, string>
  for (const [file, variable] of Object.entries(COMMAND_FILES)) {
    files[file as CommandFile] = await readFile(fileEnv[variable] ?? '', 'utf8')
  }
  return files
}

/**
 * Parses a GITHUB_OUTPUT-style file as the runner does: `name=value` on
 * one line, or `name<<DELIMITER`, the value's lines, then `DELIMITER`. A
 * line in neither form, or a missing delimiter, fails the step on a
 * runner, so it throws here.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      values[line.slice(0, equals)] = line.slice(equals + 1)
      continue
    }
    if (heredoc <= 0) {
      throw new Error(`Invalid command file line ${index + 1}: "${line}"`)
    }

    const delimiter = line.slice(heredoc + 2)
    const end = lines.indexOf(delimiter, index + 1)
    if (delimiter === '' || end < 0) {
      throw new Error(
        `Command file line ${index + 1} opens a heredoc that never ends`
      )
    }
    values[line.slice(0, heredoc)] = lines.slice(index + 1, end).join('\n')
    index = end
  }
  return values
}

const COMMAND_LINE = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/

/** Parses every `::command::` line of stdout, unescaping its parts. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  for (const [line, text] of stdout.split(/\r?\n/).entries()) {
    const match = COMMAND_LINE.exec(text)
    if (!match) continue
    const [, name = '', rawProperties = '', value = ''] = match
    commands.push({
      name,
      properties: parseProperties(rawProperties),
      value: unescapeData(value),
      line
    })
  }
  return commands
}

function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=')
    if (equals <= 0) continue
    properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1))
  }
  return properties
}

function toAnnotation(command: WorkflowCommand): Annotation[] {
  const { name, properties, value } = command
  if (name !== 'error' && name !== 'warning' && name !== 'notice') return []
  const title = properties.title
  return [
    {
      level: name,
      ...(title === undefined ? {} : { title }),
      properties,
      message: value
    }
  ]
}

/** Reverses @actions/core's escaping of a command's value. */
export function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** Reverses @actions/core's escaping of a command property. */
function unescapeProperty(text: string): string {
  return text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
}
