import { z } from 'zod'

import { HttpError } from '../http/errors.js'
import type { HttpClient } from '../http/transport.js'

/**
 * The caller's own grants, from MLflow's basic-auth app (3.x). Any
 * authenticated user may read this list about themselves.
 */
const currentPermissionsResponse = z.object({
  is_admin: z.boolean(),
  permissions: z.array(
    z.looseObject({
      resource_type: z.string(),
      resource_pattern: z.string(),
      permission: z.string()
    })
  )
})

/** The permissions of MLflow's auth app that allow a new model version. */
const WRITE_PERMISSIONS = new Set(['EDIT', 'MANAGE'])

/** The preflight's result for writing to the registered model. */
export interface WritePermission {
  readonly verified: boolean
  /** One sentence for the report, such as `EDIT on registered model x`. */
  readonly statement: string
}

/**
 * Reads the caller's grants on `modelName` without writing anything.
 * Only MLflow's basic-auth app serves the list, so on other servers the
 * result is "not verified".
 */
export async function checkWritePermission(
  http: HttpClient,
  modelName: string
): Promise<WritePermission> {
  const grants = await readCurrentPermissions(http)
  if (!grants) {
    return notVerified('the server does not list permissions to its users')
  }
  if (grants.is_admin) {
    return { verified: true, statement: 'the user is an admin' }
  }
  const grant = grants.permissions.find(
    row =>
      row.resource_type === 'registered_model' &&
      (row.resource_pattern === modelName || row.resource_pattern === '*')
  )
  if (!grant) {
    // The auth app then applies its default permission, which it does not
    // publish, so write access cannot be confirmed.
    return notVerified(
      `no grant on registered model '${modelName}', so the server's ` +
        'default permission applies'
    )
  }
  if (WRITE_PERMISSIONS.has(grant.permission)) {
    return {
      verified: true,
      statement: `${grant.permission} on registered model '${modelName}'`
    }
  }
  return notVerified(
    `the user holds only ${grant.permission} on registered model ` +
      `'${modelName}'; creating a version needs EDIT or MANAGE`
  )
}

function notVerified(reason: string): WritePermission {
  return { verified: false, statement: reason }
}

async function readCurrentPermissions(
  http: HttpClient
): Promise<z.infer<typeof currentPermissionsResponse> | undefined> {
  try {
    return await http.json(
      {
        method: 'GET',
        path: 'api/3.0/mlflow/users/current/permissions',
        operation: 'list current user permissions',
        idempotent: true
      },
      currentPermissionsResponse
    )
  } catch (error) {
    if (error instanceof HttpError) return undefined
    throw error
  }
}
