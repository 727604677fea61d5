import { pythonRepr, pythonTypeName } from './python-json.js'

/** HTTP statuses of the MLflow error codes the fake sends. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503
}

/** The `error_class` MLflow 3.17.2 adds for each error code. */
const CLASS_BY_CODE: Readonly<Record<string, string>> = {
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_NOT_FOUND',
  PERMISSION_DENIED: 'PERMISSION_DENIED'
}

/** An MLflow REST error: `{"error_code", "message"}` with its status. */
export class MlflowError extends Error {
  readonly errorCode: string
  readonly status: number

  constructor(errorCode: string, message: string) {
    super(message)
    this.name = 'MlflowError'
    this.errorCode = errorCode
    this.status = STATUS_BY_CODE[errorCode] ?? 500
  }

  /** Returns the error body fields in MLflow's order. */
  toFields(): Record<string, string> {
    const errorClass = CLASS_BY_CODE[this.errorCode]
    return {
      error_code: this.errorCode,
      message: this.message,
      sqlstate: 'KAM00',
      ...(errorClass ? { error_class: errorClass } : {})
    }
  }
}

/** Creates an `INVALID_PARAMETER_VALUE` error. */
export function invalidParameter(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message)
}

/** Creates a `RESOURCE_DOES_NOT_EXIST` error. */
export function notFound(message: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', message)
}

const API_DOCS_HINT =
  ' See the API docs for more information about request parameters.'

/** Creates MLflow's error for a required request parameter that is absent. */
export function missingParameter(name: string): MlflowError {
  return invalidParameter(
    `Missing value for required parameter '${name}'.${API_DOCS_HINT}`
  )
}

/** Creates MLflow's error for a parameter of the wrong type or range. */
export function invalidParameterValue(
  name: string,
  value: unknown
): MlflowError {
  return invalidParameter(
    `Invalid value ${pythonRepr(value)} for parameter '${name}' supplied:  ` +
      `Hint: Value was of type '${pythonTypeName(value)}'.${API_DOCS_HINT}`
  )
}
