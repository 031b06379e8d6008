/**
 * Labels in: a CSV with (at least) the csv export's columns, or AFEW-VA clips onto videos already in the project
 * (afewVaImport.ts). A CSV's `person_id` column puts a row on that person of its video (who must exist there);
 * without it, and for AFEW-VA, labels go to the video's person 1. Every row is validated before anything is written; any error refuses the whole file, listing the
 * problems by line, and a valid file is saved in one transaction.
 */
import path from 'node:path';
import fs from 'node:fs';
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { annotatorName, ensureAnnotator, type AnnotatorKind } from '../store/annotatorStore';
import { appendLabels, type LabelOrigin } from '../store/labelStore';
import { describePersons, FIRST_PERSON, listPersons, type Person } from '../store/personStore';
import type { Db } from '../store/projectDb';
import { listFrames, listVideos, type VideoRecord } from '../store/videoStore';
import { checkAfewVa, findAfewVaSources, type AfewVaClipMapping } from './afewVaImport';
import { shownText } from '../shownText';
import { decimalNumber, wholeNumber } from '../strictNumbers';
import { LABEL_COLUMNS, type LabelColumn, type LabelColumns } from '../jobs/jobKinds';
import { parseTable, type CsvRecord, type CsvSeparator, type CsvTable } from './csv';

export interface LabelImportOptions {
  format: 'csv' | 'afew-va';
  /** The scale the file's values are on (CSV only); converted linearly to [-1, 1]. Default [-1, 1]. */
  range?: readonly [number, number];
  /** Puts every label on this annotator's layer (created if new) instead of the file's `annotator` column. */
  annotator?: string;
  /** Puts every label on this video instead of matching the file's `video` / `video_id` columns. */
  videoId?: VideoId;
  /** Which CSV column holds what; without it the header's names say (detectColumns). */
  columns?: LabelColumns;
  /** The kind of each rater the file adds (default an imported layer); a rater already in the project keeps theirs. */
  raterKind?: AnnotatorKind;
  /** AFEW-VA only: which video each clip goes to (default: the video its name matches; see afewVaImport.ts). */
  clips?: readonly AfewVaClipMapping[];
}

export interface LabelImportResult {
  labels: number;
  annotators: string[];
  videoIds: number[];
}

/** A file's labels, checked and ready to save. */
export interface PendingLabels {
  readonly labels: readonly PendingLabel[];
  readonly raterKind: AnnotatorKind;
}

export interface PendingLabel {
  videoId: VideoId;
  personId: PersonId;
  frameIndex: number;
  annotator: string;
  valence: number;
  arousal: number;
  origin: LabelOrigin;
}

/** The layer AFEW-VA labels go to when no annotator is named (the same one the clip import uses). */
export const AFEW_VA_LAYER = 'AFEW-VA';
const MAX_REPORTED = 20;

export function importLabels(db: Db, file: string, options: LabelImportOptions): LabelImportResult {
  return saveLabels(db, readLabels(db, file, options));
}

/** Every label of the file, checked against the project; nothing is written (a bad file throws, naming its lines). */
export function readLabels(db: Db, file: string, options: LabelImportOptions): PendingLabels {
  if (!fs.existsSync(file)) throw new StudioError(`${file} does not exist.`);
  // A chosen layer's name is checked once, not on every row.
  const checked = { ...options, annotator: options.annotator === undefined ? undefined : annotatorName(options.annotator) };
  return { labels: checked.format === 'csv' ? readCsvLabels(db, file, checked) : readAfewVaLabels(db, file, checked), raterKind: options.raterKind ?? 'import' };
}

/** A labels CSV checked against these videos for the import dialog; nothing is written. */
export function checkLabelFile(
  file: string,
  videos: readonly VideoRecord[],
  persons: PersonsOfVideos,
  options: Omit<LabelImportOptions, 'format'>,
): CsvLabelCheck {
  if (!fs.existsSync(file)) throw new StudioError(`${file} does not exist.`);
  const checked = { ...options, format: 'csv' as const, annotator: options.annotator === undefined ? undefined : annotatorName(options.annotator) };
  return checkCsvLabels(readText(file), path.basename(file), videos, persons, checked);
}

