/**
 * Finds the repository's GitHub Actions workflow files and the `uses:`
 * references in them, for the workflow checks.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

import { parse } from 'yaml'

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..')

/**
 * Lists the workflow files, relative to the root: `.github/workflows/*.yml`,
 * the act test's workflows and every `.yml` under `examples/` except GitLab
 * CI files, which are not GitHub workflows.
 */
export function workflowFiles(): string[] {
  const folders = ['.github/workflows', '__tests__/fixtures/workflows']
  const own = folders.flatMap(folder =>
    readdirSync(path.join(ROOT, folder))
      .filter(name => name.endsWith('.yml'))
      .map(name => path.join(folder, name))
  )
  const examples = readdirSync(path.join(ROOT, 'examples'), {
    recursive: true,
    encoding: 'utf8'
  })
    .filter(name => name.endsWith('.yml') && !name.includes('gitlab-ci'))
    .map(name => path.join('examples', name))
  return [...own, ...examples].sort()
}

/** One `uses:` of a step or of a job that calls a reusable workflow. */
export interface UsesReference {
  readonly file: string
  readonly job: string
  readonly uses: string
}

/** Reads a workflow file as plain data. */
export function readWorkflow(file: string): Record<string, unknown> {
  return parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<
    string,
    unknown
  >
}

/** Lists every `uses:` of the jobs and steps of a workflow file. */
export function usesReferences(file: string): UsesReference[] {
  const jobs = (readWorkflow(file).jobs ?? {}) as Record<
    string,
    { uses?: string; steps?: { uses?: string }[] }
  >
  return Object.entries(jobs).flatMap(([job, body]) => [
    ...(body.uses ? [{ file, job, uses: body.uses }] : []),
    ...(body.steps ?? []).flatMap(step =>
      step.uses === undefined ? [] : [{ file, job, uses: step.uses }]
    )
  ])
}
