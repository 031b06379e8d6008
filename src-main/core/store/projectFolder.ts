/**
 * A project is a folder holding one SQLite database plus caches (docs/DESIGN.md §6). This module creates and opens
 * such folders; it refuses anything that would mix a project into a folder of unrelated files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { resolveUserPath } from '../paths/userPath';
import { salvageAdvice } from './projectAccess';
import { openProjectDb, type Db } from './projectDb';

export const PROJECT_DB_FILE = 'project.sqlite';

export interface ProjectInfo {
  path: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
}

export function isProjectFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, PROJECT_DB_FILE));
}

export function createProject(dirInput: string, name?: string): ProjectInfo {
  const dir = resolveUserPath(dirInput);
  const existed = fs.existsSync(dir);
  if (existed) {
    if (!fs.statSync(dir).isDirectory()) throw new StudioError(`${dir} is a file, not a folder.`);
    if (isProjectFolder(dir)) throw new StudioError(`${dir} is already a project: open it instead.`);
    if (fs.readdirSync(dir).length > 0) {
      throw new StudioError(`${dir} is not empty. Choose a new or empty folder for the project.`);
    }
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StudioError(`Cannot create the folder ${dir}: ${(error as Error).message}`, { cause: error });
  }

  let db: Db | undefined;
  try {
    db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: true });
    const meta = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?)');
    const createdAt = new Date().toISOString();
    db.transaction(() => {
      meta.run('name', name?.trim() || path.basename(dir));
      meta.run('created_at', createdAt);
    })();
    return readInfo(db, dir);
  } catch (error) {
    db?.close();
    db = undefined;
    // Leave nothing half-made behind: the folder was empty (or absent) before we started.
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) fs.rmSync(path.join(dir, entry), { force: true });
    if (!existed) fs.rmSync(dir, { recursive: true, force: true });
    if (error instanceof StudioError) throw error;
    throw new StudioError(`Cannot create the project in ${dir}: ${(error as Error).message}`, { cause: error });
  } finally {
    db?.close();
  }
}

export function openProject(dirInput: string): ProjectInfo {
  const { info, db } = openProjectFolder(dirInput);
  db.close();
  return info;
}

/** The project's info and its open database, for a session that keeps the connection. */
export function openProjectFolder(dirInput: string): { info: ProjectInfo; db: Db } {
  const dir = resolveUserPath(dirInput);
  if (!fs.existsSync(dir)) throw new StudioError(`${dir} does not exist.`);
  if (!isProjectFolder(dir)) {
    throw new StudioError(`${dir} is not an Affect Studio project (it has no ${PROJECT_DB_FILE}).`);
  }
  const db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false });
  try {
    return { info: readInfo(db, dir), db };
  } catch (error) {
    db.close();
    throw new StudioError(`The project database in ${dir} is damaged where the project's name is kept: ${salvageAdvice(dir)}.`, { cause: error });
  }
}

/** The name the project was created with, or null in a database that has none (salvaged, very old). */
export function storedProjectName(db: Db): string | null {
  return (db.prepare(`SELECT value FROM project_meta WHERE key = 'name'`).get() as { value: string } | undefined)?.value ?? null;
}

function readInfo(db: Db, dir: string): ProjectInfo {
  const rows = db.prepare('SELECT key, value FROM project_meta').all() as { key: string; value: string }[];
  const meta = new Map(rows.map((row) => [row.key, row.value]));
  return {
    path: dir,
    name: meta.get('name') ?? path.basename(dir),
    createdAt: meta.get('created_at') ?? '',
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
  };
}