/** Saves what `readLabels` checked, in one transaction: all of it or none. */
export function saveLabels(db: Db, { labels: pending, raterKind }: PendingLabels): LabelImportResult {
  return db.transaction(() => {
    const ids = new Map(uniq(pending.map((label) => label.annotator)).map((name) => [name, ensureAnnotator(db, name, raterKind).id]));
    appendLabels(
      db,
      pending.map(({ annotator, ...label }) => ({ ...label, annotatorId: ids.get(annotator) as AnnotatorId })),
    );
    return { labels: pending.length, annotators: [...ids.keys()], videoIds: uniq(pending.map((label) => label.videoId)) };
  })();
}

function readCsvLabels(db: Db, file: string, options: LabelImportOptions): PendingLabel[] {
  const name = path.basename(file);
  const videos = listVideos(db);
  const check = checkCsvLabels(readText(file), name, videos, new Map(videos.map((video) => [video.id, listPersons(db, video.id)])), options);
  if (check.problem !== null) throw new StudioError(check.problem);
  if (check.errors.length > 0) throw refusal(name, check.errors);
  return check.labels;
}

/** A refused file's problems, the first MAX_REPORTED of them one per line. */
function refusal(name: string, errors: readonly string[]): StudioError {
  const more = errors.length > MAX_REPORTED ? `\n... and ${errors.length - MAX_REPORTED} more` : '';
  return new StudioError(`${name} was not imported (nothing was saved):\n${errors.slice(0, MAX_REPORTED).join('\n')}${more}`);
}

/** A labels CSV checked against the project's videos: what it holds, what it would save, and everything wrong. */
export interface CsvLabelCheck {
  separator: CsvSeparator;
  decimalComma: boolean;
  /** The header's fields, and every record after it with its line. */
  header: string[];
  rows: CsvRecord[];
  /** The mapping used: the caller's, else the one the header's names give (detectColumns). */
  columns: LabelColumns;
  /** What stops the whole file (not CSV, no header, a missing column, a bad range or video), else null. */
  problem: string | null;
  /** Every bad row, as `line N: ...`. */
  errors: string[];
  labels: PendingLabel[];
  /** The smallest and largest number in each value column, on the file's own scale (to choose the range by). */
  observed: Record<'valence' | 'arousal', [number, number] | null>;
}

/** Header names each role is recognised by, lower case, the studio's own first. */
const COLUMN_NAMES: Record<LabelColumn, readonly string[]> = {
  video: ['video', 'video_name', 'video_file', 'filename', 'file'],
  video_id: ['video_id', 'videoid'],
  frame: ['frame', 'frame_index', 'frameindex', 'frame_number', 'frame_no', 'frame_nr'],
  valence: ['valence', 'val', 'v'],
  arousal: ['arousal', 'aro', 'a'],
  annotator: ['annotator', 'rater', 'coder', 'annotator_name'],
  source: ['source'],
  person_id: ['person_id', 'personid'],
};

/** The column each role's name (or a usual other name for it) heads; roles no header names are left out. */
export function detectColumns(header: readonly string[]): LabelColumns {
  const names = header.map((field) => field.trim().toLowerCase());
  const columns: LabelColumns = {};
  for (const role of LABEL_COLUMNS) {
    const index = COLUMN_NAMES[role].map((name) => names.indexOf(name)).find((i) => i !== -1);
    if (index !== undefined) columns[role] = index;
  }
  return columns;
}

/** Each video's persons, as a row's `person_id` is checked against them. */
export type PersonsOfVideos = ReadonlyMap<VideoId, readonly Pick<Person, 'personId' | 'name'>[]>;

