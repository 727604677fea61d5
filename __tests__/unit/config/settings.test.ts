import { describe, expect, it } from '@jest/globals'

import {
  INPUTS,
  type InputName,
  type InputSpec
} from '../../../src/config/inputs.js'
import { describeOrigin, readSettings } from '../../../src/config/settings.js'
import { settingsFrom } from '../fixtures/settings.js'

const TRACKING_URI = 'https://mlflow.test'

describe('readSettings', () => {
  it('labels a set input with origin input', () => {
    const settings = settingsFrom({ 'tracking-uri': TRACKING_URI })
    expect(settings.get('tracking-uri')).toEqual({
      value: TRACKING_URI,
      origin: 'input'
    })
  })

  it('labels an input equal to its default as default', () => {
    // The runner fills in `action.yml` defaults, so such a value was
    // most likely not set by the user.
    const settings = settingsFrom({ 'artifact-path': 'model' })
    expect(settings.get('artifact-path')?.origin).toBe('default')
  })

  it('falls back to the variable when the input is empty', () => {
    const settings = settingsFrom({}, { MLFLOW_TRACKING_URI: TRACKING_URI })
    expect(settings.get('tracking-uri')).toEqual({
      value: TRACKING_URI,
      origin: 'MLFLOW_TRACKING_URI'
    })
  })

  it('prefers the input to the variable', () => {
    const settings = settingsFrom(
      { 'tracking-uri': TRACKING_URI },
      { MLFLOW_TRACKING_URI: 'https://other.test' }
    )
    expect(settings.get('tracking-uri')?.value).toBe(TRACKING_URI)
  })

  it('prefers the variable to the default', () => {
    const settings = settingsFrom({}, { MLFLOW_EXPERIMENT_NAME: 'ci' })
    expect(settings.get('experiment-name')).toEqual({
      value: 'ci',
      origin: 'MLFLOW_EXPERIMENT_NAME'
    })
  })

  it('trims the value of a variable', () => {
    const settings = settingsFrom({}, { MLFLOW_TRACKING_TOKEN: ' tok \n' })
    expect(settings.get('token')?.value).toBe('tok')
  })

  it('skips a blank variable and uses the default', () => {
    const settings = settingsFrom({}, { MLFLOW_EXPERIMENT_NAME: '  ' })
    expect(settings.get('experiment-name')).toEqual({
      value: 'mlflow-register',
      origin: 'default'
    })
  })

  it('leaves out an unset input without a default', () => {
    const settings = settingsFrom({})
    expect(settings.has('model-name')).toBe(false)
  })

  it('ignores variables of other inputs', () => {
    const settings = settingsFrom({}, { MLFLOW_TRACKING_USERNAME: 'ci' })
    expect(settings.has('password')).toBe(false)
  })

  const withDefaults = (INPUTS as readonly InputSpec[]).filter(
    input => input.default !== undefined
  )
  it.each(withDefaults.map(input => [input.name, input.default]))(
    'fills in the default of %s',
    (name, value) => {
      const settings = readSettings(() => '', {})
      expect(settings.get(name as InputName)).toEqual({
        value,
        origin: 'default'
      })
    }
  )
})

describe('describeOrigin', () => {
  it.each([
    ['input', 'input `tracking-uri`'],
    ['default', 'the default'],
    ['MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_URI']
  ])('describes origin %s', (origin, expected) => {
    const setting = { value: TRACKING_URI, origin }
    expect(describeOrigin('tracking-uri', setting)).toBe(expected)
  })
})
