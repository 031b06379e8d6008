/**
 * The `persons` table (migration 6): the people of a video, numbered 1, 2, ... within it, each with a name and
 * whether it is being coded. Analysis links face tracks into persons and writes their rows here, together with
 * the faces' persons and the end of the analysis (analysisStore, owner of faces), so SQL on persons lives only in
 * this file; the user renames, merges, splits and chooses them here. A merge or split changes who a face and a
 * label belong to, so it moves faces (analysisStore), labels (labelStore, append-only: a set for the new owner and
 * a delete for the old) and drops the model runs of both persons (predictionStore: they were predicted from other
 * faces), all in one transaction.
 *
 * A person is listed once it has a row or a face: analysis may write faces of a person before (or without) its
 * row, and every video has at least person 1 (a video not analysed yet is listed with it). Such a person gets a
 * row, named "Person N", the first time it is named or chosen; labels need none.
 */
import { StudioError } from '../errors';
import type { PersonId, VideoId } from '../ids';
import {
  finishAnalysis,
  framesVisibleByPerson,
  linkFacesToPersons,
  listPersonFaceBoxes,
  reassignFaces,
  selectedFaceFrames,
  type FaceSelection,
} from './analysisStore';
import { labelClashes, moveLabels } from './labelStore';
import { dropPersonRuns } from './predictionStore';
import type { Db } from './projectDb';
import type { Box } from '../vision/faceRoi';

export const FIRST_PERSON = 1 as PersonId;

export interface Person {
  personId: PersonId;
  name: string;
  /** Whether the person is being labelled (the persons a lab codes, not every passer-by). */
  coded: boolean;
  /** Frames on which the person's face was found. */
  framesVisible: number;
}

export function defaultPersonName(personId: PersonId): string {
  return `Person ${personId}`;
}

/** A persons row: what analysis writes, and what a re-analysis keeps. */
export interface PersonRow {
  personId: PersonId;
  name: string;
  coded: boolean;
}

/** The video's persons rows by number (a person seen but never named or chosen has none). */
function personRows(db: Db, videoId: VideoId): PersonRow[] {
  const rows = db
    .prepare('SELECT person_id AS personId, name, coded FROM persons WHERE video_id = ? ORDER BY person_id')
    .all(videoId) as { personId: PersonId; name: string; coded: number }[];
  return rows.map((row) => ({ personId: row.personId, name: row.name, coded: row.coded === 1 }));
}

/** The video's persons by number: those with a row or a face, and person 1 in any case. */
export function listPersons(db: Db, videoId: VideoId): Person[] {
  const visible = framesVisibleByPerson(db, videoId);
  const byId = new Map(personRows(db, videoId).map((row) => [row.personId, row]));
  const ids = [...new Set([...byId.keys(), ...visible.keys()])].sort((a, b) => a - b);
  if (ids.length === 0) ids.push(FIRST_PERSON);
  return ids.map((personId) => ({ personId, name: defaultPersonName(personId), coded: true, ...byId.get(personId), framesVisible: visible.get(personId) ?? 0 }));
}

/** Gives a listed person a row if it has none, before it is named or chosen. */
function ensurePersonRow(db: Db, videoId: VideoId, personId: PersonId): void {
  db.prepare('INSERT INTO persons (video_id, person_id, name, coded) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING').run(videoId, personId, defaultPersonName(personId));
}

function personOf(db: Db, videoId: VideoId, personId: PersonId): Person {
  const persons = listPersons(db, videoId);
  const person = persons.find((p) => p.personId === personId);
  if (!person) throw new StudioError(`Video ${videoId} has no person ${personId}; its persons are ${describePersons(persons)}.`);
  return person;
}

/** "1 (mother), 2 (child)": how a message names a video's persons. */
export function describePersons(persons: readonly Pick<Person, 'personId' | 'name'>[]): string {
  return persons.map((p) => `${p.personId} (${p.name})`).join(', ');
}

