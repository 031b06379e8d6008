/**
 * The face analysis in the project database: one `faces` row per face per frame (box and landmarks in video
 * pixels, its track, its person once tracks are linked, whether it is turned away, and on a few frames per track
 * its identity descriptor), its embedding in `embeddings` (with the encoder's own valence and arousal, when it has
 * them), its expression logits in `face_expressions` (none for a face turned away), its facial actions in
 * `face_actions` (descriptor version 2 on), and per video in `face_analyses` how far the analysis got (with the encoder it used, registered by modelStore.ts, and the
 * descriptor contract it was made under). Frames inside the analysed range without a faces row have no face; they are never
 * filled in. Readers take the person whose faces they read. `sqliteAnalysisStore` is the asynchronous
 * AnalysisStore seam the application layer reads it through (projectStores.ts).
 */
import type { PersonId, VideoId } from '../ids';
import type { Db } from './projectDb';
import type { Box } from '../vision/faceRoi';
import { normalisedGeometry } from '../vision/landmarkGeometry';
import type { AnalysedChunk } from '../analysis/analysisProtocol';
import type { FaceAffect } from '../vision/facePipeline';
import type { ModelId } from './modelStore';
import type { PreviousPerson } from './personStore';

export interface AnalysisRecord {
  videoId: VideoId;
  encoderId: ModelId;
  encoderName: string;
  encoderVersion: string;
  /** The descriptor contract the analysis was made under (migration 8): 1 before facial actions. */
  descriptorVersion: number;
  provider: string;
  settings: unknown;
  framesDone: number;
  frameCount: number;
  detectorRuns: number;
  /** Frames with at least one face. */
  facesFound: number;
  startedAt: string;
  finishedAt: string | null;
}

export function getAnalysis(db: Db, videoId: VideoId): AnalysisRecord | undefined {
  const row = db
    .prepare(
      `SELECT a.video_id AS videoId, a.encoder_id AS encoderId, m.name AS encoderName, m.version AS encoderVersion,
              a.descriptor_version AS descriptorVersion, a.provider, a.settings, a.frames_done AS framesDone, a.frame_count AS frameCount,
              a.detector_runs AS detectorRuns, a.started_at AS startedAt, a.finished_at AS finishedAt,
              (SELECT count(DISTINCT f.frame_index) FROM faces f WHERE f.video_id = a.video_id) AS facesFound
       FROM face_analyses a JOIN models m ON m.id = a.encoder_id WHERE a.video_id = ?`,
    )
    .get(videoId) as (Omit<AnalysisRecord, 'settings'> & { settings: string }) | undefined;
  return row && { ...row, settings: JSON.parse(row.settings) as unknown };
}

/**
 * A fresh analysis: whatever an earlier one stored for the video goes (faces cascade to their vectors), except
 * `previousPersons`, what the end of the analysis needs to give the persons found their old ids back.
 */
export function startAnalysis(
  db: Db,
  videoId: VideoId,
  run: { encoderId: ModelId; descriptorVersion: number; provider: string; settings: unknown; frameCount: number; previousPersons: PreviousPerson[] },
): void {
  db.transaction(() => {
    db.prepare('DELETE FROM faces WHERE video_id = ?').run(videoId);
    db.prepare(
      `INSERT OR REPLACE INTO face_analyses (video_id, encoder_id, descriptor_version, provider, settings, frames_done, frame_count, detector_runs, started_at, previous_persons)
       VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?, ?)`,
    ).run(videoId, run.encoderId, run.descriptorVersion, run.provider, JSON.stringify(run.settings), run.frameCount, new Date().toISOString(), JSON.stringify(run.previousPersons));
  })();
}

/** Before resuming at `nextFrame`: nothing at or after it may survive (chunks are atomic, this is a safeguard). */
export function rewindAnalysis(db: Db, videoId: VideoId, nextFrame: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM faces WHERE video_id = ? AND frame_index >= ?').run(videoId, nextFrame);
    db.prepare('UPDATE face_analyses SET frames_done = ?, finished_at = NULL WHERE video_id = ?').run(nextFrame, videoId);
  })();
}

