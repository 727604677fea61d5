import { describe, expect, it } from '@jest/globals'

import {
  provenanceTags,
  readProvenance
} from '../../../src/register/provenance.js'

const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'hokusai/models',
  GITHUB_SHA: 'abc123',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_WORKFLOW: 'release',
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '2'
}

describe('readProvenance', () => {
  it('reads a GitHub Actions run', () => {
    expect(readProvenance(GITHUB_ENV)).toEqual({
      system: 'github-actions',
      repository: 'hokusai/models',
      commit: 'abc123',
      ref: 'refs/heads/main',
      workflow: 'release',
      runId: '1001',
      runAttempt: '2',
      runUrl: 'https://github.example.com/hokusai/models/actions/runs/1001'
    })
  })

  it('links to github.com without GITHUB_SERVER_URL', () => {
    const env = { ...GITHUB_ENV, GITHUB_SERVER_URL: undefined }
    expect(readProvenance(env).runUrl).toBe(
      'https://github.com/hokusai/models/actions/runs/1001'
    )
  })

  it('has no run URL without a run id', () => {
    const env = { ...GITHUB_ENV, GITHUB_RUN_ID: undefined }
    expect(readProvenance(env)).not.toHaveProperty('runUrl')
  })

  it('reads a GitLab CI pipeline', () => {
    const env = {
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'hokusai/models',
      CI_COMMIT_SHA: 'abc123',
      CI_COMMIT_REF_NAME: 'main',
      CI_JOB_NAME: 'register',
      CI_PIPELINE_ID: '77',
      CI_PIPELINE_URL: 'https://gitlab.test/hokusai/models/-/pipelines/77'
    }
    expect(readProvenance(env)).toEqual({
      system: 'gitlab-ci',
      repository: 'hokusai/models',
      commit: 'abc123',
      ref: 'main',
      workflow: 'register',
      runId: '77',
      runUrl: 'https://gitlab.test/hokusai/models/-/pipelines/77'
    })
  })

  it('reads a Jenkins build', () => {
    const env = {
      JENKINS_URL: 'https://jenkins.test/',
      GIT_URL: 'https://git.test/hokusai/models.git',
      GIT_COMMIT: 'abc123',
      GIT_BRANCH: 'origin/main',
      JOB_NAME: 'models/register',
      BUILD_NUMBER: '12',
      BUILD_URL: 'https://jenkins.test/job/models/12/'
    }
    expect(readProvenance(env)).toEqual({
      system: 'jenkins',
      repository: 'https://git.test/hokusai/models.git',
      commit: 'abc123',
      ref: 'origin/main',
      workflow: 'models/register',
      runId: '12',
      runUrl: 'https://jenkins.test/job/models/12/'
    })
  })

  it('reads a local run with a commit', () => {
    expect(readProvenance({ GIT_COMMIT: 'abc123' })).toEqual({
      system: 'local',
      commit: 'abc123'
    })
  })

  it('reads a local run without anything', () => {
    expect(readProvenance({})).toEqual({ system: 'local' })
  })

  it('leaves out empty variables', () => {
    const env = { ...GITHUB_ENV, GITHUB_REF: '' }
    expect(readProvenance(env)).not.toHaveProperty('ref')
  })

  it('prefers GitHub when several CI variables are set', () => {
    const env = { ...GITHUB_ENV, GITLAB_CI: 'true', JENKINS_URL: 'x' }
    expect(readProvenance(env).system).toBe('github-actions')
  })

  it('needs GITHUB_ACTIONS to be true', () => {
    expect(readProvenance({ GITHUB_ACTIONS: 'false' }).system).toBe('local')
  })
})

describe('provenanceTags', () => {
  it('tags every known field', () => {
    expect(provenanceTags(readProvenance(GITHUB_ENV))).toEqual([
      { key: 'ci.system', value: 'github-actions' },
      { key: 'ci.repository', value: 'hokusai/models' },
      { key: 'ci.commit', value: 'abc123' },
      { key: 'ci.ref', value: 'refs/heads/main' },
      { key: 'ci.workflow', value: 'release' },
      { key: 'ci.run_id', value: '1001' },
      { key: 'ci.run_attempt', value: '2' },
      {
        key: 'ci.run_url',
        value: 'https://github.example.com/hokusai/models/actions/runs/1001'
      }
    ])
  })

  it('tags only the system of a bare local run', () => {
    expect(provenanceTags({ system: 'local' })).toEqual([
      { key: 'ci.system', value: 'local' }
    ])
  })
})
