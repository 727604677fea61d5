/**
 * Database errors that mean contention, not a broken schema: SQLite's
 * "database is locked", MySQL's lock wait timeout and deadlock,
 * PostgreSQL's serialization failure, and SQLAlchemy's connection pool
 * running dry. They clear up once the load drops. MLflow answers the
 * pool timeout with HTTP 400 and BAD_REQUEST, because it files every
 * SQLAlchemy error that is not an OperationalError as a bad request, so
 * the status alone cannot tell this apart from a rejected value.
 */
const DATABASE_CONTENTION = new RegExp(
  [
    'database is locked',
    'lock wait timeout',
    'deadlock',
    'could not serialize',
    'queuepool limit'
  ].join('|'),
  'i'
)

/** Whether an error message reports database contention. */
export function isDatabaseContention(message: string): boolean {
  return DATABASE_CONTENTION.test(message)
}
