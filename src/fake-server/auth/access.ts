import { permissionOf, type Permission } from './permissions.js'
import type { FakeUser, UserDirectory } from './users.js'

/** The permissions of the user behind one request. */
export interface Access {
  /** The authenticated user; undefined when auth is off. */
  readonly user: FakeUser | undefined
  /** Whether every check passes: auth is off or the user is an admin. */
  readonly unrestricted: boolean
  /** The user's permission on a registered model. */
  model(name: string): Permission
  /** The user's permission on an experiment. */
  experiment(experimentId: string): Permission
  /** The server's default permission, for resources without an id. */
  fallback(): Permission
}

const FULL = permissionOf('MANAGE')

/** Access for a server without auth, or for an admin. */
export function unrestrictedAccess(user?: FakeUser): Access {
  return {
    user,
    unrestricted: true,
    model: () => FULL,
    experiment: () => FULL,
    fallback: () => FULL
  }
}

/** Access for an authenticated user: grants, then the default. */
export function userAccess(user: FakeUser, users: UserDirectory): Access {
  if (user.isAdmin) return unrestrictedAccess(user)
  return {
    user,
    unrestricted: false,
    model: name => users.permission(user.username, 'registered_model', name),
    experiment: id => users.permission(user.username, 'experiment', id),
    fallback: () => permissionOf(users.defaultPermission)
  }
}
