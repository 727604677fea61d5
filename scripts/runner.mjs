// Runs the bundled action the way a GitHub runner does: INPUT_* variables
// with action.yml defaults applied, the runner's command files, the
// GITHUB_* context, and Node 24. Used by the demo; returns what the runner
// would show.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { parse } from 'yaml'

const ROOT = path.resolve(import.meta.dirname, '..')

/**
 * Returns the INPUT_* variables for `with:` values plus action.yml
 * defaults.
 */
export function inputVariables(inputs) {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
  const variables = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? spec.default
    if (value === undefined) continue
    variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value)
  }
  return variables
}

/** Parses a GITHUB_OUTPUT file in both of its forms. */
export function parseCommandFile(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++)
        body.push(lines[i])
      values[name] = body.join('\n')
      continue
    }
    const simple = /^([^=]+)=(.*)$/.exec(lines[i])
    if (simple) values[simple[1]] = simple[2]
  }
  return values
}

/** Replaces every ::add-mask:: value in the log, as the runner does. */
export function applyMasks(log) {
  // Command data is escaped by @actions/core: %25, %0D and %0A.
  const masks = [...log.matchAll(/^::add-mask::(.*)$/gm)].map(m =>
    m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  )
  let masked = log.replace(/^::add-mask::.*\n?/gm, '')
  for (const value of masks.sort((a, b) => b.length - a.length)) {
    if (value) masked = masked.split(value).join('***')
  }
  return masked
}

/**
 * Runs dist/index.js with the given inputs and environment.
 * @returns {Promise<{ exitCode: number, log: string, outputs: object,
 *   summary: string }>}
 */
export async function runAction({ inputs, env = {} }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-'))
  const files = {}
  for (const name of ['output', 'step_summary', 'env', 'path', 'state']) {
    files[name] = path.join(dir, name)
    writeFileSync(files[name], '')
  }
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.step_summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    ...env,
    ...inputVariables(inputs)
  }
  const node = path.join(ROOT, 'node_modules/.bin/node')
  const child = spawn(node, [path.join(ROOT, 'dist/index.js')], {
    cwd: ROOT,
    env: childEnv
  })
  let log = ''
  child.stdout.on('data', chunk => (log += chunk))
  child.stderr.on('data', chunk => (log += chunk))
  const exitCode = await new Promise(resolve => child.on('close', resolve))
  return {
    exitCode,
    log: applyMasks(log),
    outputs: parseCommandFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.step_summary, 'utf8')
  }
}
