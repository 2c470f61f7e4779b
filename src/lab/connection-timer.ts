// Timers that live and die with one lab connection; apart from connection.ts so the fault
// modules that arm them do not import connection.ts back (connection.ts arms the faults).
import type { LabConnection } from './connection.js';

/** Adds an unref'd timer to a connection so it dies with it and never holds the process open. */
export function connectionTimer(conn: LabConnection, timer: NodeJS.Timeout): void {
  timer.unref();
  conn.timers.push(timer);
}