const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/**
 * One chunk of frames; the caller wraps it in the transaction that also commits the job's checkpoint. Faces are
 * written with no person: tracks are linked into persons when the whole video is analysed.
 */
export function writeAnalysedChunk(db: Db, videoId: VideoId, encoderId: ModelId, chunk: AnalysedChunk): void {
  const insertFace = db.prepare(
    `INSERT INTO faces (video_id, frame_index, track_id, box_x, box_y, box_w, box_h, score, landmarks, turned_away, identity)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEmbedding = db.prepare('INSERT INTO embeddings (face_id, model_id, dim, vector, valence, arousal) VALUES (?, ?, ?, ?, ?, ?)');
  const insertLogits = db.prepare('INSERT INTO face_expressions (face_id, model_id, dim, logits) VALUES (?, ?, ?, ?)');
  const insertActions = db.prepare('INSERT INTO face_actions (face_id, scores, embedding) VALUES (?, ?, ?)');
  let detectorRuns = 0;
  for (const frame of chunk.frames) {
    if (frame.detectorRan) detectorRuns++;
    for (const face of frame.faces) {
      const { x, y, w, h } = face.box;
      const faceId = insertFace.run(
        videoId, frame.frameIndex, face.trackId, x, y, w, h, face.score, blob(face.landmarks), face.turnedAway ? 1 : 0, face.identity ? blob(face.identity) : null,
      ).lastInsertRowid;
      if (face.embedding) insertEmbedding.run(faceId, encoderId, face.embedding.length, blob(face.embedding), face.affect?.valence ?? null, face.affect?.arousal ?? null);
      if (face.expressionLogits) insertLogits.run(faceId, encoderId, face.expressionLogits.length, blob(face.expressionLogits));
      if (face.actions) insertActions.run(faceId, blob(face.actions.scores), blob(face.actions.embedding));
    }
  }
  db.prepare('UPDATE face_analyses SET frames_done = ?, detector_runs = detector_runs + ? WHERE video_id = ?').run(chunk.nextFrame, detectorRuns, videoId);
}

/** Each analysed video's descriptor version (its analysis may be under way), by video id. */
export function listDescriptorVersions(db: Db): { videoId: VideoId; descriptorVersion: number }[] {
  return db.prepare('SELECT video_id AS videoId, descriptor_version AS descriptorVersion FROM face_analyses ORDER BY video_id').all() as { videoId: VideoId; descriptorVersion: number }[];
}

/** The caller holds the transaction that links the persons: an analysis is finished only once they are written. */
export function finishAnalysis(db: Db, videoId: VideoId): void {
  db.prepare('UPDATE face_analyses SET finished_at = ? WHERE video_id = ?').run(new Date().toISOString(), videoId);
}

/** A face of a track on one frame, as linking reads it. */
export interface TrackSighting {
  frameIndex: number;
  trackId: number;
  box: Box;
  turnedAway: boolean;
  identity: Float32Array | null;
}

/** Every face of a video's analysis, by frame then track. */
export function listTrackSightings(db: Db, videoId: VideoId): TrackSighting[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, track_id AS trackId, box_x AS x, box_y AS y, box_w AS w, box_h AS h, turned_away AS turnedAway, identity
       FROM faces WHERE video_id = ? AND track_id IS NOT NULL ORDER BY frame_index, track_id`,
    )
    .all(videoId) as { frameIndex: number; trackId: number; x: number; y: number; w: number; h: number; turnedAway: number; identity: Buffer | null }[];
  return rows.map((r) => ({
    frameIndex: r.frameIndex,
    trackId: r.trackId,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
    turnedAway: r.turnedAway === 1,
    identity: r.identity ? floats(r.identity) : null,
  }));
}

