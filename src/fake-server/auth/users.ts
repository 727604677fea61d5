import { invalidParameter, MlflowError, notFound } from '../mlflow-error.js'
import {
  isPermissionName,
  permissionOf,
  type Permission,
  type PermissionName,
  type ResourceType
} from './permissions.js'

/** A user of the fake's basic-auth mode. */
export interface FakeUser {
  readonly id: number
  readonly username: string
  password: string
  isAdmin: boolean
}

/** MLflow's minimum password length for basic-auth users. */
const MIN_PASSWORD_LENGTH = 12

/**
 * Users, their passwords and bearer tokens, and per-resource grants. A
 * user's permission on a resource is their grant, or else the default
 * permission; admins bypass every check.
 */
export class UserDirectory {
  defaultPermission: PermissionName
  private readonly users = new Map<string, FakeUser>()
  private readonly tokens = new Map<string, string>()
  private readonly grants = new Map<string, PermissionName>()

  constructor(defaultPermission: PermissionName = 'READ') {
    this.defaultPermission = defaultPermission
  }

  /** Creates a user; MLflow requires passwords of 12+ characters. */
  create(username: string, password: string, isAdmin = false): FakeUser {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw invalidParameter(
        `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`
      )
    }
    if (this.users.has(username)) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `User (username=${username}) already exists.`
      )
    }
    const user = { id: this.users.size + 1, username, password, isAdmin }
    this.users.set(username, user)
    return user
  }

  /** Finds a user by name. */
  find(username: string): FakeUser | undefined {
    return this.users.get(username)
  }

  /** Gets a user by name or raises MLflow's not-found error. */
  get(username: string): FakeUser {
    const user = this.users.get(username)
    if (!user) throw notFound(`User with username=${username} not found`)
    return user
  }

  /** Returns the user whose password matches, if any. */
  authenticate(username: string, password: string): FakeUser | undefined {
    const user = this.users.get(username)
    return user?.password === password ? user : undefined
  }

  /** Maps a bearer token to an existing user. */
  addToken(token: string, username: string): void {
    this.get(username)
    this.tokens.set(token, username)
  }

  /** Returns the user a bearer token belongs to, if any. */
  authenticateToken(token: string): FakeUser | undefined {
    const username = this.tokens.get(token)
    return username === undefined ? undefined : this.users.get(username)
  }

  /**
   * Grants a permission on one resource. Like MLflow 3.17.2, a resource
   * grant cannot be NO_PERMISSIONS (DENY withholds access instead).
   */
  grant(
    username: string,
    type: ResourceType,
    id: string,
    permission: string
  ): void {
    if (!isPermissionName(permission)) {
      throw invalidParameter(
        `Invalid permission '${permission}'. Valid permissions are: ` +
          "('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY')"
      )
    }
    if (permission === 'NO_PERMISSIONS') {
      throw invalidParameter(
        `Invalid permission 'NO_PERMISSIONS' for resource_type='${type}'. ` +
          'Resource-level grants accept only: ' +
          "('DENY', 'EDIT', 'MANAGE', 'READ', 'USE')."
      )
    }
    this.get(username)
    this.grants.set(grantKey(username, type, id), permission)
  }

  /** Removes a user's grant on one resource. */
  revoke(username: string, type: ResourceType, id: string): void {
    this.get(username)
    this.grants.delete(grantKey(username, type, id))
  }

  /** Removes every user's grants on a deleted resource. */
  revokeAll(type: ResourceType, id: string): void {
    for (const key of [...this.grants.keys()]) {
      if (key.endsWith(`\u0000${type}\u0000${id}`)) this.grants.delete(key)
    }
  }

  /** Returns a user's permission on a resource. */
  permission(username: string, type: ResourceType, id: string): Permission {
    const granted = this.grants.get(grantKey(username, type, id))
    return permissionOf(granted ?? this.defaultPermission)
  }
}

function grantKey(username: string, type: ResourceType, id: string): string {
  return `${username}\u0000${type}\u0000${id}`
}
