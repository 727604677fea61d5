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

/** MLflow's order of permissions. A DENY overrides all of them. */
const PERMISSION_RANK: Readonly<Record<string, number>> = {
  NO_PERMISSIONS: 0,
  READ: 1,
  USE: 2,
  EDIT: 3,
  MANAGE: 4
}

type Grant = z.infer<typeof currentPermissionsResponse>['permissions'][number]

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
  if (grants.permissions.some(isWorkspaceAdmin)) {
    return { verified: true, statement: 'the user is a workspace admin' }
  }
  if (grants.permissions.some(deniesNewVersions)) {
    return notVerified(
      'a DENY grant on registered_model_version * forbids creating any ' +
        'model version'
    )
  }
  const grant = effectiveGrant(grants.permissions, modelName)
  if (!grant) {
    // The auth app then applies its default permission, which it does not
    // publish, so write access cannot be confirmed.
    return notVerified(
      `no grant on registered model '${modelName}', so the server's ` +
        'default permission applies'
    )
  }
  if (grant.permission === 'DENY') {
    return notVerified(
      `a DENY grant (${grant.resource_pattern}) forbids the user any ` +
        `access to registered model '${modelName}'`
    )
  }
  if (WRITE_PERMISSIONS.has(grant.permission)) {
    return {
      verified: true,
      statement:
        `${grant.permission} on registered model '${modelName}'` +
        (grant.resource_pattern === '*' ? ' (granted on all models)' : '')
    }
  }
  return notVerified(
    `the user holds only ${grant.permission} on registered model ` +
      `'${modelName}'; creating a version needs EDIT or MANAGE`
  )
}

/**
 * Folds the grants that apply to `modelName` the way MLflow 3.17.2's
 * auth app does (`fold_grants_for_key` in mlflow/server/auth): a DENY
 * wins, else the highest permission. A grant's pattern is an exact model
 * name or `*`. That auth app has no glob or prefix patterns, so `fraud-*`
 * matches only a model named `fraud-*`.
 *
 * NOTE: with workspaces enabled, the auth app counts only the grants of
 * the model's workspace. This fold ignores the rows' `workspace` field,
 * so it can overstate access on such a server.
 */
function effectiveGrant(
  grants: readonly Grant[],
  modelName: string
): Grant | undefined {
  const applying = grants.filter(
    row =>
      row.resource_type === 'registered_model' &&
      (row.resource_pattern === modelName || row.resource_pattern === '*')
  )
  const denied = applying.find(row => row.permission === 'DENY')
  if (denied) return denied
  let best: Grant | undefined
  for (const row of applying) {
    if (!best || rank(row) > rank(best)) best = row
  }
  return best
}

function rank(grant: Grant): number {
  return PERMISSION_RANK[grant.permission] ?? 0
}

/**
 * Checks for MANAGE on the workspace slot, which MLflow treats as MANAGE
 * on every resource of the workspace.
 */
function isWorkspaceAdmin(grant: Grant): boolean {
  return (
    grant.resource_type === 'workspace' &&
    grant.resource_pattern === '*' &&
    grant.permission === 'MANAGE'
  )
}

/**
 * Checks for a DENY on model versions: MLflow 3.17.2 requires, besides
 * EDIT on the model, that new versions are not denied.
 */
function deniesNewVersions(grant: Grant): boolean {
  return (
    grant.resource_type === 'registered_model_version' &&
    grant.permission === 'DENY'
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
