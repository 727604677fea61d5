/**
 * Database errors that mean contention, not a broken schema: SQLite's
 * "database is locked", MySQL's lock wait timeout and deadlock,
 * PostgreSQL's serialization failure, and SQLAlchemy's connection pool
 * running dry. They clear up once the load drops. MLflow 3.17.2 returns
 * the pool timeout ("QueuePool limit ... reached") as HTTP 400
 * BAD_REQUEST, because its session maker turns every SQLAlchemy error
 * other than OperationalError into that code. Only the message
 * distinguishes it from a rejected value. In the documented run of 64
 * concurrent registrations on SQLite, the server returned neither a pool
 * timeout nor a locked database.
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