export function renamePerson(db: Db, videoId: VideoId, personId: PersonId, name: string): Person {
  return db.transaction(() => {
    personOf(db, videoId, personId);
    ensurePersonRow(db, videoId, personId);
    db.prepare('UPDATE persons SET name = ? WHERE video_id = ? AND person_id = ?').run(name, videoId, personId);
    return personOf(db, videoId, personId);
  })();
}

export function setPersonCoded(db: Db, videoId: VideoId, personId: PersonId, coded: boolean): Person {
  return db.transaction(() => {
    personOf(db, videoId, personId);
    ensurePersonRow(db, videoId, personId);
    db.prepare('UPDATE persons SET coded = ? WHERE video_id = ? AND person_id = ?').run(coded ? 1 : 0, videoId, personId);
    return personOf(db, videoId, personId);
  })();
}

export interface PersonChange {
  /** The persons of the video after the change. */
  persons: Person[];
  /** Labels that changed owner (each a set for the new owner and a delete for the old). */
  labelsMoved: number;
  facesMoved: number;
}

/**
 * Person `from` becomes part of `into`: its faces and labels are `into`'s, and it is gone. Where both have a label
 * by the same annotator on a frame, nothing changes and the message names those frames: which value is right is
 * the annotator's call (delete one of them, then merge), never the studio's.
 */
export function mergePersons(db: Db, videoId: VideoId, into: PersonId, from: PersonId): PersonChange {
  return db.transaction(() => {
    if (into === from) throw new StudioError(`Person ${into} cannot be merged into itself; name two different persons.`);
    const target = personOf(db, videoId, into);
    const source = personOf(db, videoId, from);
    const clashes = labelClashes(db, videoId, from, into, null);
    if (clashes.length > 0) {
      throw new StudioError(
        `${source.name} and ${target.name} both have labels by the same annotator on frame${clashes.length > 1 ? 's' : ''} ${frameList(clashes)}; ` +
          `delete one of each pair, then merge again. Nothing was changed.`,
      );
    }
    ensurePersonRow(db, videoId, into);
    const facesMoved = reassignFaces(db, videoId, from, into);
    const labelsMoved = moveLabels(db, videoId, from, into, null);
    dropPersonRuns(db, videoId, from);
    dropPersonRuns(db, videoId, into);
    db.prepare('DELETE FROM persons WHERE video_id = ? AND person_id = ?').run(videoId, from);
    return { persons: listPersons(db, videoId), labelsMoved, facesMoved };
  })();
}

/**
 * Part of a person becomes a new person (the next free number): their faces from a frame on, with every label
 * from there (seen or not), or the faces of one track, with the labels on the frames where that track was the
 * person's only face (where the person keeps another face, the label stays: it cannot say whom it was about).
 */
export function splitPerson(db: Db, videoId: VideoId, personId: PersonId, selection: FaceSelection): PersonChange & { newPersonId: PersonId } {
  return db.transaction(() => {
    const person = personOf(db, videoId, personId);
    const frames = selectedFaceFrames(db, videoId, personId, selection);
    if (frames.length === 0) {
      throw new StudioError(
        'fromFrame' in selection
          ? `${person.name} has no face from frame ${selection.fromFrame} on; split at a frame where they are seen.`
          : `${person.name} has no face in track ${selection.trackId}; name a track of theirs (affect-studio faces lists them).`,
      );
    }
    const persons = listPersons(db, videoId);
    const newPersonId = (Math.max(...persons.map((p) => p.personId)) + 1) as PersonId;
    ensurePersonRow(db, videoId, personId);
    ensurePersonRow(db, videoId, newPersonId);
    const facesMoved = reassignFaces(db, videoId, personId, newPersonId, selection);
    const kept = new Set(selectedFaceFrames(db, videoId, personId, { fromFrame: 0 }));
    const labelFrames = 'fromFrame' in selection ? { fromFrame: selection.fromFrame } : { frames: frames.filter((frame) => !kept.has(frame)) };
    const labelsMoved = moveLabels(db, videoId, personId, newPersonId, labelFrames);
    dropPersonRuns(db, videoId, personId);
    return { persons: listPersons(db, videoId), labelsMoved, facesMoved, newPersonId };
  })();
}

