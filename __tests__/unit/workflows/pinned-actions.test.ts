import { describe, expect, it } from '@jest/globals'

import {
  usesReferences,
  workflowFiles,
  type UsesReference
} from '../../support/workflow-files.js'

/** This project's own action and workflows, which users call by tag. */
const OWN = /^hokusai\/mlflow-register(\/|@)/

function thirdParty(reference: UsesReference): boolean {
  return !reference.uses.startsWith('./') && !OWN.test(reference.uses)
}

const references = workflowFiles().flatMap(usesReferences)

describe('third-party actions', () => {
  it('are used somewhere', () => {
    expect(references.filter(thirdParty).length).toBeGreaterThan(0)
  })

  it('are pinned to a full commit SHA', () => {
    const unpinned = references
      .filter(thirdParty)
      .filter(reference => !/@[0-9a-f]{40}$/.test(reference.uses))
      .map(({ file, job, uses }) => `${file} (${job}): ${uses}`)

    expect(unpinned).toEqual([])
  })

  it('pin one SHA per action', () => {
    const shas = new Map<string, Set<string>>()
    for (const { uses } of references.filter(thirdParty)) {
      const [action = '', sha = ''] = uses.split('@')
      shas.set(action, (shas.get(action) ?? new Set()).add(sha))
    }
    const mixed = [...shas].filter(([, set]) => set.size > 1)

    expect(mixed).toEqual([])
  })
})
