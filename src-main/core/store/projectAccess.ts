/**
 * Whether an open project may be written, and the guard that makes every write of a read-only one fail with a
 * sentence naming why, whichever store module tries it. The guard sits on the connection (every statement that
 * would write is stopped before it runs) rather than in each use case, so a write path added later cannot forget it.
 */
import { StudioError } from '../errors';
import type { Db } from './projectDb';

export type ProjectAccess = { mode: 'read-write' } | { mode: 'read-only'; reason: string };

export const READ_WRITE: ProjectAccess = { mode: 'read-write' };

const RUNNERS = new Set<PropertyKey>(['run', 'get', 'all', 'iterate']);

/**
 * `db` as seen by the session: statements that would write (SQLite's own `sqlite3_stmt_readonly`, so no SQL is
 * parsed here) throw a StudioError while `access()` is read-only, and a read that hits a damaged page says so
 * instead of "database disk image is malformed".
 */
export function guardWrites(db: Db, access: () => ProjectAccess, projectDir: string): Db {
  const refuse = (): void => {
    const current = access();
    if (current.mode === 'read-only') throw new StudioError(`Not saved: this project is open read-only because ${current.reason}.`);
  };
  const wrap = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw damagedRead(error, projectDir);
    }
  };
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'exec') {
        return (sql: string) => {
          refuse();
          return wrap(() => target.exec(sql));
        };
      }
      if (property !== 'prepare') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (sql: string) => {
        const statement = target.prepare(sql);
        return new Proxy(statement, {
          get(inner, key) {
            const member: unknown = Reflect.get(inner, key, inner);
            if (typeof member !== 'function') return member;
            const bound = (member as (...a: unknown[]) => unknown).bind(inner);
            if (!RUNNERS.has(key)) return bound;
            return (...args: unknown[]) => {
              if (!inner.readonly) refuse();
              return wrap(() => bound(...args));
            };
          },
        });
      };
    },
  });
}

/** What to do about a damaged project, in the words every message about one uses. */
export function salvageAdvice(projectDir: string): string {
  return `copy what is readable into a new project with \`affect-studio project salvage "${projectDir}" <new-folder>\``;
}

function damagedRead(error: unknown, projectDir: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') return error;
  return new StudioError(`Part of this project's database is damaged and cannot be read: ${salvageAdvice(projectDir)}.`, { cause: error });
}