/**
 * The linking's result: each track's faces go to its person (null: not linked), and the video's persons rows are
 * replaced by `persons`. One transaction with finishing the analysis, so a crash leaves the analysis unfinished and
 * the resumed job links again.
 */
export function writeLinkedPersons(db: Db, videoId: VideoId, trackPersons: ReadonlyMap<number, PersonId | null>, persons: readonly PersonRow[]): void {
  db.transaction(() => {
    linkFacesToPersons(db, videoId, trackPersons);
    db.prepare('DELETE FROM persons WHERE video_id = ?').run(videoId);
    const insert = db.prepare('INSERT INTO persons (video_id, person_id, name, coded) VALUES (?, ?, ?, ?)');
    for (const p of persons) insert.run(videoId, p.personId, p.name, p.coded ? 1 : 0);
    finishAnalysis(db, videoId);
  })();
}

/** A person from before a re-analysis: its row, and its boxes at its labelled frames (else at a few frames it was seen). */
export interface PreviousPerson extends PersonRow {
  labelled: boolean;
  /** The frames its labels are on (empty when it has none). */
  labelledFrames: number[];
  anchors: { frameIndex: number; box: Box }[];
}

/** Frames sampled from a person without labels, to recognise it (and keep its name) after a re-analysis. */
const UNLABELLED_ANCHORS = 30;

/**
 * What a re-analysis must keep of a video's persons, read before its faces are deleted. `labelledFrames` (from
 * labelStore) also names persons that have labels but no persons row.
 */
export function previousPersonsOf(db: Db, videoId: VideoId, labelledFrames: ReadonlyMap<PersonId, number[]>): PreviousPerson[] {
  const persons = personRows(db, videoId);
  for (const personId of labelledFrames.keys()) {
    if (!persons.some((p) => p.personId === personId)) persons.push({ personId, name: defaultPersonName(personId), coded: true });
  }
  return persons.map((p) => {
    const labelled = labelledFrames.get(p.personId) ?? [];
    const seen = listPersonFaceBoxes(db, videoId, p.personId);
    const wanted = new Set(labelled);
    const anchors =
      labelled.length > 0
        ? seen.filter((a) => wanted.delete(a.frameIndex))
        : seen.filter((_, i) => i % Math.max(1, Math.ceil(seen.length / UNLABELLED_ANCHORS)) === 0);
    return { ...p, labelled: labelled.length > 0, labelledFrames: labelled, anchors };
  });
}

/** At most ten frame numbers, then how many more. */
function frameList(frames: readonly number[]): string {
  const shown = frames.slice(0, 10).join(', ');
  return frames.length > 10 ? `${shown} and ${frames.length - 10} more` : shown;
}

/** The asynchronous seam the application layer uses (projectStores.ts); each method one transaction. */
export interface PersonStore {
  list(videoId: VideoId): Promise<Person[]>;
  rename(videoId: VideoId, personId: PersonId, name: string): Promise<Person>;
  setCoded(videoId: VideoId, personId: PersonId, coded: boolean): Promise<Person>;
  merge(videoId: VideoId, into: PersonId, from: PersonId): Promise<PersonChange>;
  split(videoId: VideoId, personId: PersonId, selection: FaceSelection): Promise<PersonChange & { newPersonId: PersonId }>;
}

export function sqlitePersonStore(db: Db): PersonStore {
  return {
    list: async (videoId) => listPersons(db, videoId),
    rename: async (videoId, personId, name) => renamePerson(db, videoId, personId, name),
    setCoded: async (videoId, personId, coded) => setPersonCoded(db, videoId, personId, coded),
    merge: async (videoId, into, from) => mergePersons(db, videoId, into, from),
    split: async (videoId, personId, selection) => splitPerson(db, videoId, personId, selection),
  };
}