/**
 * Each linked track's faces go to its person (null: not linked, its faces are no one's). The caller holds the
 * transaction that also writes the persons rows and finishes the analysis (personStore.writeLinkedPersons).
 */
export function linkFacesToPersons(db: Db, videoId: VideoId, trackPersons: ReadonlyMap<number, PersonId | null>): void {
  db.prepare('UPDATE faces SET person_id = NULL WHERE video_id = ?').run(videoId);
  const setPerson = db.prepare('UPDATE faces SET person_id = ? WHERE video_id = ? AND track_id = ?');
  for (const [trackId, personId] of trackPersons) if (personId !== null) setPerson.run(personId, videoId, trackId);
}

/** Every face box of a person, by frame then track: where a re-analysis looks for them again. */
export function listPersonFaceBoxes(db: Db, videoId: VideoId, personId: PersonId): { frameIndex: number; box: Box }[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, box_x AS x, box_y AS y, box_w AS w, box_h AS h
       FROM faces WHERE video_id = ? AND person_id = ? ORDER BY frame_index, track_id`,
    )
    .all(videoId, personId) as ({ frameIndex: number } & Box)[];
  return rows.map((r) => ({ frameIndex: r.frameIndex, box: { x: r.x, y: r.y, w: r.w, h: r.h } }));
}

/** What startAnalysis saved for the end of a re-analysis (empty for a first analysis, or one from before migration 7). */
export function savedPreviousPersons(db: Db, videoId: VideoId): PreviousPerson[] {
  const row = db.prepare('SELECT previous_persons AS json FROM face_analyses WHERE video_id = ?').get(videoId) as { json: string | null } | undefined;
  return row?.json ? (JSON.parse(row.json) as PreviousPerson[]) : [];
}

export interface FaceFrame {
  frameIndex: number;
  face: boolean;
  box: Box | null;
  score: number | null;
  track: number | null;
}

/** Every analysed frame, with or without the person's face. Frames not analysed yet are not listed. */
export function listFaceFrames(db: Db, videoId: VideoId, personId: PersonId): FaceFrame[] {
  const analysis = db.prepare('SELECT frames_done AS framesDone FROM face_analyses WHERE video_id = ?').get(videoId) as { framesDone: number } | undefined;
  if (!analysis) return [];
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, track_id AS track, box_x AS x, box_y AS y, box_w AS w, box_h AS h, score
       FROM faces WHERE video_id = ? AND person_id = ? AND frame_index < ? ORDER BY frame_index`,
    )
    .all(videoId, personId, analysis.framesDone) as { frameIndex: number; track: number | null; x: number; y: number; w: number; h: number; score: number }[];
  const byFrame = new Map(rows.map((r) => [r.frameIndex, r]));
  return Array.from({ length: analysis.framesDone }, (_, frameIndex) => {
    const r = byFrame.get(frameIndex);
    return r
      ? { frameIndex, face: true, box: { x: r.x, y: r.y, w: r.w, h: r.h }, score: r.score, track: r.track }
      : { frameIndex, face: false, box: null, score: null, track: null };
  });
}

/** A stored face row as exports crop it: box and landmarks (float32 pairs) in video pixels. */
export interface StoredFace {
  frameIndex: number;
  trackId: number | null;
  score: number;
  box: Box;
  landmarks: Buffer | null;
}

