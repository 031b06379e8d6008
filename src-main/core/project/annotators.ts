import type { AnnotatorId } from '../ids';
import type { Db } from './projectDb';

export type AnnotatorKind = 'human' | 'import';

export interface Annotator {
  id: AnnotatorId;
  name: string;
  kind: AnnotatorKind;
}

export function listAnnotators(db: Db): Annotator[] {
  return db.prepare('SELECT id, name, kind FROM annotators ORDER BY id').all() as Annotator[];
}

/** The annotator of that name, created on first use (names are unique within a project). */
export function ensureAnnotator(db: Db, name: string, kind: AnnotatorKind): Annotator {
  db.prepare('INSERT INTO annotators (name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(
    name,
    kind,
    new Date().toISOString(),
  );
  return db.prepare('SELECT id, name, kind FROM annotators WHERE name = ?').get(name) as Annotator;
}
