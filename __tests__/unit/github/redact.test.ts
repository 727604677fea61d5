import { describe, expect, it } from '@jest/globals'

import { redactText } from '../../../src/github/redact.js'

describe('redactText', () => {
  it('removes a known secret', () => {
    expect(redactText('password s3cr3t-value here', ['s3cr3t-value'])).toBe(
      'password *** here'
    )
  })

  it('removes the percent-encoded form', () => {
    const secret = 'p@ss word/1'
    const text = `uri ${encodeURIComponent(secret)}`
    expect(redactText(text, [secret])).toBe('uri ***')
  })

  it('removes the longer of two overlapping secrets whole', () => {
    expect(redactText('abcd-efgh', ['abcd', 'abcd-efgh'])).toBe('***')
  })

  it('removes credentials in a URL', () => {
    expect(redactText('https://ci-bot:pw@mlflow.test/x', [])).toBe(
      'https://***@mlflow.test/x'
    )
  })

  it('removes bearer and basic tokens', () => {
    const text = 'Bearer eyJhbGciOi.abc.def and Basic Y2ktYm90OnB3'
    expect(redactText(text, [])).toBe('Bearer *** and Basic ***')
  })

  it('keeps a word after a scheme name', () => {
    const text = "rejected the Basic credentials for user 'ci-bot'"
    expect(redactText(text, [])).toBe(text)
  })

  it('removes a lowercase token with a digit', () => {
    expect(redactText('Bearer abcdefgh1', [])).toBe('Bearer ***')
  })

  it('keeps a Basic challenge', () => {
    const text = 'WWW-Authenticate: Basic realm="mlflow"'
    expect(redactText(text, [])).toBe(text)
  })

  it('removes credential query parameters', () => {
    const text = 'https://s3.test/o?X-Amz-Signature=abc123&part=2'
    expect(redactText(text, [])).toBe(
      'https://s3.test/o?X-Amz-Signature=***&part=2'
    )
  })

  it('ignores secrets shorter than four characters', () => {
    expect(redactText('a b c', ['b'])).toBe('a b c')
  })
})
