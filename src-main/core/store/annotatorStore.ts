/**
 * The `annotators` table, the project's labelling view (who labels, blind or not) kept in `project_meta`, and
 * annotators' layers read and written whole (through labelStore.ts, which owns the labels).
 * Synchronous functions for workflows in the process that owns the file; `sqliteAnnotatorStore` is the same
 * behind the asynchronous AnnotatorStore seam the application layer uses (projectStores.ts).
 */
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { shownText } from '../shownText';
import { appendLabels, currentLabels, deleteLabel, type CurrentLabel } from './labelStore';
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

/** Longest annotator name; the API's schema allows the same. */
export const MAX_ANNOTATOR_NAME = 100;

/**
 * A name as the studio keeps it: trimmed, not blank, one line of printable text. A blank name would be a layer
 * no one can pick, and a name is shown in lists and messages, where a line break or control character would lie.
 */
export function annotatorName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new StudioError(`An annotator needs a name; ${shownText(name)} is blank.`);
  if (/[\p{Cc}\u2028\u2029]/u.test(trimmed)) throw new StudioError(`The annotator name ${shownText(name)} holds a line break or control character.`);
  if (trimmed.length > MAX_ANNOTATOR_NAME) throw new StudioError(`The annotator name ${shownText(name)} is longer than ${MAX_ANNOTATOR_NAME} characters.`);
  return trimmed;
}

/** The annotator of that name (see `annotatorName`), created on first use (names are unique within a project). */
export function ensureAnnotator(db: Db, rawName: string, kind: AnnotatorKind): Annotator {
  const name = annotatorName(rawName);
  db.prepare('INSERT INTO annotators (name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(
    name,
    kind,
    new Date().toISOString(),
  );
  return db.prepare('SELECT id, name, kind FROM annotators WHERE name = ?').get(name) as Annotator;
}

/** Renames an annotator; the use case (core/app/annotators.ts) checks the name is free first. */
export function renameAnnotator(db: Db, id: AnnotatorId, rawName: string): Annotator {
  db.prepare('UPDATE annotators SET name = ? WHERE id = ?').run(annotatorName(rawName), id);
  return getAnnotator(db, id) as Annotator;
}

/** The annotator of that id, or undefined. */
export function getAnnotator(db: Db, id: AnnotatorId): Annotator | undefined {
  return db.prepare('SELECT id, name, kind FROM annotators WHERE id = ?').get(id) as Annotator | undefined;
}

/** Who is labelling, and whether they work blind (see core/annotation/annotatorView.ts for what blind means). */
export interface AnnotatorView {
  activeAnnotatorId: AnnotatorId | null;
  blind: boolean;
}

// Kept in project_meta, so the setting needed no schema change.
const ACTIVE_KEY = 'active_annotator_id';
const BLIND_KEY = 'blind';

export function getAnnotatorView(db: Db): AnnotatorView {
  const rows = db.prepare('SELECT key, value FROM project_meta WHERE key IN (?, ?)').all(ACTIVE_KEY, BLIND_KEY) as { key: string; value: string }[];
  const meta = new Map(rows.map((row) => [row.key, row.value]));
  const active = meta.get(ACTIVE_KEY);
  return { activeAnnotatorId: active ? (Number(active) as AnnotatorId) : null, blind: meta.get(BLIND_KEY) === '1' };
}

/** Stores the view as given; the use case (core/app/labels.ts) checks it first. */
export function saveAnnotatorView(db: Db, view: AnnotatorView): AnnotatorView {
  const upsert = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    if (view.activeAnnotatorId === null) db.prepare('DELETE FROM project_meta WHERE key = ?').run(ACTIVE_KEY);
    else upsert.run(ACTIVE_KEY, String(view.activeAnnotatorId));
    upsert.run(BLIND_KEY, view.blind ? '1' : '0');
  })();
  return getAnnotatorView(db);
}

/** A value of a layer written as a whole (a fused gold standard): the store adds who and how. */
export interface LayerValue {
  videoId: VideoId;
  personId: PersonId;
  frameIndex: number;
  valence: number;
  arousal: number;
}

/**
 * Makes `values` the layer of the imported annotator `name` (created on first use) on these videos, in one
 * transaction: its frames there that `values` no longer cover get a delete row, as any edit would (labels are
 * append-only).
 */
export function replaceImportedLayer(db: Db, name: string, videoIds: readonly VideoId[], values: readonly LayerValue[]): Annotator {
  return db.transaction(() => {
    const annotator = ensureAnnotator(db, name, 'import');
    const origin = 'import';
    const kept = new Set(values.map((value) => `${value.videoId}/${value.personId}/${value.frameIndex}`));
    for (const videoId of videoIds) {
      for (const old of currentLabels(db, videoId, { annotatorId: annotator.id })) {
        if (!kept.has(`${videoId}/${old.personId}/${old.frameIndex}`)) {
          deleteLabel(db, { videoId, personId: old.personId, frameIndex: old.frameIndex, annotatorId: annotator.id, origin });
        }
      }
    }
    appendLabels(db, values.map((value) => ({ ...value, annotatorId: annotator.id, origin })));
    return annotator;
  })();
}

export interface AnnotatorStore {
  list(): Promise<Annotator[]>;
  get(id: AnnotatorId): Promise<Annotator | undefined>;
  /** Creates the annotator on first use; names are unique within a project. */
  ensure(name: string, kind: AnnotatorKind): Promise<Annotator>;
  rename(id: AnnotatorId, name: string): Promise<Annotator>;
  view(): Promise<AnnotatorView>;
  /** Saves the view in one transaction, and returns it as saved. */
  setView(view: AnnotatorView): Promise<AnnotatorView>;
  /** Every annotator's current labels on a video, of every person. */
  layers(videoId: VideoId): Promise<CurrentLabel[]>;
  replaceImportedLayer(name: string, videoIds: readonly VideoId[], values: readonly LayerValue[]): Promise<Annotator>;
}

export function sqliteAnnotatorStore(db: Db): AnnotatorStore {
  return {
    list: async () => listAnnotators(db),
    get: async (id) => getAnnotator(db, id),
    ensure: async (name, kind) => ensureAnnotator(db, name, kind),
    rename: async (id, name) => renameAnnotator(db, id, name),
    view: async () => getAnnotatorView(db),
    setView: async (view) => saveAnnotatorView(db, view),
    layers: async (videoId) => currentLabels(db, videoId),
    replaceImportedLayer: async (name, videoIds, values) => replaceImportedLayer(db, name, videoIds, values),
  };
}