/** Checks every row without writing anything: the import job and the import dialog's preview both use it. */
export function checkCsvLabels(text: string, name: string, videos: readonly VideoRecord[], persons: PersonsOfVideos, options: LabelImportOptions): CsvLabelCheck {
  const result: CsvLabelCheck = {
    separator: ',', decimalComma: false, header: [], rows: [], columns: options.columns ?? {}, problem: null, errors: [], labels: [],
    observed: { valence: null, arousal: null },
  };
  let table: CsvTable;
  try {
    table = parseTable(text);
  } catch (error) {
    return { ...result, problem: `${name} is not valid CSV: ${(error as Error).message}` };
  }
  const { decimalComma } = table;
  const [header, ...rows] = table.records;
  Object.assign(result, { separator: table.separator, decimalComma, rows });
  if (!header) return { ...result, problem: `${name} is empty.` };
  const columns = options.columns ?? detectColumns(header.fields);
  Object.assign(result, { header: header.fields, columns });
  const outside = LABEL_COLUMNS.filter((role) => (columns[role] ?? 0) >= header.fields.length);
  if (outside.length > 0) return { ...result, problem: `${name} has ${header.fields.length} columns; there is no column ${outside.map((role) => columns[role] as number + 1).join(', ')} for ${outside.join(', ')}.` };
  const missing: string[] = (['frame', 'valence', 'arousal'] as const).filter((c) => columns[c] === undefined);
  if (options.videoId === undefined && columns.video === undefined && columns.video_id === undefined) missing.push('video or video_id');
  if (options.annotator === undefined && columns.annotator === undefined) missing.push('annotator (or pass an annotator)');
  if (missing.length > 0) return { ...result, problem: `${name}, line ${header.line}: missing column(s): ${missing.join(', ')}.` };

  const [min, max] = options.range ?? [-1, 1];
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) return { ...result, problem: `The range ${min},${max} is not a valid MIN,MAX.` };
  let chosen: VideoRecord | undefined;
  if (options.videoId !== undefined) {
    const video = videos.find((v) => v.id === options.videoId);
    if (!video) return { ...result, problem: `This project has no video ${options.videoId}.` };
    if (video.status !== 'ready') return { ...result, problem: `${video.displayName} is still being imported; import labels once it is ready.` };
    chosen = video;
  }
  const findVideo = videoMatcher(videos);
  const { errors, labels, observed } = result;
  const seen = new Map<string, number>();
  for (const { line, fields } of rows) {
    const fail = (message: string) => errors.push(`line ${line}: ${message}`);
    /** A cell's value, or undefined with the cell's problem noted for this line. */
    const cell = <T>(read: () => T): T | undefined => {
      try {
        return read();
      } catch (error) {
        if (!(error instanceof StudioError)) throw error;
        fail(error.message);
        return undefined;
      }
    };
    if (fields.length !== header.fields.length) {
      fail(`${fields.length} fields where the header has ${header.fields.length}.`);
      continue;
    }
    const get = (c: LabelColumn) => {
      const i = columns[c];
      return i === undefined ? '' : (fields[i] as string).trim();
    };
    const source = get('source');
    // Predictions and empty frames are exported for completeness; they are not anyone's labels.
    if (source === 'predicted' || (source === '' && get('valence') === '' && get('arousal') === '')) continue;
    if (source !== '' && source !== 'human' && source !== 'edited') {
      fail(`source ${shownText(source)} is not human, edited or predicted.`);
      continue;
    }
    const video = chosen ?? findVideo(get('video'), get('video_id'));
    if (typeof video === 'string') {
      fail(video);
      continue;
    }
    const personId = personOfRow(persons, video, get('person_id'));
    if (typeof personId === 'string') {
      fail(personId);
      continue;
    }
    const frameIndex = cell(() => wholeNumber(get('frame'), 'frame'));
    if (frameIndex === undefined) continue;
    if (frameIndex < 0 || frameIndex >= video.frameCount) {
      fail(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); there is no frame ${frameIndex}.`);
      continue;
    }
    const [valence, arousal] = (['valence', 'arousal'] as const).map((axis) => {
      const value = cell(() => decimalNumber(get(axis), axis, { decimalComma }));
      if (value === undefined) return NaN;
      const [low, high] = observed[axis] ?? [value, value];
      observed[axis] = [Math.min(low, value), Math.max(high, value)];
      if (value < min || value > max) fail(`${axis} ${value} is outside the range [${min}, ${max}].`);
      else return toUnit(value, min, max);
      return NaN;
    }) as [number, number];
    const annotator = options.annotator ?? cell(() => annotatorName(get('annotator')));
    if (Number.isNaN(valence) || Number.isNaN(arousal) || annotator === undefined) continue;
    const key = `${video.id}/${personId}/${frameIndex}/${annotator}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(`frame ${frameIndex} of ${video.displayName} (person ${personId}) by ${annotator} is already on line ${earlier}.`);
      continue;
    }
    seen.set(key, line);
    labels.push({ videoId: video.id, personId, frameIndex, annotator, valence, arousal, origin: source === 'edited' ? 'accepted_prediction' : 'import' });
  }
  return result;
}

