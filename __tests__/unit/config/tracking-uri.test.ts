import { describe, expect, it } from '@jest/globals'

import type { Setting } from '../../../src/config/settings.js'
import {
  parseTrackingUri,
  redactUserinfo
} from '../../../src/config/tracking-uri.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const input = (value: string): Setting => ({ value, origin: 'input' })

describe('parseTrackingUri accepts', () => {
  it.each([
    ['http://mlflow.test:5000', 'http://mlflow.test:5000/'],
    ['https://mlflow.test', 'https://mlflow.test/'],
    ['https://mlflow.test/', 'https://mlflow.test/'],
    ['https://mlflow.test/mlflow', 'https://mlflow.test/mlflow'],
    ['https://mlflow.test/mlflow/', 'https://mlflow.test/mlflow'],
    ['https://mlflow.test/a/b///', 'https://mlflow.test/a/b'],
    ['HTTPS://MLflow.Test/Path', 'https://mlflow.test/Path'],
    ['https://mlflow.test/?', 'https://mlflow.test/']
  ])('%s as %s', (value, expected) => {
    expect(parseTrackingUri(input(value)).url.href).toBe(expected)
  })
})

describe('parseTrackingUri user info', () => {
  it.each([
    ['https://ci:pw@mlflow.test/m', 'ci', 'pw'],
    ['https://ci:p%40ss%3Aw@mlflow.test', 'ci', 'p@ss:w'],
    ['https://ci:p@ss@mlflow.test', 'ci', 'p@ss'],
    ['https://ci:a:b@mlflow.test', 'ci', 'a:b'],
    ['https://c%20i:p%zz@mlflow.test', 'c i', 'p%zz']
  ])('reads the credentials of %s', (value, username, password) => {
    const tracking = parseTrackingUri(input(value))
    expect(tracking.username).toBe(username)
    expect(tracking.password).toBe(password)
  })

  it('removes the credentials from the URL', () => {
    const tracking = parseTrackingUri(input('https://ci:pw@mlflow.test/m/'))
    expect(tracking.url.href).toBe('https://mlflow.test/m')
  })

  it('reads a user without a password', () => {
    const tracking = parseTrackingUri(input('https://ci@mlflow.test'))
    expect(tracking.username).toBe('ci')
    expect(tracking.password).toBeUndefined()
  })

  it('has no credentials without user info', () => {
    const tracking = parseTrackingUri(input('https://mlflow.test'))
    expect(tracking).not.toHaveProperty('username')
    expect(tracking).not.toHaveProperty('password')
  })
})

describe('parseTrackingUri maps Azure ML', () => {
  it('azureml:// to the https endpoint', () => {
    const uri =
      'azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s-1/' +
      'resourceGroups/rg/providers/Microsoft.MachineLearningServices/' +
      'workspaces/ws'
    const parsed = parseTrackingUri(input(uri))

    expect(parsed.url.href).toBe(uri.replace('azureml://', 'https://'))
  })
})

describe('parseTrackingUri rejects', () => {
  it.each([
    ['https://mlflow.test/?token=abc', /query string or fragment/],
    ['https://mlflow.test/#/models', /query string or fragment/],
    ['databricks', /databricks: tracking URIs are not supported/],
    ['Databricks', /databricks: tracking URIs are not supported/],
    ['databricks-uc', /databricks-uc: tracking URIs are not supported/],
    ['databricks://profile', /databricks: tracking URIs are not/],
    [
      'arn:aws:sagemaker:eu-west-1:1:mlflow-tracking-server/t',
      /arn: tracking URIs are not supported/
    ],
    ['file:///tmp/mlruns', /is a local store, not a tracking server/],
    ['sqlite:///mlflow.db', /is a local store, not a tracking server/],
    ['postgresql://db/mlflow', /is a local store, not a tracking server/],
    ['/tmp/mlruns', /"\/tmp\/mlruns" is a local store/],
    ['./mlruns', /is a local store, not a tracking server/],
    ['mlruns', /is a local store, not a tracking server/],
    ['127.0.0.1:5000', /is a host and port without a scheme/],
    ['mlflow.test:5000/prefix', /is a host and port without a scheme/],
    ['ftp://mlflow.test', /expected an http:\/\/ or https:\/\/ URL/],
    ['https://', /is not a valid URL/],
    ['http://mlflow test', /contains whitespace or a control character/],
    ['http://mlflow.test/\r\nX-A: 1', /contains whitespace or a control/],
    ['http://mlflow.test/\tml', /contains whitespace or a control/],
    ['http://mlflow.test/\u0000', /contains whitespace or a control/]
  ])('%j', (value, problem) => {
    const error = diagnosedErrorOf(() => parseTrackingUri(input(value)))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('`tracking-uri`')
  })

  it('a missing URI with the input and variable to set', () => {
    const error = diagnosedErrorOf(() => parseTrackingUri(undefined))
    expect(error.diagnosis.detail).toMatch(/no tracking server/)
    expect(error.diagnosis.fix).toMatch(/`tracking-uri`/)
    expect(error.diagnosis.fix).toMatch(/MLFLOW_TRACKING_URI/)
  })

  it('a URI from a variable, naming the variable', () => {
    const setting = { value: 'file:///x', origin: 'MLFLOW_TRACKING_URI' }
    const error = diagnosedErrorOf(() => parseTrackingUri(setting))
    expect(error.message).toContain(
      'environment variable MLFLOW_TRACKING_URI (input `tracking-uri`)'
    )
  })

  it('a store URI with a fix that starts a server', () => {
    const error = diagnosedErrorOf(() => parseTrackingUri(input('mlruns')))
    expect(error.diagnosis.fix).toMatch(/mlflow server/)
  })
})

describe('parseTrackingUri never shows a password', () => {
  it.each([
    ['https://ci:Pa55word@mlflow.test/?page=1', 'Pa55word'],
    ['https://ci:Pa55word@mlflow.test/#top', 'Pa55word'],
    ['postgresql://ci:Pa55word@db.test/mlflow', 'Pa55word'],
    ['ftp://ci:Pa55word@mlflow.test', 'Pa55word'],
    ['https://ci:Pa55/word@mlflow.test', 'Pa55/word'],
    ['https://ci:Pa55#word@mlflow.test', 'Pa55#word'],
    ['https://ci:Pa55@word@mlflow test', 'Pa55@word']
  ])('in the error for %s', (value, password) => {
    const error = diagnosedErrorOf(() => parseTrackingUri(input(value)))
    expect(error.message).not.toContain(password)
    expect(JSON.stringify(error.diagnosis)).not.toContain(password)
  })
})

describe('redactUserinfo', () => {
  it.each([
    ['https://ci:pw@mlflow.test/m', 'https://***@mlflow.test/m'],
    ['https://ci:p@w@mlflow.test', 'https://***@mlflow.test'],
    ['https://ci:p/w@mlflow.test', 'https://***@mlflow.test'],
    ['https://mlflow.test/m', 'https://mlflow.test/m'],
    ['mlruns', 'mlruns']
  ])('turns %s into %s', (value, expected) => {
    expect(redactUserinfo(value)).toBe(expected)
  })
})
