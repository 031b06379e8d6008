import Database from 'better-sqlite3';
import { StudioError } from '../errors';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';

export type Db = Database.Database;

/**
 * Opens a project database with the settings every connection must have: WAL (a crash never loses a
 * committed row and readers don't block the writer), foreign keys enforced, and a busy timeout so a second
 * process (the CLI while the studio is open) waits instead of failing.
 */
export function openProjectDb(file: string, options: { create: boolean }): Db {
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
    if (error instanceof StudioError) throw error;
    throw new StudioError(`${file} is not a readable Affect Studio project database: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StudioError(
      `${file} was written by a newer Affect Studio (schema ${current}; this version knows up to ${LATEST_SCHEMA_VERSION}). Update the studio to open it.`,
    );
  }
  const apply = db.transaction(() => {
    for (let version = current; version < LATEST_SCHEMA_VERSION; version++) {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  apply();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
