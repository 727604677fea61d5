import { statSync } from 'node:fs'
import path from 'node:path'

import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** The model to register: a URI already on a server, or a local folder. */
export type ModelLocation =
  { readonly source: string } | { readonly modelPath: string }

const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i
/** A Windows drive path such as `C:\model`, which looks like a URI scheme. */
const DRIVE_PATH = /^[a-z]:[\\/]/i

/**
 * The run id of a `runs:/` source, as MLflow 3.17's `_RUN_ID_REGEX`
 * (mlflow/utils/validation.py) checks it: `^[a-zA-Z0-9][\w\-]{0,255}$`.
 * Python's `\w` also matches Unicode letters and digits, and `\p{L}\p{N}`
 * accepts every character that it matches in Python 3.11.
 */
const RUN_ID = /^[a-zA-Z0-9][\p{L}\p{N}_-]{0,255}$/u

/**
 * Checks that exactly one of `source` and `model-path` is set, that a
 * source is a URI the server can resolve, and that a model path is a
 * readable MLflow model directory.
 */
export function parseModelLocation(
  source: Setting | undefined,
  modelPath: Setting | undefined,
  workspace: string
): ModelLocation {
  if (source && modelPath) {
    throw configError(
      'inputs `source` and `model-path`',
      'both are set, but a version has exactly one origin',
      'Set `source` for a model already on the server, or `model-path` ' +
        'for a local model directory, not both.'
    )
  }
  if (source) return { source: checkSource(source) }
  if (modelPath) return { modelPath: checkModelPath(modelPath, workspace) }
  throw configError(
    'inputs `source` and `model-path`',
    'neither is set, so there is no model to register',
    'Set `source` (for example runs:/<run-id>/model) or `model-path` ' +
      '(a directory with an MLmodel file).'
  )
}

function checkSource(setting: Setting): string {
  const value = setting.value
  const label = settingLabel('source', setting)
  const isLocal =
    !URI_SCHEME.test(value) || DRIVE_PATH.test(value) || /^file:/i.test(value)
  if (isLocal) {
    throw configError(
      label,
      `${quote(value)} is a local path, which a tracking server cannot read`,
      'Use `model-path` to upload a local model directory, or give a ' +
        'runs:/, models:/ or artifact URI.'
    )
  }
  if (value.split(/[/\\]/).includes('..') || value.includes('\0')) {
    throw configError(
      label,
      `${quote(value)} contains a ".." segment, which MLflow rejects`,
      'Use the normalised URI of the model.'
    )
  }
  if (/^runs:\/*$/i.test(value)) {
    throw configError(
      label,
      `${quote(value)} names no run`,
      'Give the run id and the artifact path of the model, as in ' +
        'runs:/<run-id>/model.'
    )
  }
  if (/^models:\/*[^/@]*$/i.test(value) && !/^models:\/m-/i.test(value)) {
    throw configError(
      label,
      `${quote(value)} names no version of a registered model`,
      'Use models:/<name>/<version>, models:/<name>@<alias> or the ' +
        'logged model models:/<model-id>.'
    )
  }
  if (/^runs:\/[^/]+\/?$/i.test(value)) {
    throw configError(
      label,
      `${quote(value)} names a run but no model path inside it`,
      'Add the artifact path of the model, as in runs:/<run-id>/model.'
    )
  }
  checkRunId(value, label)
  return value
}

/**
 * Checks the run id of a `runs:/` source before any request, so that a
 * placeholder such as `<run-id>` copied from an example fails at once,
 * also offline, where it would otherwise fail only when it is synced.
 */
function checkRunId(value: string, label: string): void {
  const runId = /^runs:\/([^/]+)\//i.exec(value)?.[1]
  if (runId === undefined || RUN_ID.test(runId)) return
  throw configError(
    label,
    `${quote(value)} names the run ${quote(runId)}, but an MLflow run id ` +
      'is 1 to 256 letters, digits, underscores or hyphens that start ' +
      'with a letter or digit (MLflow makes them 32 hexadecimal digits)',
    `Replace ${quote(runId)} with the id of the run that logged the ` +
      'model: mlflow.active_run().info.run_id in the training code, or ' +
      'the id after /runs/ in the URL of its page in the MLflow UI.'
  )
}

function checkModelPath(setting: Setting, workspace: string): string {
  const label = settingLabel('model-path', setting)
  // Node's file functions throw a TypeError on a NUL byte in a path.
  if (setting.value.includes('\0')) {
    throw configError(
      label,
      `${quote(setting.value)} contains a NUL byte, which no path can hold`,
      'Point `model-path` at the model directory, relative to the workspace.'
    )
  }
  const directory = path.resolve(workspace, setting.value)
  const stats = statSync(directory, { throwIfNoEntry: false })
  if (!stats?.isDirectory()) {
    throw configError(
      label,
      `${quote(setting.value)} is not a directory` +
        (stats ? '' : ` (nothing exists at ${directory})`),
      'Point `model-path` at the directory that mlflow.<flavor>.save_model ' +
        'wrote, relative to the workspace.'
    )
  }
  const mlmodel = statSync(path.join(directory, 'MLmodel'), {
    throwIfNoEntry: false
  })
  if (!mlmodel?.isFile()) {
    throw configError(
      label,
      `${directory} is not an MLflow model directory: it has no MLmodel file`,
      'Point `model-path` at the directory that contains the MLmodel ' +
        'file, not its parent or a single model file.'
    )
  }
  return directory
}