/** Every face of the person on the frames before `beforeFrame`, by frame, the best-scored first within a frame. */
export function listStoredFaces(db: Db, videoId: VideoId, personId: PersonId, beforeFrame: number): StoredFace[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, track_id AS trackId, score, box_x AS x, box_y AS y, box_w AS w, box_h AS h, landmarks
       FROM faces WHERE video_id = ? AND person_id = ? AND frame_index < ? ORDER BY frame_index, score DESC`,
    )
    .all(videoId, personId, beforeFrame) as (Omit<StoredFace, 'box'> & Box)[];
  return rows.map((r) => ({ frameIndex: r.frameIndex, trackId: r.trackId, score: r.score, box: { x: r.x, y: r.y, w: r.w, h: r.h }, landmarks: r.landmarks }));
}

/** The landmarks of the person's best-scored face on a frame, or undefined when none of theirs there has any. */
export function bestFaceLandmarks(db: Db, videoId: VideoId, personId: PersonId, frameIndex: number): Buffer | undefined {
  const row = db
    .prepare('SELECT landmarks FROM faces WHERE video_id = ? AND person_id = ? AND frame_index = ? AND landmarks IS NOT NULL ORDER BY score DESC LIMIT 1')
    .get(videoId, personId, frameIndex) as { landmarks: Buffer } | undefined;
  return row?.landmarks;
}

/**
 * The per-frame descriptor of docs/DESIGN.md §5 for every face of a person (facing the camera: a face turned away
 * has no embedding): embedding, expression logits, the encoder's own valence and arousal, landmark geometry.
 */
export interface FrameDescriptor {
  frameIndex: number;
  faceId: number;
  trackId: number | null;
  embedding: Float32Array;
  expressionLogits: Float32Array | null;
  /** On [-1, 1]; null for an encoder without valence/arousal outputs, and for analyses from before migration 10. */
  affect: FaceAffect | null;
  geometry: Float32Array;
}

/** The person's faces only (faces linked to nobody, e.g. turned away, are no one's); by frame, best-scored first. */
export function listFrameDescriptors(db: Db, videoId: VideoId, personId: PersonId, encoderId: ModelId): FrameDescriptor[] {
  const rows = db
    .prepare(
      `SELECT f.id AS faceId, f.frame_index AS frameIndex, f.track_id AS trackId, f.landmarks, e.vector, e.valence, e.arousal, x.logits
       FROM faces f JOIN embeddings e ON e.face_id = f.id AND e.model_id = @encoderId
       LEFT JOIN face_expressions x ON x.face_id = f.id AND x.model_id = @encoderId
       WHERE f.video_id = @videoId AND f.person_id = @personId AND f.turned_away = 0 ORDER BY f.frame_index, f.score DESC`,
    )
    .all({ videoId, personId, encoderId }) as {
    faceId: number;
    frameIndex: number;
    trackId: number | null;
    landmarks: Buffer;
    vector: Buffer;
    valence: number | null;
    arousal: number | null;
    logits: Buffer | null;
  }[];
  return rows.map((r) => ({
    frameIndex: r.frameIndex,
    faceId: r.faceId,
    trackId: r.trackId,
    embedding: floats(r.vector),
    expressionLogits: r.logits ? floats(r.logits) : null,
    affect: r.valence !== null && r.arousal !== null ? { valence: r.valence, arousal: r.arousal } : null,
    geometry: normalisedGeometry(floats(r.landmarks)),
  }));
}

/** A person's facial actions on one frame (its best-scored face facing the camera). */
export interface FrameActions {
  frameIndex: number;
  /** 52 scores on [0, 1], in the order of the blendshape model card's names (faceActions.ts). */
  scores: Float32Array;
  /** The blendshape model's 64-d expression embedding. */
  embedding: Float32Array;
}

/** One row per frame where the person has facial actions (none for an analysis of descriptor version 1). */
export function listFaceActions(db: Db, videoId: VideoId, personId: PersonId): FrameActions[] {
  const rows = db
    .prepare(
      `SELECT f.frame_index AS frameIndex, a.scores, a.embedding, f.score
       FROM faces f JOIN face_actions a ON a.face_id = f.id
       WHERE f.video_id = ? AND f.person_id = ? ORDER BY f.frame_index, f.score DESC`,
    )
    .all(videoId, personId) as { frameIndex: number; scores: Buffer; embedding: Buffer }[];
  const out: FrameActions[] = [];
  for (const r of rows) {
    if (out.length > 0 && (out[out.length - 1] as FrameActions).frameIndex === r.frameIndex) continue;
    out.push({ frameIndex: r.frameIndex, scores: floats(r.scores), embedding: floats(r.embedding) });
  }
  return out;
}

// The facial-action traces the project shows and exports (a project setting), kept in project_meta as a JSON
// array of trace ids, so the setting needed no schema change; absent until first chosen.
const TRACES_KEY = 'action_traces';

export function getTraceChoice(db: Db): string[] | null {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(TRACES_KEY) as { value: string } | undefined;
  if (!row) return null;
  const parsed = JSON.parse(row.value) as unknown;
  return Array.isArray(parsed) && parsed.every((id) => typeof id === 'string') ? parsed : null;
}

/** Stores the choice as given; the use case (core/app/actions.ts) checks the ids first. */
export function saveTraceChoice(db: Db, ids: readonly string[]): void {
  db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(TRACES_KEY, JSON.stringify(ids));
}

/** Frames on which each person of the video has a face. */
export function framesVisibleByPerson(db: Db, videoId: VideoId): Map<PersonId, number> {
  const rows = db
    .prepare('SELECT person_id AS personId, count(DISTINCT frame_index) AS frames FROM faces WHERE video_id = ? AND person_id IS NOT NULL GROUP BY person_id')
    .all(videoId) as { personId: PersonId; frames: number }[];
  return new Map(rows.map((row) => [row.personId, row.frames]));
}

/** The person whose face box on the frame holds the point (video pixels); the smallest box wins where boxes overlap. */
export function personAtPoint(db: Db, videoId: VideoId, frameIndex: number, x: number, y: number): PersonId | null {
  const row = db
    .prepare(
      `SELECT person_id AS personId FROM faces
       WHERE video_id = @videoId AND frame_index = @frameIndex AND person_id IS NOT NULL
         AND @x BETWEEN box_x AND box_x + box_w AND @y BETWEEN box_y AND box_y + box_h
       ORDER BY box_w * box_h LIMIT 1`,
    )
    .get({ videoId, frameIndex, x, y }) as { personId: PersonId } | undefined;
  return row?.personId ?? null;
}

/** A person's face box on a frame; a face turned away has no prediction there and is drawn greyed. */
export interface PersonBox {
  personId: PersonId;
  box: Box;
  turnedAway: boolean;
}

export interface FramePersonBoxes {
  frameIndex: number;
  boxes: PersonBox[];
}

/**
 * Each linked person's best-scored face box on every frame `from` (inclusive) to `to` (exclusive) that shows anyone,
 * in frame order: one query for a chunk of frames, as the viewer fetches them ahead.
 */
export function personBoxesBetween(db: Db, videoId: VideoId, from: number, to: number): FramePersonBoxes[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, person_id AS personId, box_x AS x, box_y AS y, box_w AS w, box_h AS h, turned_away AS turnedAway FROM faces
       WHERE video_id = ? AND frame_index >= ? AND frame_index < ? AND person_id IS NOT NULL ORDER BY frame_index, person_id, score DESC`,
    )
    .all(videoId, from, to) as ({ frameIndex: number; personId: PersonId; turnedAway: number } & Box)[];
  const frames: FramePersonBoxes[] = [];
  for (const r of rows) {
    let frame = frames.at(-1);
    if (frame?.frameIndex !== r.frameIndex) frames.push((frame = { frameIndex: r.frameIndex, boxes: [] }));
    // A person's best face on the frame: the rows come best first.
    if (frame.boxes.some((b) => b.personId === r.personId)) continue;
    frame.boxes.push({ personId: r.personId, box: { x: r.x, y: r.y, w: r.w, h: r.h }, turnedAway: r.turnedAway === 1 });
  }
  return frames;
}