function readAfewVaLabels(db: Db, file: string, options: LabelImportOptions): PendingLabel[] {
  if (options.range !== undefined) throw new StudioError('AFEW-VA files are always on [-10, 10]; a range applies to CSV files only.');
  const sources = findAfewVaSources(file);
  if (options.videoId !== undefined && sources.length > 1) {
    throw new StudioError(`${file} holds ${sources.length} AFEW-VA clips and one video takes one clip: name one clip's JSON, or map the clips to videos in the import dialog.`);
  }
  // A video named for one clip (the CLI's --video) takes that clip; else clips go where their names match.
  const mapping = options.clips ?? (options.videoId !== undefined ? sources.map(({ clip }) => ({ clip, videoId: options.videoId as VideoId })) : undefined);
  const check = checkAfewVa(sources, { videos: listVideos(db), frames: (id) => listFrames(db, id) }, mapping, 0);
  if (check.errors.length > 0) throw refusal(path.basename(file), check.errors);
  // Landmarks are the face pipeline's to store; an import brings the labels only. A clip follows one face: person 1.
  return check.labels.map((label) => ({ ...label, personId: FIRST_PERSON, annotator: options.annotator ?? AFEW_VA_LAYER, origin: 'import' as const }));
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StudioError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Matches a row to a video by name (display name or file name) first, since ids differ between projects. */
function videoMatcher(videos: readonly VideoRecord[]): (name: string, id: string) => VideoRecord | string {
  const ready = videos.filter((video) => video.status === 'ready');
  return (name, id) => {
    if (name !== '') {
      const byName = ready.filter((video) => video.displayName === name || path.basename(video.path) === name);
      if (byName.length === 1) return byName[0] as VideoRecord;
      if (byName.length > 1 && id === '') return `several videos are named ${shownText(name)}; add a video_id column or choose the video.`;
    }
    const byId = id === '' ? undefined : ready.find((video) => String(video.id) === id);
    if (byId && (name === '' || byId.displayName === name || path.basename(byId.path) === name)) return byId;
    return `no video in this project matches ${[name && shownText(name), id && `id ${shownText(id)}`].filter(Boolean).join(' / ')}.`;
  };
}

/** The row's person: its `person_id` if the file has one (a person of that video), else person 1; or what is wrong. */
function personOfRow(personsOf: PersonsOfVideos, video: VideoRecord, text: string): PersonId | string {
  if (text === '') return FIRST_PERSON;
  const persons = personsOf.get(video.id) ?? [];
  const person = persons.find((p) => String(p.personId) === text);
  return person ? person.personId : `${video.displayName} has no person ${shownText(text)}; its persons are ${describePersons(persons)}.`;
}

/** Linear map of [min, max] onto [-1, 1]; the identity on [-1, 1] is kept exact so a round trip is lossless. */
function toUnit(value: number, min: number, max: number): number {
  if (min === -1 && max === 1) return value;
  return Math.min(1, Math.max(-1, (2 * (value - min)) / (max - min) - 1));
}

function uniq<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
