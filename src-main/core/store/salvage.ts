/**
 * `project salvage`: copies what can still be read from a damaged project into a new one and says what could not.
 *
 * This module works below the stores on purpose: it copies rows verbatim (ids, timestamps, bytes), table by table,
 * so a salvaged label is bit-identical to the saved one and nothing is re-derived from a damaged source.
 * better-sqlite3's SQLite has no recovery extension, so damage is stepped around by hand: a table is read in
 * rowid order until a read fails, then rowid by rowid (each lookup descends the b-tree afresh and fails only if
 * its own path is damaged) until the scan can resume. Tables without rowid are read per parent key.
 * Derived tables (model runs, predictions, suggestions, band calibrations, jobs) are not copied: the studio
 * recomputes them (band calibrations with the next held-back score).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { cardPathFor } from '../inference/modelCard';
import { sha256File } from '../inference/modelRegistry';
import { resolveUserPath } from '../paths/userPath';
import { createProject, PROJECT_DB_FILE } from './projectFolder';
import { openProjectDb, openProjectDbReadOnly, type Db } from './projectDb';

export interface TableSalvage {
  table: string;
  copied: number;
  /**
   * Rows that could not be read, or were read but refer to a row that could not be (counted once). A lower
   * bound when `details` says the end of the table is unreadable (then how many rows it had is unknown).
   */
  lost: number;
  /** What was lost, e.g. "rowids 301-420 unreadable", "3 rows refer to unreadable frames". */
  details: string[];
}

export interface SalvageReport {
  from: string;
  to: string;
  tables: TableSalvage[];
  /** Videos whose face analysis was dropped because part of it was unreadable: analyse them again. */
  reanalyse: number[];
  notCopied: string[];
}

type Row = Record<string, unknown>;

/** Stop looking for rows past the last readable one after this many rowids that fail or do not exist. */
const MAX_BLIND_PROBES = 100_000;

