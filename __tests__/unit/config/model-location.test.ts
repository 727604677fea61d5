import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { parseModelLocation } from '../../../src/config/model-location.js'
import type { Setting } from '../../../src/config/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const input = (value: string): Setting => ({ value, origin: 'input' })

let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'model-location-'))
  mkdirSync(path.join(workspace, 'model'))
  writeFileSync(path.join(workspace, 'model', 'MLmodel'), 'flavors: {}\n')
  mkdirSync(path.join(workspace, 'empty'))
  mkdirSync(path.join(workspace, 'nested', 'MLmodel'), { recursive: true })
  writeFileSync(path.join(workspace, 'model.pkl'), 'pickle')
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

describe('parseModelLocation with source', () => {
  it.each([
    'runs:/0a1b2c/model',
    'runs:/0a1b2c/nested/model',
    'runs:/my_run-2/model',
    'models:/fraud-model/3',
    'models:/fraud-model@champion',
    'models:/m-0a1b2c',
    's3://bucket/path/model',
    'mlflow-artifacts:/1/0a1b2c/artifacts/model'
  ])('accepts %s', source => {
    expect(parseModelLocation(input(source), undefined, workspace)).toEqual({
      source
    })
  })

  it.each([
    ['/tmp/model', /is a local path/],
    ['model', /is a local path/],
    ['./model', /is a local path/],
    ['file:///tmp/model', /is a local path/],
    ['FILE:/tmp/model', /is a local path/],
    ['runs:/0a1b2c/../other/model', /contains a ".." segment/],
    ['s3://bucket/a/../b', /contains a ".." segment/],
    ['runs:/0a1b2c', /names a run but no model path/],
    ['runs:/0a1b2c/', /names a run but no model path/],
    ['runs:/', /names no run/],
    ['models:/fraud-model', /names no version/],
    ['models:/', /names no version/],
    ['runs:/<run-id>/model', /names the run "<run-id>", but an MLflow run/],
    ['runs:/_abc/model', /names the run "_abc"/],
    ['runs:/-abc/model', /names the run "-abc"/],
    ['runs:/abc.def/model', /names the run "abc.def"/],
    ['runs:/abc def/model', /names the run "abc def"/]
  ])('rejects %s', (source, problem) => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input(source), undefined, workspace)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('input `source`')
  })

  it('suggests model-path for a local path', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input('/tmp/model'), undefined, workspace)
    )
    expect(error.diagnosis.fix).toMatch(/`model-path`/)
  })

  it('accepts a run id of 256 characters', () => {
    const source = `runs:/a${'b'.repeat(255)}/model`
    expect(parseModelLocation(input(source), undefined, workspace)).toEqual({
      source
    })
  })

  it('rejects a run id of 257 characters', () => {
    const source = `runs:/a${'b'.repeat(256)}/model`
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input(source), undefined, workspace)
    )
    expect(error.diagnosis.detail).toContain('but an MLflow run id is')
  })

  it('says what a run id looks like', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input('runs:/<run-id>/model'), undefined, workspace)
    )
    expect(error.diagnosis.detail).toContain(
      'is 1 to 256 letters, digits, underscores or hyphens that start ' +
        'with a letter or digit'
    )
    expect(error.diagnosis.fix).toContain(
      'Replace "<run-id>" with the id of the run that logged the model'
    )
  })

  it('suggests the artifact path for a bare run', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input('runs:/0a1b2c'), undefined, workspace)
    )
    expect(error.diagnosis.fix).toContain('runs:/<run-id>/model')
  })
})

describe('parseModelLocation with model-path', () => {
  it('resolves a path relative to the workspace', () => {
    expect(parseModelLocation(undefined, input('model'), workspace)).toEqual({
      modelPath: path.join(workspace, 'model')
    })
  })

  it('accepts an absolute path', () => {
    const absolute = path.join(workspace, 'model')
    const location = parseModelLocation(undefined, input(absolute), workspace)
    expect(location).toEqual({ modelPath: absolute })
  })

  it.each([
    ['missing', /"missing" is not a directory \(nothing exists at /],
    ['model.pkl', /"model.pkl" is not a directory$/],
    ['empty', /is not an MLflow model directory: it has no MLmodel file/],
    ['nested', /is not an MLflow model directory: it has no MLmodel file/],
    ['model\u0000', /contains a NUL byte/]
  ])('rejects %j', (modelPath, problem) => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(undefined, input(modelPath), workspace)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.diagnosis.detail).toMatch(problem)
    expect(error.message).toContain('input `model-path`')
  })

  it('points at the directory with MLmodel when it is missing', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(undefined, input('empty'), workspace)
    )
    expect(error.diagnosis.fix).toMatch(/contains the MLmodel file/)
  })
})

describe('parseModelLocation with both or neither', () => {
  it('rejects source and model-path together', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(input('runs:/a/model'), input('model'), workspace)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(/both are set/)
    expect(error.diagnosis.fix).toMatch(/not both/)
  })

  it('rejects neither source nor model-path', () => {
    const error = diagnosedErrorOf(() =>
      parseModelLocation(undefined, undefined, workspace)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(/neither is set/)
    expect(error.message).toContain('inputs `source` and `model-path`')
  })
})