/** Where each person is seen: runs of consecutive frames with their face, [first, last + 1). */
export function personVisibility(db: Db, videoId: VideoId): { personId: PersonId; segments: [number, number][] }[] {
  const rows = db
    .prepare('SELECT DISTINCT person_id AS personId, frame_index AS frameIndex FROM faces WHERE video_id = ? AND person_id IS NOT NULL ORDER BY person_id, frame_index')
    .all(videoId) as { personId: PersonId; frameIndex: number }[];
  const byPerson = new Map<PersonId, [number, number][]>();
  for (const { personId, frameIndex } of rows) {
    const segments = byPerson.get(personId) ?? [];
    const last = segments.at(-1);
    if (last && last[1] === frameIndex) last[1] = frameIndex + 1;
    else segments.push([frameIndex, frameIndex + 1]);
    byPerson.set(personId, segments);
  }
  return [...byPerson].map(([personId, segments]) => ({ personId, segments }));
}

/** Which of the person's faces move in a split: those from a frame on, or those of one track. */
export type FaceSelection = { fromFrame: number } | { trackId: number };

function selectionSql(selection: FaceSelection): { where: string; value: number } {
  return 'fromFrame' in selection ? { where: 'frame_index >= ?', value: selection.fromFrame } : { where: 'track_id = ?', value: selection.trackId };
}

