import { isSelfOrAdmin, isAdmin } from '../auth/rules.js'
import type { ResourceType } from '../auth/permissions.js'
import type { FakeUser } from '../auth/users.js'
import type { FakeResponse } from '../exchange.js'
import { invalidParameter } from '../mlflow-error.js'
import { authParam, parseParams, requiredString } from '../params.js'
import { formatJsonify } from '../python-json.js'
import type { Route, RouteContext } from '../state.js'

/**
 * The basic-auth app's user routes as of MLflow 3.17.2, where per-user
 * grants go through `/api/3.0/mlflow/users/permissions/*` (the older
 * `registered-models/permissions/*` routes return 404). Responses are
 * Flask `jsonify` output: compact JSON with a trailing newline.
 */

const USERS = '/api/2.0/mlflow/users'
const PERMISSIONS = '/api/3.0/mlflow/users/permissions'

function jsonify(body: object): FakeResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: formatJsonify(body)
  }
}

function userJson(user: FakeUser): object {
  return { id: user.id, is_admin: user.isAdmin, username: user.username }
}

function createUser(context: RouteContext) {
  const params = parseParams(context.request, {
    username: requiredString,
    password: requiredString
  })
  const user = context.state.users.create(params.username, params.password)
  return jsonify({ user: userJson(user) })
}

function getUser(context: RouteContext) {
  const { username } = parseParams(context.request, {
    username: requiredString
  })
  return jsonify({ user: userJson(context.state.users.get(username)) })
}

function currentUser(context: RouteContext) {
  const user = context.access.user
  return jsonify({
    is_basic_auth: true,
    ...(user ? { user: userJson(user) } : {})
  })
}

function resourceType(value: string): ResourceType {
  if (value === 'registered_model' || value === 'experiment') return value
  throw invalidParameter(`Unsupported resource_type: '${value}'.`)
}

function grantParams(context: RouteContext) {
  return parseParams(context.request, {
    username: requiredString,
    resource_type: requiredString,
    resource_id: requiredString
  })
}

function grantPermission(context: RouteContext) {
  const params = grantParams(context)
  const { permission } = parseParams(context.request, {
    permission: requiredString
  })
  context.state.users.grant(
    params.username,
    resourceType(params.resource_type),
    params.resource_id,
    permission
  )
  return jsonify({})
}

function revokePermission(context: RouteContext) {
  const params = grantParams(context)
  context.state.users.revoke(
    params.username,
    resourceType(params.resource_type),
    params.resource_id
  )
  return jsonify({})
}

function getPermission(context: RouteContext) {
  const params = grantParams(context)
  context.state.users.get(params.username)
  const permission = context.state.users.permission(
    params.username,
    resourceType(params.resource_type),
    params.resource_id
  )
  return jsonify({ allowed: permission.canUse, permission: permission.name })
}

/** Admins, or users with MANAGE on the resource, may change its grants. */
function canManageResource(context: RouteContext): boolean {
  const type = authParam(context.request, 'resource_type')
  const id = authParam(context.request, 'resource_id')
  switch (type) {
    case 'registered_model':
      return context.access.model(id).canManage
    case 'experiment':
      return context.access.experiment(id).canManage
    default:
      return false
  }
}

/** The basic-auth app's user and permission routes. */
export const userRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${USERS}/create`,
    handle: createUser,
    authorize: isAdmin
  },
  {
    method: 'GET',
    path: `${USERS}/get`,
    handle: getUser,
    authorize: isSelfOrAdmin
  },
  { method: 'GET', path: `${USERS}/current`, handle: currentUser },
  {
    method: 'POST',
    path: `${PERMISSIONS}/grant`,
    handle: grantPermission,
    authorize: canManageResource
  },
  {
    method: 'POST',
    path: `${PERMISSIONS}/revoke`,
    handle: revokePermission,
    authorize: canManageResource
  },
  {
    method: 'GET',
    path: `${PERMISSIONS}/get`,
    handle: getPermission,
    authorize: isSelfOrAdmin
  }
]