export function salvageProject(fromInput: string, toInput: string): SalvageReport {
  const from = resolveUserPath(fromInput);
  const to = resolveUserPath(toInput);
  const sourceFile = path.join(from, PROJECT_DB_FILE);
  if (!fs.existsSync(sourceFile)) throw new StudioError(`${from} is not an Affect Studio project (it has no ${PROJECT_DB_FILE}).`);
  if (path.relative(from, to) === '') throw new StudioError('Salvage into a new folder, not into the damaged project itself.');

  const source = openProjectDbReadOnly(sourceFile);
  try {
    const name = readName(source, from);
    createProject(to, `${name} (salvaged)`);
    const target = openProjectDb(path.join(to, PROJECT_DB_FILE), { create: false });
    try {
      return target.transaction(() => copyAll(source, target, from, to))();
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

function copyAll(source: Db, target: Db, from: string, to: string): SalvageReport {
  const tables: TableSalvage[] = [];
  const annotators = copyRowidTable(source, target, 'annotators');
  const videos = copyRowidTable(source, target, 'videos');
  tables.push(annotators.report, videos.report);
  tables.push(copyFrames(source, target, videos.rows));
  // Persons (migration 6) name the people labels and faces belong to; labels keep their person_id as read.
  tables.push(copyChildren(source, target, 'persons', 'video_id', videos.rows.map((row) => row.id as number)).report);
  const models = copyRowidTable(source, target, 'models');
  tables.push(models.report);
  copyModelFiles(models, from, to);
  const analyses = copyRowidTable(source, target, 'face_analyses');
  const faces = copyRowidTable(source, target, 'faces');
  const faceIds = faces.rows.map((row) => row.id as number);
  const embeddings = copyChildren(source, target, 'embeddings', 'face_id', faceIds);
  const expressions = copyChildren(source, target, 'face_expressions', 'face_id', faceIds);
  // Facial actions (migration 8) belong to faces of descriptor version 2 only: a face without them is not damage.
  const actions = copyChildren(source, target, 'face_actions', 'face_id', faceIds);
  tables.push(analyses.report, faces.report, embeddings.report, expressions.report, actions.report);
  const reanalyse = dropIncompleteAnalyses(target, faces, [...embeddings.parentsMissingRows, ...expressions.parentsMissingRows]);
  tables.push(copyRowidTable(source, target, 'labels').report);
  return { from, to, tables, reanalyse, notCopied: ['model_runs', 'predictions', 'suggestions', 'band_calibrations', 'jobs'] };
}

interface Copied {
  report: TableSalvage;
  rows: Row[];
  /** Contiguous rowid ranges that could not be read. */
  lostRanges: [number, number][];
}

/** Reads a rowid table in rowid order, stepping around damaged pages, and inserts every row it reads. */
function copyRowidTable(source: Db, target: Db, table: string): Copied {
  const insert = inserter(target, table);
  const scan = source.prepare(`SELECT rowid AS rowid_, * FROM ${table} WHERE rowid > ? ORDER BY rowid`);
  const probe = source.prepare(`SELECT rowid AS rowid_, * FROM ${table} WHERE rowid = ?`);
  const last = lastRowid(source, table);
  const rows: Row[] = [];
  const lostRanges: [number, number][] = [];
  let refused = 0;
  const keep = (row: Row): void => {
    delete row.rowid_;
    if (insert(row)) rows.push(row);
    else refused++;
  };

  let openEnded: [number, number] | undefined;
  let cursor = 0;
  for (;;) {
    try {
      for (const row of scan.iterate(cursor) as Iterable<Row>) {
        cursor = row.rowid_ as number;
        keep(row);
      }
      break;
    } catch {
      // The scan hit a damaged page after `cursor`: look rowid by rowid for the next readable row.
      let rowid = cursor + 1;
      let misses = 0;
      let found = false;
      for (; last === null ? misses < MAX_BLIND_PROBES : rowid <= last; rowid++) {
        try {
          const row = probe.get(rowid) as Row | undefined;
          if (row) {
            keep(row);
            found = true;
            break;
          }
          misses++;
        } catch {
          misses++;
          const range = lostRanges.at(-1);
          if (range && range[1] === rowid - 1) range[1] = rowid;
          else lostRanges.push([rowid, rowid]);
        }
      }
      if (!found) {
        if (last === null && lostRanges.at(-1)?.[1] === rowid - 1) openEnded = lostRanges.pop();
        break;
      }
      cursor = rowid;
    }
  }
  // With the table's last rowid unknown, failing probes past its last readable row run on to the probe limit:
  // that tail says where the damage starts, not how many rows it holds.
  const lost = lostRanges.reduce((sum, [a, b]) => sum + b - a + 1, 0);
  const details = lostRanges.map(([a, b]) => (a === b ? `rowid ${a} unreadable` : `rowids ${a}-${b} unreadable`));
  if (openEnded) details.push(`rowids from ${openEnded[0]} on unreadable, how many rows is unknown`);
  if (refused > 0) details.push(`${refused} rows refer to rows that could not be read`);
  return { report: { table, copied: rows.length, lost: lost + refused, details }, rows, lostRanges: openEnded ? [...lostRanges, openEnded] : lostRanges };
}

/** The largest rowid (from the rightmost b-tree path), or null when that path itself is damaged. */
function lastRowid(source: Db, table: string): number | null {
  try {
    const row = source.prepare(`SELECT max(rowid) AS last FROM ${table}`).get() as { last: number | null };
    return row.last ?? 0;
  } catch {
    return null;
  }
}

/** A video's frame index: the whole range at once, or frame by frame when part of it is damaged. */
function copyFrames(source: Db, target: Db, videos: Row[]): TableSalvage {
  const insert = inserter(target, 'frames');
  const whole = source.prepare('SELECT * FROM frames WHERE video_id = ? ORDER BY frame_index');
  const one = source.prepare('SELECT * FROM frames WHERE video_id = ? AND frame_index = ?');
  const report: TableSalvage = { table: 'frames', copied: 0, lost: 0, details: [] };
  for (const video of videos) {
    let rows: Row[];
    try {
      rows = whole.all(video.id) as Row[];
    } catch {
      rows = [];
      let unreadable = 0;
      for (let frame = 0; frame < (video.frame_count as number); frame++) {
        try {
          const row = one.get(video.id, frame) as Row | undefined;
          if (row) rows.push(row);
        } catch {
          unreadable++;
        }
      }
      report.lost += unreadable;
      report.details.push(`${unreadable} frames of video ${String(video.id)} unreadable`);
    }
    for (const row of rows) if (insert(row)) report.copied++;
  }
  return report;
}

interface CopiedChildren {
  report: TableSalvage;
  /** Parents some of whose rows here could not be read. */
  parentsMissingRows: number[];
}

/** A table without rowid keyed by a parent: read whole, or parent by parent when part of it is damaged. */
function copyChildren(source: Db, target: Db, table: string, parentColumn: string, parents: number[]): CopiedChildren {
  const insert = inserter(target, table);
  const report: TableSalvage = { table, copied: 0, lost: 0, details: [] };
  const parentsMissingRows: number[] = [];
  let rows: Row[];
  try {
    rows = source.prepare(`SELECT * FROM ${table}`).all() as Row[];
  } catch {
    rows = [];
    const byParent = source.prepare(`SELECT * FROM ${table} WHERE ${parentColumn} = ?`);
    for (const parent of parents) {
      try {
        rows.push(...(byParent.all(parent) as Row[]));
      } catch {
        parentsMissingRows.push(parent);
      }
    }
    if (parentsMissingRows.length > 0) {
      report.lost += parentsMissingRows.length;
      report.details.push(`rows of ${parentsMissingRows.length} ${parentColumn} values unreadable`);
    }
  }
  for (const row of rows) if (insert(row)) report.copied++;
  return { report, parentsMissingRows };
}

/**
 * A face analysis claims that an analysed frame without a face row has no face. If some of a video's faces (or
 * their embeddings) were lost, that claim is false for them, so the video's analysis is dropped (its faces go
 * with it) and the user is told to analyse it again. A lost rowid range is blamed on the videos of the readable
 * faces on either side of it: faces are written video by video, in rowid order.
 */
function dropIncompleteAnalyses(target: Db, faces: Copied, facesMissingChildren: number[]): number[] {
  const affected = new Set<number>();
  const faceVideo = new Map(faces.rows.map((row) => [row.id as number, row.video_id as number]));
  for (const face of facesMissingChildren) affected.add(faceVideo.get(face) as number);
  const ordered = faces.rows.map((row) => ({ id: row.id as number, video: row.video_id as number }));
  for (const [first, last] of faces.lostRanges) {
    const before = ordered.filter((face) => face.id < first).at(-1);
    const after = ordered.find((face) => face.id > last);
    if (before) affected.add(before.video);
    if (after) affected.add(after.video);
    // Nothing readable on either side: the faces cannot be placed, so every analysis is suspect.
    if (!before && !after) for (const video of target.prepare('SELECT video_id FROM face_analyses').pluck().all() as number[]) affected.add(video);
  }
  const videos = [...affected].sort((a, b) => a - b);
  for (const video of videos) {
    target.prepare('DELETE FROM faces WHERE video_id = ?').run(video);
    target.prepare('DELETE FROM face_analyses WHERE video_id = ?').run(video);
  }
  return videos;
}

/**
 * The project's own model files: trained heads (the ONNX file and the .json beside it) and a lab's imported
 * encoders (the ONNX file and its model card in `encoders/`, core/analysis/projectEncoders.ts); encoders shipped
 * with the studio are referenced elsewhere. Only files a models row names are copied, never the rest of a folder,
 * and an imported encoder only while its file has the hash it was registered with: anything else is not what the
 * studio wrote, and its analyses could not be trusted to read it.
 */
function copyModelFiles(models: Copied, from: string, to: string): void {
  for (const model of models.rows) {
    const file = model.file as string;
    if (path.isAbsolute(file)) continue;
    const source = path.join(from, file);
    if (model.kind === 'encoder' && !hasHash(source, model.sha256 as string)) {
      models.report.details.push(`encoder ${file} not copied: it is missing or changed since it was imported; import the lab's encoder again`);
      continue;
    }
    for (const sibling of [source, model.kind === 'encoder' ? cardPathFor(source) : source.replace(/\.onnx$/, '.json')]) {
      if (!fs.existsSync(sibling)) continue;
      const destination = path.join(to, path.relative(from, sibling));
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.copyFileSync(sibling, destination);
    }
  }
}

function hasHash(file: string, sha256: string): boolean {
  try {
    return sha256File(file) === sha256;
  } catch {
    return false;
  }
}

/** An insert of a row read verbatim; false when the target refuses it (a parent it refers to was lost). */
function inserter(target: Db, table: string): (row: Row) => boolean {
  const columns = (target.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name);
  const statement = target.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  return (row) => {
    try {
      statement.run(row);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
      throw error;
    }
  };
}

function readName(source: Db, dir: string): string {
  try {
    const row = source.prepare("SELECT value FROM project_meta WHERE key = 'name'").get() as { value: string } | undefined;
    return row?.value ?? path.basename(dir);
  } catch {
    return path.basename(dir);
  }
}
