import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StudioError } from '../errors';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';

export type Db = Database.Database;

/**
 * Opens a project database with the settings every connection must have: WAL (a crash never loses a
 * committed row and readers don't block the writer), foreign keys enforced, and a busy timeout so a second
 * process (the CLI while the studio is open) waits instead of failing. An existing database the user may not
 * write (see `unwritableReason`) opens read-only instead of failing on the first write.
 */
export function openProjectDb(file: string, options: { create: boolean }): Db {
  if (!options.create && unwritableReason(file) !== null) return openProjectDbReadOnly(file);
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: !options.create });
  } catch (error) {
    throw new StudioError(`Cannot open the project database ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // FULL: a committed label survives a power cut too, not only a crash; labelling is human-paced.
    db.pragma('synchronous = FULL');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw unreadable(file, error);
  }
}

/**
 * Why this process may not write the project database, or null. WAL needs the folder writable too (SQLite
 * creates `-wal` and `-shm` beside the file), so both are checked. Asked of the file system, not guessed from
 * mode bits, so ACLs, read-only mounts and the process's uid all count.
 */
export function unwritableReason(file: string): string | null {
  for (const target of [file, path.dirname(file)]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
      return target === file ? `${file} is not writable (${why})` : `its folder ${target} is not writable (${why})`;
    }
  }
  return null;
}

/**
 * A read-only connection. SQLite reads a WAL database only if it can open the `-shm` index, which it cannot
 * create in a folder it may not write; then the studio reads an in-memory copy of the file instead, marked as a
 * rollback-journal database (header bytes 18-19) because an in-memory database has no WAL. The file is never
 * written either way.
 */
export function openProjectDbReadOnly(file: string): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch {
    try {
      const image = fs.readFileSync(file);
      if (image.length > 19) image.fill(1, 18, 20);
      db = new Database(image, { readonly: true });
    } catch (error) {
      throw new StudioError(`Cannot read the project database ${file}: ${messageOf(error)}`, { cause: error });
    }
  }
  try {
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_SCHEMA_VERSION) throw newerSchema(file, version);
    if (version < LATEST_SCHEMA_VERSION) {
      throw new StudioError(
        `${file} has schema ${version} and needs upgrading to ${LATEST_SCHEMA_VERSION}, which needs write access: make its folder and file writable and open the project once.`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw unreadable(file, error);
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) throw newerSchema(file, current);
  const apply = db.transaction(() => {
    for (let version = current; version < LATEST_SCHEMA_VERSION; version++) {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  apply();
}

function newerSchema(file: string, version: number): StudioError {
  return new StudioError(
    `${file} was written by a newer Affect Studio (schema ${version}; this version knows up to ${LATEST_SCHEMA_VERSION}). Update the studio to open it.`,
  );
}

function unreadable(file: string, error: unknown): StudioError {
  if (error instanceof StudioError) return error;
  return new StudioError(`${file} is not a readable Affect Studio project database: ${messageOf(error)}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
