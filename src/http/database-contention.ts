/**
 * Database errors that mean contention, not a broken schema: SQLite's
 * "database is locked", MySQL's lock wait timeout and deadlock,
 * PostgreSQL's serialization failure, and SQLAlchemy's connection pool
 * running dry. They clear up once the load drops. Under 64 concurrent
 * registrations, MLflow 3.17.2 returned the pool timeout as a 4xx with an
 * MLflow error code, so the status alone cannot tell it from a rejected
 * value.
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

/** Tells whether an error message reports database contention. */
export function isDatabaseContention(message: string): boolean {
  return DATABASE_CONTENTION.test(message)
}
