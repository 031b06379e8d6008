import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { createProject, openProject, PROJECT_DB_FILE } from './projectFolder';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-project-'));

describe('project folders', () => {
  it('creates a folder with a WAL SQLite database at the latest schema and reopens it', () => {
    const dir = path.join(tempDir(), 'nested', 'study');
    const created = createProject(dir, '  Infant study  ');
    expect(created).toMatchObject({ path: dir, name: 'Infant study', schemaVersion: LATEST_SCHEMA_VERSION });

    const db = new Database(path.join(dir, PROJECT_DB_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();

    expect(openProject(dir)).toEqual(created);
  });

  it('names the project after its folder when no name is given', () => {
    const dir = path.join(tempDir(), 'wave-2');
    expect(createProject(dir).name).toBe('wave-2');
  });

  it('refuses a folder that already holds other files and leaves them untouched', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    expect(() => createProject(dir)).toThrow(/not empty/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses to create a project over an existing one', () => {
    const dir = path.join(tempDir(), 'p');
    createProject(dir, 'first');
    expect(() => createProject(dir, 'second')).toThrow(/already a project/);
    expect(openProject(dir).name).toBe('first');
  });

  it('refuses a relative path, a file and a missing folder with messages that name them', () => {
    expect(() => createProject('relative/dir')).toThrow(/"relative\/dir" is not an absolute path/);
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    expect(() => createProject(file)).toThrow(/is a file/);
    expect(() => openProject('/no/such/project')).toThrow('/no/such/project does not exist');
  });

  it('refuses a folder without a project database', () => {
    expect(() => openProject(tempDir())).toThrow(/is not an Affect Studio project/);
  });

  it('reports a corrupt database clearly and does not modify it', () => {
    const dir = tempDir();
    const file = path.join(dir, PROJECT_DB_FILE);
    const garbage = Buffer.from('this is not sqlite '.repeat(300));
    fs.writeFileSync(file, garbage);
    expect(() => openProject(dir)).toThrow(StudioError);
    expect(() => openProject(dir)).toThrow(/not a readable Affect Studio project database/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a project written by a newer studio instead of downgrading it', () => {
    const dir = path.join(tempDir(), 'future');
    createProject(dir);
    const db = new Database(path.join(dir, PROJECT_DB_FILE));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openProject(dir)).toThrow(/newer Affect Studio/);
  });
});
