import * as core from '@actions/core'

import { isMaskable } from '../config/secrets.js'
import type { Host } from '../host/host.js'
import { createGitHubBundleStore } from './bundle-store.js'

/** The host for a GitHub Actions runner, backed by `@actions/core`. */
export function createActionHost(): Host {
  return {
    env: process.env,
    log: {
      info: message => {
        core.info(message)
      },
      debug: message => {
        core.debug(message)
      },
      warning: (message, options) => {
        core.warning(message, options)
      },
      error: (message, options) => {
        core.error(message, options)
      },
      group: (name, body) => core.group(name, body)
    },
    getInput: name => core.getInput(name),
    setSecret: value => {
      if (isMaskable(value)) core.setSecret(value)
    },
    setOutput: (name, value) => {
      core.setOutput(name, value)
    },
    writeSummary: async markdown => {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write()
    },
    // run() has already logged the failure as a titled ::error annotation,
    // and core.setFailed would add a second, untitled one.
    setFailed: () => {
      process.exitCode = core.ExitCode.Failure
    },
    bundleStore: createGitHubBundleStore(process.env)
  }
}
