import { describe, expect, it } from '@jest/globals'

import { toFlagWording } from '../../../src/cli/flag-wording.js'

describe('toFlagWording', () => {
  it.each([
    ['input `max-attempts`: expected 1', '--max-attempts: expected 1'],
    ['Set `wait-timeout` to 300.', 'Set --wait-timeout to 300.'],
    [
      'environment variable MLFLOW_TRACKING_URI (input `tracking-uri`)',
      'environment variable MLFLOW_TRACKING_URI (--tracking-uri)'
    ],
    [
      "Set `model-name` in the step's `with:` block.",
      'Set --model-name on the command line.'
    ],
    [
      'or set `allow-insecure-http: true`.',
      'or set `--allow-insecure-http true`.'
    ],
    [
      'Run this action with `mode: sync`.',
      'Run mlflow-register with the `sync` command.'
    ],
    [
      'The server asked for credentials, but the action sent none.',
      'The server asked for credentials, but mlflow-register sent none.'
    ],
    [
      'The action is configured wrongly',
      'mlflow-register is configured wrongly'
    ]
  ])('rewords %j', (text, expected) => {
    expect(toFlagWording(text)).toBe(expected)
  })

  it.each([
    'no `MLmodel` file',
    'input `mode`: expected register',
    'status `READY`'
  ])('keeps %j', text => {
    expect(toFlagWording(text)).toBe(text)
  })

  describe('with inputs set by variables', () => {
    const fromVariables = new Set(['max-attempts'])

    it.each([
      [
        'input `max-attempts`: expected 1',
        'MLFLOW_REGISTER_MAX_ATTEMPTS: expected 1'
      ],
      ['Set `max-attempts` to 3.', 'Set MLFLOW_REGISTER_MAX_ATTEMPTS to 3.'],
      ['Set `wait-timeout` to 300.', 'Set --wait-timeout to 300.']
    ])('rewords %j', (text, expected) => {
      expect(toFlagWording(text, fromVariables)).toBe(expected)
    })
  })
})
