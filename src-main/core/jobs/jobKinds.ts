/**
 * What each kind of job takes, saves and produces, as zod schemas: the runner validates parameters on enqueue and
 * re-reads a stored row through them (a row an older version or a damaged file wrote fails with one line instead
 * of reaching a handler as the wrong shape), handlers get typed parameters and checkpoints, and readers (the API's
 * `jobs.list` / `job.progress`, the CLI) get typed results. Node-free: the API contract, and so the renderer,
 * builds its job schema from these.
 */
import { z } from 'zod';
import type { AnnotatorId, PersonId, VideoId } from '../ids';

/** One kind of job: its stored name, the name people see, and the shapes of what it takes, saves and returns. */
export interface JobDefinition<P = unknown, PI = P, C = unknown, R = unknown> {
  readonly name: string;
  readonly label: string;
  readonly params: z.ZodType<P, PI>;
  readonly checkpoint: z.ZodType<C>;
  readonly result: z.ZodType<R>;
}

const id = z.number().int().positive();
// Parameters name ids of this project's rows; a validated parameter is where a brand may be given (ids.ts).
const videoId = id.transform((n) => n as VideoId);
const annotatorId = id.transform((n) => n as AnnotatorId);
const personId = id.transform((n) => n as PersonId);

/** A job that restarts from the beginning when resumed has no checkpoint to save. */
const noCheckpoint = z.never();

export const ImportOutcome = z.object({
  path: z.string(),
  videoId: videoId.optional(),
  frames: z.number().int().optional(),
  labels: z.number().int().optional(),
  warning: z.string().nullable().optional(),
  error: z.string().optional(),
});
export type ImportOutcome = z.infer<typeof ImportOutcome>;

export const IMPORT_JOB = {
  name: 'import' as const,
  label: 'Importing videos',
  params: z.object({
    paths: z.array(z.string().min(1)).min(1),
    /** Queue face analysis of each video this import adds (jobs/analyzeAfterImport.ts); front ends ask for it. */
    analyze: z.boolean().default(false),
  }),
  checkpoint: z.object({ next: z.number().int().nonnegative(), outcomes: z.array(ImportOutcome) }),
  result: z.object({ outcomes: z.array(ImportOutcome) }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

const box = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });
const roi = z.object({ cx: z.number(), cy: z.number(), size: z.number(), angle: z.number() });

/** What a face track carries between frames besides where it is (vision/faceTracker.ts). */
const trackCounts = { trackId: z.number().int(), framesFacing: z.number().int(), identitySampled: z.number().int() };

export const ANALYZE_JOB = {
  name: 'analyze' as const,
  label: 'Finding faces',
  params: z.object({ videoId }),
  checkpoint: z.object({
    nextFrame: z.number().int().nonnegative(),
    tracker: z.object({
      tracks: z.array(z.object({ ...trackCounts, roi, box })),
      lost: z.array(z.object({ ...trackCounts, box, frameIndex: z.number().int() })),
      framesSinceDetection: z.number().int(),
      nextTrackId: z.number().int(),
      signature: z.array(z.number().int()).nullable(),
    }),
  }),
  result: z.object({
    videoId: id,
    frames: z.number().int(),
    facesFound: z.number().int(),
    detectorRuns: z.number().int(),
    tracks: z.number().int(),
    persons: z.number().int(),
    provider: z.string(),
  }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

export const TRAIN_HEAD_JOB = {
  name: 'train-head' as const,
  label: 'Training the model',
  params: z.object({ annotatorId }),
  checkpoint: noCheckpoint,
  result: z.object({
    modelId: z.number().int(),
    version: z.number().int(),
    labels: z.number().int(),
    validation: z.object({
      trainFrames: z.number(),
      validationFrames: z.number(),
      validationPairs: z.number(),
      loss: z.number(),
      deltaRmseValence: z.number(),
      deltaRmseArousal: z.number(),
      similarityAccuracy: z.number(),
      startLoss: z.number(),
    }),
  }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

/** Formats that write labels only (core/io/exportLabels.ts); `dataset` adds face crops and a split. */
export const LABEL_FORMATS = ['csv', 'json', 'afew-va', 'nova', 'elan'] as const;
export const EXPORT_FORMATS = [...LABEL_FORMATS, 'dataset'] as const;

/** `dataset` only: several annotators, predicted rows, crop size/format, split shares and seed, video id -> subject. */
export const DatasetRequest = z
  .object({
    annotators: z.array(z.string().min(1).max(100)).max(100).optional(),
    predictions: z.boolean().optional(),
    cropSize: z.number().int().min(16).max(2048).optional(),
    imageFormat: z.enum(['png', 'jpeg']).optional(),
    split: z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]).optional(),
    seed: z.string().max(100).optional(),
    subjects: z.record(z.string().regex(/^\d+$/), z.string().min(1).max(200)).optional(),
  })
  .strict();

export const EXPORT_JOB = {
  name: 'export' as const,
  label: 'Exporting',
  params: z.object({
    format: z.enum(EXPORT_FORMATS),
    /** The folder the user chose (absolute) and the file or folder name to write in it. */
    folder: z.string().min(1),
    name: z.string().min(1).max(255),
    videoId: videoId.optional(),
    /** With videoId: only this person; else every coded person of each video. */
    personId: personId.optional(),
    annotator: z.string().min(1).max(100).optional(),
    overwrite: z.boolean().default(false),
    dataset: DatasetRequest.optional(),
  }),
  checkpoint: noCheckpoint,
  result: z.object({
    files: z.array(z.string()),
    /** `dataset` only: the folder written and its counts. */
    dataset: z.object({ folder: z.string(), images: z.number().int(), rows: z.number().int(), splits: z.record(z.string(), z.object({ groups: z.number().int(), images: z.number().int(), rows: z.number().int() })) }).optional(),
  }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

/** What a labels CSV's columns may hold (core/io/labelImport.ts); `video` is a name, `video_id` an id. */
export const LABEL_COLUMNS = ['video', 'video_id', 'person_id', 'frame', 'valence', 'arousal', 'annotator', 'source'] as const;
export type LabelColumn = (typeof LABEL_COLUMNS)[number];
const columnIndex = z.number().int().nonnegative().max(100_000).optional();
/** Which column (0-based) holds each; a role left out has no column. Without a mapping the header names them. */
export const LabelColumns = z
  .object({ video: columnIndex, video_id: columnIndex, person_id: columnIndex, frame: columnIndex, valence: columnIndex, arousal: columnIndex, annotator: columnIndex, source: columnIndex })
  .strict();
export type LabelColumns = z.infer<typeof LabelColumns>;

/** A rater agreement compares: an annotator's layer, or the model anchored on one annotator's labels. */
export const RaterRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('annotator'), name: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('model'), anchoredOn: z.string().min(1) }).strict(),
]);
/** Chosen raters; default the human annotators with labels in scope. */
export const RaterChoice = z.array(RaterRef).min(2, 'agreement needs at least two raters').max(50);