/** The frames on which the selected faces of the person are, ascending. */
export function selectedFaceFrames(db: Db, videoId: VideoId, personId: PersonId, selection: FaceSelection): number[] {
  const { where, value } = selectionSql(selection);
  const rows = db
    .prepare(`SELECT DISTINCT frame_index AS frameIndex FROM faces WHERE video_id = ? AND person_id = ? AND ${where} ORDER BY frame_index`)
    .all(videoId, personId, value) as { frameIndex: number }[];
  return rows.map((row) => row.frameIndex);
}

/** Gives the selected faces of one person (all of them when no selection) to another; the caller holds the transaction. */
export function reassignFaces(db: Db, videoId: VideoId, from: PersonId, to: PersonId, selection: FaceSelection = { fromFrame: 0 }): number {
  const { where, value } = selectionSql(selection);
  return db.prepare(`UPDATE faces SET person_id = ? WHERE video_id = ? AND person_id = ? AND ${where}`).run(to, videoId, from, value).changes;
}

/** A project's face analysis as the application layer reaches it: each method one transaction. */
export interface AnalysisStore {
  get(videoId: VideoId): Promise<AnalysisRecord | undefined>;
  faceFrames(videoId: VideoId, personId: PersonId): Promise<FaceFrame[]>;
  /** Whose face is at (x, y) on the frame, video pixels; null where there is no linked face. */
  personAt(videoId: VideoId, frameIndex: number, x: number, y: number): Promise<PersonId | null>;
  personBoxesBetween(videoId: VideoId, from: number, to: number): Promise<FramePersonBoxes[]>;
  personVisibility(videoId: VideoId): Promise<{ personId: PersonId; segments: [number, number][] }[]>;
  /** The person's facial actions, one row per frame that has them. */
  faceActions(videoId: VideoId, personId: PersonId): Promise<FrameActions[]>;
  /** The chosen facial-action trace ids, or null when never chosen. */
  traceChoice(): Promise<string[] | null>;
  setTraceChoice(ids: readonly string[]): Promise<void>;
  descriptorVersions(): Promise<{ videoId: VideoId; descriptorVersion: number }[]>;
}

export function sqliteAnalysisStore(db: Db): AnalysisStore {
  return {
    get: async (videoId) => getAnalysis(db, videoId),
    faceFrames: async (videoId, personId) => listFaceFrames(db, videoId, personId),
    personAt: async (videoId, frameIndex, x, y) => personAtPoint(db, videoId, frameIndex, x, y),
    personBoxesBetween: async (videoId, from, to) => personBoxesBetween(db, videoId, from, to),
    personVisibility: async (videoId) => personVisibility(db, videoId),
    faceActions: async (videoId, personId) => listFaceActions(db, videoId, personId),
    traceChoice: async () => getTraceChoice(db),
    setTraceChoice: async (ids) => saveTraceChoice(db, ids),
    descriptorVersions: async () => listDescriptorVersions(db),
  };
}
