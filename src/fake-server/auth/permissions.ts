/**
 * MLflow's basic-auth permission levels as of 3.17.2. `USE` sits between
 * READ and EDIT; `DENY` is a resource grant that withholds everything, even
 * where the default permission would allow it.
 */
export const PERMISSION_NAMES = [
  'READ',
  'USE',
  'EDIT',
  'MANAGE',
  'NO_PERMISSIONS',
  'DENY'
] as const

/** One of MLflow's permission names. */
export type PermissionName = (typeof PERMISSION_NAMES)[number]

/** The abilities of a permission level. */
export interface Permission {
  readonly name: PermissionName
  readonly canRead: boolean
  readonly canUse: boolean
  readonly canUpdate: boolean
  readonly canDelete: boolean
  readonly canManage: boolean
}

const RANKS: Readonly<Record<PermissionName, number>> = {
  DENY: 0,
  NO_PERMISSIONS: 0,
  READ: 1,
  USE: 2,
  EDIT: 3,
  MANAGE: 4
}

/** Returns the abilities of a permission level. */
export function permissionOf(name: PermissionName): Permission {
  const rank = RANKS[name]
  return {
    name,
    canRead: rank >= 1,
    canUse: rank >= 2,
    canUpdate: rank >= 3,
    canDelete: rank >= 4,
    canManage: rank >= 4
  }
}

/** Checks whether a string is one of MLflow's permission names. */
export function isPermissionName(value: string): value is PermissionName {
  return (PERMISSION_NAMES as readonly string[]).includes(value)
}

/** The resource kinds a user can hold a grant on. */
export type ResourceType = 'registered_model' | 'experiment'