/** The study report (core/app/report.ts): seconds to minutes, as it scores the model on every rater's labels. */
export const REPORT_JOB = {
  name: 'report' as const,
  label: 'Writing the study report',
  params: z.object({
    /** The folder the user chose (absolute) and the file name to write in it. */
    folder: z.string().min(1),
    name: z.string().min(1).max(255),
    overwrite: z.boolean().default(false),
    raters: RaterChoice.optional(),
  }),
  checkpoint: noCheckpoint,
  result: z.object({ path: z.string() }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

/** An annotator's kind (store/annotatorStore.ts): a human rater, or an imported layer (a dataset's, a fused gold). */
export const RaterKind = z.enum(['human', 'import']);
/** AFEW-VA only: the video each clip's labels go to (null leaves the clip out); unnamed clips go where their names match. */
export const AfewVaClips = z.array(z.object({ clip: z.string().min(1).max(200), videoId: videoId.nullable() }).strict()).max(10_000);

export const LABEL_IMPORT_JOB = {
  name: 'label-import' as const,
  label: 'Importing labels',
  params: z.object({
    file: z.string().min(1),
    format: z.enum(['csv', 'afew-va']),
    range: z.tuple([z.number(), z.number()]).optional(),
    annotator: z.string().optional(),
    videoId: videoId.optional(),
    columns: LabelColumns.optional(),
    /** The kind of the raters the file adds: human raters (agreement counts them by default) or a reference layer. */
    raterKind: RaterKind.default('import'),
    clips: AfewVaClips.optional(),
  }),
  checkpoint: noCheckpoint,
  result: z.object({ labels: z.number().int(), annotators: z.array(z.string()), videoIds: z.array(z.number().int()) }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;

export const JOB_KINDS = [IMPORT_JOB, ANALYZE_JOB, TRAIN_HEAD_JOB, EXPORT_JOB, LABEL_IMPORT_JOB, REPORT_JOB] as const;
export type JobKindName = (typeof JOB_KINDS)[number]['name'];

export type JobParams<D extends JobDefinition<unknown, unknown, unknown, unknown>> = z.output<D['params']>;
export type JobResult<D extends JobDefinition<unknown, unknown, unknown, unknown>> = z.output<D['result']>;

/** The name a kind is shown by ("Training the model", not "train-head"); an unknown kind (a newer studio's) shows as is. */
export function jobLabel(kind: string): string {
  return JOB_KINDS.find((k) => k.name === kind)?.label ?? kind;
}

/** The first problem zod found, as one line: "paths: too small" rather than a JSON dump. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not valid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
