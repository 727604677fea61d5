import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { parse } from 'yaml'
import { z } from 'zod'

import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'

const signatureSchema = z.looseObject({
  signature: z
    .looseObject({
      inputs: z.string().nullish(),
      outputs: z.string().nullish()
    })
    .nullish()
})

/**
 * Checks that a local model's `MLmodel` file has a signature with inputs
 * and outputs, which Unity Catalog requires. MLflow 3.17's Unity Catalog
 * store checks the same before it creates a version, so the failure comes
 * before any write here too.
 */
export async function checkModelSignature(
  modelPath: string,
  modelName: string
): Promise<void> {
  const file = path.join(modelPath, 'MLmodel')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw missingSignature(
      modelName,
      `${file} could not be read (${reason(error)})`
    )
  }
  checkSignatureText(text, file, modelName)
}

/**
 * Checks the text of an `MLmodel` file for a signature with inputs and
 * outputs. `where` names the file in the diagnosis.
 */
export function checkSignatureText(
  text: string,
  where: string,
  modelName: string
): void {
  let parsed: unknown
  try {
    parsed = parse(text)
  } catch (error) {
    throw missingSignature(
      modelName,
      `${where} could not be read as YAML (${reason(error)})`
    )
  }
  const signature = signatureSchema.safeParse(parsed).data?.signature
  if (!signature) {
    throw missingSignature(modelName, `${where} has no signature`)
  }
  if (!signature.inputs || !signature.outputs) {
    const missing = signature.inputs ? 'outputs' : 'inputs'
    throw missingSignature(
      modelName,
      `the signature in ${where} has no ${missing}`
    )
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function missingSignature(modelName: string, reason: string): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'MODEL_SIGNATURE_MISSING',
      `Unity Catalog registers a model only with a signature of its ` +
        `inputs and outputs, but ${reason}. Nothing was written for ` +
        `'${modelName}'.`,
      'Log the model with a signature: pass `signature=` ' +
        '(mlflow.models.infer_signature) or an `input_example` to ' +
        'log_model or save_model, then register the new directory.'
    )
  )
}
