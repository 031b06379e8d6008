/**
 * The one typed contract between the UI (or any client) and the core.
 *
 * Every method has a zod schema for its params and its result, every pushed event a schema for its payload.
 * Both sides validate what they receive: main never trusts the renderer or a browser tab, and the renderer never
 * trusts a response it did not expect. This file must stay free of Node imports: the renderer bundles it.
 */
import { z } from 'zod';
import { AfewVaClips, ANALYZE_JOB, DatasetRequest, EXPORT_FORMATS, EXPORT_JOB, IMPORT_JOB, LABEL_COLUMNS, LABEL_IMPORT_JOB, LabelColumns, RaterChoice, RaterKind, RaterRef, REPORT_JOB, TRAIN_HEAD_JOB } from '../core/jobs/jobKinds';

/** Bumped when a method or event changes incompatibly; a client speaking another version is refused. */
export const API_VERSION = 4;

const absolutePath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is too long')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

/** Whether the open project can be saved to; when not, the reason says why and what to do (shown as a banner). */
export const ProjectAccess = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('read-write') }),
  z.object({ mode: z.literal('read-only'), reason: z.string() }),
]);
export type ProjectAccess = z.infer<typeof ProjectAccess>;

export const ProjectSummary = z.object({
  path: z.string(),
  name: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
  access: ProjectAccess,
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const RecentProject = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.string(),
  /** False when the folder no longer holds a project (moved, deleted, or on an unplugged drive). */
  available: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProject>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  apiVersion: z.number().int(),
  /** `electron` when inside the desktop app, `browser` when served over the localhost WebSocket. */
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  /** Where "create project" proposes to put a new project. */
  defaultProjectsDir: z.string(),
  /** Whether `dialog.chooseFolder` can show a native picker (not in browser mode). */
  nativeDialogs: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const empty = z.object({}).strict();

/** Every project-scoped method names its project folder; main keeps one open session per folder. */
const project = absolutePath;
const videoId = z.number().int().positive();
/** A person of the video (1, 2, ...): labels, predictions, suggestions and scores are per video and person. */
const personId = z.number().int().positive();

/** A person of a video as the persons panel and `affect-studio persons` list them. */
export const Person = z.object({
  personId: z.number().int(),
  name: z.string(),
  /** Whether the person is being labelled. */
  coded: z.boolean(),
  /** Frames on which their face was found. */
  framesVisible: z.number().int(),
});
export type Person = z.infer<typeof Person>;

/** What a merge or split did: the video's persons after it, and how many labels and faces changed owner. */
const PersonChange = z.object({ persons: z.array(Person), labelsMoved: z.number().int(), facesMoved: z.number().int() });

export const VideoSummary = z.object({
  id: z.number().int(),
  kind: z.enum(['video', 'image_sequence']),
  path: z.string(),
  displayName: z.string(),
  status: z.enum(['indexing', 'ready', 'failed']),
  error: z.string().nullable(),
  /** The video imported but something is amiss, e.g. "the file ends at 6.4 s of 15.3 s: ...". */
  warning: z.string().nullable(),
  codec: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  frameCount: z.number().int(),
  durationSec: z.number(),
  avgFps: z.number().nullable(),
  importedAt: z.string(),
  /** The file (or folder) is no longer at `path`: offer to relink it. */
  missing: z.boolean(),
});
export type VideoSummary = z.infer<typeof VideoSummary>;

export const FrameImages = z.object({
  width: z.number().int(),
  height: z.number().int(),
  frames: z.array(
    z.object({
      frameIndex: z.number().int(),
      ptsSec: z.number(),
      /** The exact frame, JPEG-encoded for display (base64). */
      jpegBase64: z.string(),
    }),
  ),
});
export type FrameImages = z.infer<typeof FrameImages>;

/** Frames per `videos.frames` call: a second of playback at most, so a call never blocks others for long. */
export const MAX_FRAMES_PER_CALL = 60;
/** Frames of persons' boxes one `persons.boxes` call returns at most: a few seconds of video, a few kB. */
export const MAX_BOX_FRAMES_PER_CALL = 300;

export const ThumbnailStrip = z.object({
  tileWidth: z.number().int(),
  tileHeight: z.number().int(),
  frameIndexes: z.array(z.number().int()),
  jpegBase64: z.string(),
});
export type ThumbnailStrip = z.infer<typeof ThumbnailStrip>;

/**
 * A video's sound for the player: a URL (relative to the page, served with Range support by the app protocol and
 * the browser-mode server) and where the audio's time 0 falls: audio time = (frame pts - first frame pts) -
 * offsetSec. Or why there is none.
 */
export const VideoSound = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('audio'), url: z.string(), offsetSec: z.number(), durationSec: z.number() }),
  z.object({ kind: z.literal('none'), reason: z.string() }),
]);
export type VideoSound = z.infer<typeof VideoSound>;

export const Annotator = z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['human', 'import']) });
export type Annotator = z.infer<typeof Annotator>;

/** V and A are on [-1, 1] everywhere inside the studio; scales are converted only at import and export. */
const affect = z.number().min(-1).max(1);

export const Label = z.object({
  id: z.number().int(),
  videoId: z.number().int(),
  personId: z.number().int(),
  frameIndex: z.number().int(),
  annotatorId: z.number().int(),
  valence: affect,
  arousal: affect,
  origin: z.enum(['manual', 'live', 'accepted_prediction', 'import']),
  createdAt: z.string(),
});
export type Label = z.infer<typeof Label>;

const annotatorId = z.number().int().positive();
/** A name that creates an annotator; the core checks it again (annotatorName) for the CLI and file imports. */
const annotatorName = z.string().trim().min(1, 'an annotator needs a name (it is blank)').max(100);
const frameIndex = z.number().int().nonnegative();
const labelOrigin = z.enum(['manual', 'live', 'accepted_prediction']);

const JobProgressFacts = z.object({
  projectPath: z.string(),
  jobId: z.string(),
  /** The kind's name for people ("Training the model"); `kind` is the stored name. */
  label: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  ratePerSec: z.number().nonnegative().nullable(),
  etaSec: z.number().nonnegative().nullable(),
  message: z.string().optional(),
  error: z.string().nullable().optional(),
});

/** A job and, once done, what it produced, typed by kind (core/jobs/jobKinds.ts; an import: one outcome per path). */
export const JobProgress = z.discriminatedUnion('kind', [
  JobProgressFacts.extend({ kind: z.literal(IMPORT_JOB.name), result: IMPORT_JOB.result.optional() }),
  JobProgressFacts.extend({ kind: z.literal(ANALYZE_JOB.name), result: ANALYZE_JOB.result.optional() }),
  JobProgressFacts.extend({ kind: z.literal(TRAIN_HEAD_JOB.name), result: TRAIN_HEAD_JOB.result.optional() }),
  JobProgressFacts.extend({ kind: z.literal(EXPORT_JOB.name), result: EXPORT_JOB.result.optional() }),
  JobProgressFacts.extend({ kind: z.literal(LABEL_IMPORT_JOB.name), result: LABEL_IMPORT_JOB.result.optional() }),
  JobProgressFacts.extend({ kind: z.literal(REPORT_JOB.name), result: REPORT_JOB.result.optional() }),
]);
export type JobProgress = z.infer<typeof JobProgress>;

/** Who labels, and whether blind: then labels.list with `viewer` shows only the viewer's own layer. */
export const AnnotatorView = z.object({ activeAnnotatorId: z.number().int().nullable(), blind: z.boolean() });
export type AnnotatorView = z.infer<typeof AnnotatorView>;

export { EXPORT_FORMATS };

/** An agreement statistic; null where it is undefined (no variance, too few shared frames). */
const statistic = z.number().nullable();
/** A figure with its bootstrap 95% interval (null bounds: too few resamples had it defined). */
const Interval = z.object({ value: statistic, low: statistic, high: statistic });
export { RaterRef };
export type RaterRef = z.infer<typeof RaterRef>;
const raterChoice = RaterChoice;
const AxisFigures = z.object({
  /** By measure name (core/affect/agreement.ts MEASURES: the ICC forms as McGraw & Wong name them, alpha, CCC, r, RMSE). */
  measures: z.record(z.string(), Interval),
  pairs: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      n: z.number().int(),
      ccc: Interval,
      pearson: Interval,
      rmse: Interval,
      blandAltman: z.object({
        n: z.number().int(),
        meanDifference: statistic,
        sdDifference: statistic,
        lower: statistic,
        upper: statistic,
        points: z.array(z.tuple([z.number(), z.number()])),
      }),
    }),
  ),
});
const GroupAgreement = z.object({
  raters: z.array(z.string()),
  frames: z.number().int(),
  completeFrames: z.number().int(),
  blocks: z.number().int(),
  valence: AxisFigures.nullable(),
  arousal: AxisFigures.nullable(),
});
export const ProjectAgreement = z.object({
  raters: z.array(z.string()),
  method: z.object({ confidence: z.number(), replicates: z.number().int(), seed: z.number().int(), blockSec: z.number(), neighbourhoodSec: z.number() }),
  pooled: GroupAgreement,
  videos: z.array(GroupAgreement.extend({ videoId: z.number().int(), personId: z.number().int(), name: z.string() })),
  leftOut: z.array(z.object({ rater: z.string(), frames: z.number().int() })),
});
export const RaterTrace = z.object({
  rater: z.string(),
  frameIndex: z.array(z.number().int()),
  timeSec: z.array(z.number()),
  valence: z.array(z.number()),
  arousal: z.array(z.number()),
});
export type RaterTrace = z.infer<typeof RaterTrace>;
const FusedLabel = z.object({ videoId: z.number().int(), frameIndex: z.number().int(), valence: z.number(), arousal: z.number() });
const FusionWeights = z.record(z.enum(['valence', 'arousal']), z.record(z.string(), z.number())).nullable();
export type ProjectAgreement = z.infer<typeof ProjectAgreement>;

const faceBox = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

/** One analysed frame: the subject's face (box in video pixels, landmark-model confidence, track) or none. */
export const FaceFrame = z.object({
  frameIndex: z.number().int(),
  face: z.boolean(),
  box: faceBox.nullable(),
  score: z.number().nullable(),
  track: z.number().int().nullable(),
});
export type FaceFrame = z.infer<typeof FaceFrame>;

export const AnalysisStatus = z.object({
  videoId: z.number().int(),
  state: z.enum(['none', 'partial', 'done']),
  framesAnalysed: z.number().int(),
  frameCount: z.number().int(),
  facesFound: z.number().int(),
  detectorRuns: z.number().int(),
  encoder: z.object({ name: z.string(), version: z.string() }).nullable(),
  executionProvider: z.string().nullable(),
});
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

export const ModelsInfo = z.object({
  models: z.array(
    z.object({
      role: z.string(),
      /** The model's job in the analysis: FaceMesh V1 and V2 are both landmark models by role, V1 only the presence gate. */
      purpose: z.string(),
      name: z.string(),
      version: z.string(),
      sha256: z.string(),
      embeddingDim: z.number().int().nullable(),
      executionProvider: z.string(),
    }),
  ),
  /** The execution provider the models run on, and the ones tried before it with the reason each failed. */
  executionProvider: z.string(),
  providersTried: z.array(z.object({ provider: z.string(), error: z.string() })),
  /** Encoders registered in this project (every analysis records the one it used); `active` is the default. */
  projectEncoders: z.array(z.object({ id: z.number().int(), name: z.string(), version: z.string(), sha256: z.string(), active: z.boolean() })),
});
export type ModelsInfo = z.infer<typeof ModelsInfo>;

/** One of a project's encoders, as the Encoders panel lists it (core/app/encoders.ts). */
export const EncoderInfo = z.object({
  /** Null for the shipped encoder until the project registers it. */
  id: z.number().int().nullable(),
  name: z.string(),
  version: z.string(),
  input: z.string(),
  embeddingDim: z.number().int().nullable(),
  /** The scale of the encoder's own valence/arousal outputs [min, max] (the prior reads them), or null: it has none. */
  affectRange: z.tuple([z.number(), z.number()]).nullable(),
  licence: z.string(),
  active: z.boolean(),
  builtIn: z.boolean(),
});
export type EncoderInfo = z.infer<typeof EncoderInfo>;

/** Base64 of little-endian binary; checked for its alphabet here, for its length where it is decoded. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

/**
 * A video's predictions, packed (30,000 frames are ~160 KB, not ~740 KB of JSON): each axis is base64 of int16
 * thousandths (-1 is -1000), -32768 where the frame has no face. With `since` a result the client holds,
 * only the frames that changed are sent: `changedFrames` lists them (base64 uint32) and each axis has one value
 * per listed frame; when null, every frame is sent. src-renderer/api/predictionCodec.ts decodes it.
 * `since` names a result by its resultId (not a revision: a new head changes predictions but not the labels).
 */
export const VideoPredictions = z.object({
  videoId: z.number().int(),
  personId: z.number().int(),
  /** The labels revision (of this annotator) the predictions come from. */
  revision: z.number().int(),
  /** Send it back as `since` to be sent only the frames that changed after this result. */
  resultId: z.number().int(),
  frameCount: z.number().int(),
  changedFrames: base64.nullable(),
  valence: base64,
  arousal: base64,
  valenceSd: base64,
  arousalSd: base64,
  anchors: z.number().int(),
  /** `note`: why the prior predicts although a head is trained (the head reads another descriptor layout). */
  head: z.object({ modelId: z.number().int().nullable(), name: z.string(), version: z.string(), note: z.string().nullable() }),
  /** The held-back score calibrating the bands (its label count, when it was made, ISO), or null: uncalibrated. */
  bandsCalibrated: z.object({ labels: z.number().int(), fittedAt: z.string() }).nullable(),
});
export type VideoPredictions = z.infer<typeof VideoPredictions>;

/**
 * How well the model predicts this video's labels it has not seen: blocked cross-validation in `folds` time
 * blocks, each also leaving out every label within `neighbourhoodSec` of a held-out one. Null below 5 labels.
 */
const BandCoverage = z.object({ valence: z.number(), arousal: z.number(), samples: z.number().int() });

export const HeldBackScore = z
  .object({
    labels: z.number().int(),
    folds: z.number().int(),
    neighbourhoodSec: z.number(),
    /** Each fold's head trained without its left-out labels (a trained head), or the prior head as it is. */
    retrainedPerFold: z.boolean(),
    cccValence: z.number(),
    cccArousal: z.number(),
    rmseValence: z.number(),
    rmseArousal: z.number(),
    /** Share of held-out labels inside the 90% band (±1.645 sd), as predicted and calibrated on the other folds. */
    band90: z.object({ coverage: BandCoverage, calibratedCoverage: BandCoverage.nullable() }),
  })
  .nullable();
export type HeldBackScore = z.infer<typeof HeldBackScore>;

export const FrameSuggestion = z.object({ frameIndex: z.number().int(), score: z.number(), reasons: z.array(z.string()) });
export type FrameSuggestion = z.infer<typeof FrameSuggestion>;

export const PairHeadVersion = z.object({
  modelId: z.number().int(),
  name: z.string(),
  version: z.string(),
  /** The raters whose labels trained it: a head is used only for the one rater who trained it alone. */
  trainedBy: z.array(z.string()),
  /** Whether it is that rater's active head. */
  active: z.boolean(),
  createdAt: z.string(),
  /** The held-out validation of training, from the head's card. */
  validation: z.record(z.string(), z.number()).nullable(),
});
export type PairHeadVersion = z.infer<typeof PairHeadVersion>;

export { LABEL_COLUMNS };
export { isFusedLayer } from '../core/fusedLayers';

/** What importing a labels CSV would do, nothing saved: the import dialog shows it before the user imports. */
export const LabelImportPreview = z.object({
  file: z.string(),
  separator: z.enum([',', ';', '\t']),
  decimalComma: z.boolean(),
  header: z.array(z.string()),
  /** The first rows after the header, with their line in the file. */
  rows: z.array(z.object({ line: z.number().int(), fields: z.array(z.string()) })),
  rowCount: z.number().int(),
  /** The mapping the check used: the one asked for, else the header's names. */
  columns: LabelColumns,
  /** The smallest and largest value in each column, on the file's own scale. */
  observed: z.object({ valence: z.tuple([z.number(), z.number()]).nullable(), arousal: z.tuple([z.number(), z.number()]).nullable() }),
  labels: z.number().int(),
  annotators: z.array(z.string()),
  videos: z.array(z.string()),
  /** Every error (the first 1000 of errorCount): one refuses the whole file. */
  errors: z.array(z.string()),
  errorCount: z.number().int(),
});
export type LabelImportPreview = z.infer<typeof LabelImportPreview>;

/** What importing AFEW-VA clips would do, nothing saved: each clip and its video, the first labels, every error. */
export const AfewVaImportPreview = z.object({
  path: z.string(),
  clips: z.array(z.object({ clip: z.string(), frames: z.number().int(), videoId: z.number().int().nullable(), matchedVideoId: z.number().int().nullable() })),
  /** The first labels: AFEW-VA's own [-10, 10] values and the studio's [-1, 1] ones, and the frame each lands on. */
  rows: z.array(
    z.object({ clip: z.string(), key: z.string(), frameIndex: z.number().int().nullable(), valence10: z.number(), arousal10: z.number(), valence: z.number(), arousal: z.number() }),
  ),
  labels: z.number().int(),
  annotator: z.string(),
  errors: z.array(z.string()),
  errorCount: z.number().int(),
});
export type AfewVaImportPreview = z.infer<typeof AfewVaImportPreview>;

const labelImportRequest = {
  project,
  file: absolutePath,
  range: z.tuple([z.number(), z.number()]).optional(),
  annotator: annotatorName.optional(),
  videoId: videoId.optional(),
  columns: LabelColumns.optional(),
};

/** A facial-action trace (core/vision/actionTraces.ts): its id, its name in the window, the blendshapes it is the mean of. */
export const ActionTrace = z.object({ id: z.string(), label: z.string(), blendshapes: z.array(z.string()) });
export type ActionTrace = z.infer<typeof ActionTrace>;
const traceIds = z.array(z.string().min(1).max(64)).min(1, 'choose at least one trace').max(52);
const TraceChoice = z.object({ chosen: z.array(ActionTrace), available: z.array(ActionTrace) });

/**
 * A person's facial-action traces over a video, packed: each trace's values are base64 of little-endian float32,
 * one per frame, NaN where the person has no face facing the camera. `unavailable` says why there are none
 * (e.g. "no facial actions: analyse again" for an analysis from before them). src-renderer/api/traceCodec.ts decodes it.
 */
export const PersonActionTraces = z.object({
  videoId: z.number().int(),
  personId: z.number().int(),
  frameCount: z.number().int(),
  unavailable: z.string().nullable(),
  traces: z.array(ActionTrace.extend({ values: base64 })),
});
export type PersonActionTraces = z.infer<typeof PersonActionTraces>;

/** Request/response methods: name -> params schema + result schema. */
export const methods = {
  'app.info': { params: empty, result: AppInfo },
  'projects.recent': { params: empty, result: z.array(RecentProject) },
  'projects.create': {
    params: z.object({ dir: absolutePath, name: z.string().trim().min(1).max(200).optional() }).strict(),
    result: ProjectSummary,
  },
  'projects.open': { params: z.object({ dir: absolutePath }).strict(), result: ProjectSummary },
  'projects.forgetRecent': { params: z.object({ dir: absolutePath }).strict(), result: z.array(RecentProject) },
  'videos.list': { params: z.object({ project }).strict(), result: z.array(VideoSummary) },
  'videos.import': {
    /** `analyze` (default true): queue face analysis of each video the import adds, once (core/jobs/analyzeAfterImport.ts). */
    params: z.object({ project, paths: z.array(absolutePath).min(1).max(10_000), analyze: z.boolean().optional() }).strict(),
    result: z.object({ jobId: z.string() }),
  },
  'videos.relink': {
    params: z.object({ project, videoId, path: absolutePath }).strict(),
    result: VideoSummary,
  },
  'videos.frameTimes': {
    params: z.object({ project, videoId }).strict(),
    result: z.object({ ptsSec: z.array(z.number()) }),
  },
  'videos.frames': {
    params: z
      .object({
        project,
        videoId,
        fromFrame: z.number().int().nonnegative(),
        count: z.number().int().min(1).max(MAX_FRAMES_PER_CALL),
        maxWidth: z.number().int().min(16).max(4096),
        maxHeight: z.number().int().min(16).max(4096),
      })
      .strict(),
    result: FrameImages,
  },
  'videos.thumbnails': { params: z.object({ project, videoId }).strict(), result: ThumbnailStrip.nullable() },
  'videos.sound': { params: z.object({ project, videoId }).strict(), result: VideoSound },
  /**
   * The video file itself as a URL (served like the sound), for playing in a <video> element when the browser
   * decodes its codec; null for a folder of frames or a file that is not where it was.
   */
  'videos.source': { params: z.object({ project, videoId }).strict(), result: z.object({ url: z.string().nullable() }) },
  'annotators.list': { params: z.object({ project }).strict(), result: z.array(Annotator) },
  'annotators.add': {
    params: z.object({ project, name: annotatorName }).strict(),
    result: Annotator,
  },
  'annotators.rename': {
    params: z.object({ project, annotatorId, name: annotatorName }).strict(),
    result: Annotator,
  },
  'labels.list': {
    params: z.object({ project, videoId, personId, annotatorId: annotatorId.optional(), viewer: annotatorId.optional() }).strict(),
    result: z.array(Label),
  },
  /**
   * One edit of one video, person and annotator (a label, a move, a deleted label, a live trace, "accept predictions",
   * an undo or redo of any of them): frames to clear and labels to set, saved in one transaction and announced as
   * one data.changed event carrying the new labels revision.
   */
  'labels.apply': {
    params: z
      .object({
        project,
        videoId,
        personId,
        annotatorId,
        origin: labelOrigin,
        sets: z.array(z.object({ frameIndex, valence: affect, arousal: affect }).strict()).max(200_000).default([]),
        deletes: z.array(frameIndex).max(200_000).default([]),
      })
      .strict(),
    result: z.object({ revision: z.number().int(), labels: z.array(Label) }),
  },
  'annotators.view': { params: z.object({ project }).strict(), result: AnnotatorView },
  'annotators.setView': {
    params: z.object({ project, activeAnnotatorId: annotatorId.nullable(), blind: z.boolean() }).strict(),
    result: AnnotatorView,
  },
  /** Starts an export job. csv and json write `folder/name`; afew-va, nova, elan and dataset write a folder `folder/name` of files. */
  'exports.write': {
    params: z
      .object({
        project,
        format: z.enum(EXPORT_FORMATS),
        folder: absolutePath,
        name: z.string().min(1).max(255),
        videoId: videoId.optional(),
        /** With videoId: only this person (default: the video's only person; every person when none is named for a whole-project export). */
        personId: personId.optional(),
        annotator: z.string().min(1).max(100).optional(),
        overwrite: z.boolean().optional(),
        dataset: DatasetRequest.optional(),
      })
      .strict(),
    /** The export job: its result names the files written; progress and cancel as every job. */
    result: z.object({ jobId: z.string() }),
  },
  'labels.import': {
    params: z.object({ ...labelImportRequest, format: z.enum(['csv', 'afew-va']), raterKind: RaterKind.optional(), clips: AfewVaClips.optional() }).strict(),
    /** The label-import job: its result counts the labels, annotators and videos; a cancelled one saves nothing. */
    result: z.object({ jobId: z.string() }),
  },
  /** Checks a labels CSV as `labels.import` would, saving nothing. */
  'labels.checkImport': { params: z.object(labelImportRequest).strict(), result: LabelImportPreview },
  /** Checks AFEW-VA clips (a dataset folder, a clip folder or a NNN.json) as `labels.import` would, saving nothing. */
  'labels.checkAfewVa': {
    params: z.object({ project, path: absolutePath, annotator: annotatorName.optional(), clips: AfewVaClips.optional() }).strict(),
    result: AfewVaImportPreview,
  },
  'agreement.report': {
    params: z.object({ project, videoId: videoId.optional(), personId: personId.optional(), raters: raterChoice.optional() }).strict(),
    result: ProjectAgreement,
  },
  /** Each rater's values on one video as agreement counts them (a model rater outside its neighbourhood). */
  'agreement.traces': {
    params: z.object({ project, videoId, personId: personId.optional(), raters: raterChoice.optional() }).strict(),
    result: z.array(RaterTrace),
  },
  /** The fused layer as `agreement.fuse` would save it, saving nothing. */
  'agreement.fusePreview': {
    params: z.object({ project, method: z.enum(['mean', 'ewe']), videoId: videoId.optional(), personId: personId.optional(), raters: raterChoice.optional() }).strict(),
    result: z.object({ labels: z.array(FusedLabel), weights: FusionWeights }),
  },
  'agreement.fuse': {
    params: z.object({ project, method: z.enum(['mean', 'ewe']), videoId: videoId.optional(), personId: personId.optional(), raters: raterChoice.optional() }).strict(),
    result: z.object({ annotator: Annotator, labels: z.number().int(), weights: FusionWeights }),
  },
  /**
   * Starts the study report job (one self-contained HTML file, agreement between `raters`, written as `name` in
   * `folder` under the exports' rules): progress and cancel as every job, its result names the file.
   */
  'report.write': {
    params: z.object({ project, folder: absolutePath, name: z.string().min(1).max(255), overwrite: z.boolean().default(false), raters: raterChoice.optional() }).strict(),
    result: z.object({ jobId: z.string() }),
  },
  'analysis.start': { params: z.object({ project, videoId }).strict(), result: z.object({ jobId: z.string() }) },
  'analysis.status': { params: z.object({ project, videoId }).strict(), result: AnalysisStatus },
  'analysis.faces': {
    params: z.object({ project, videoId, personId: personId.optional() }).strict(),
    result: z.object({ videoId: z.number().int(), frameCount: z.number().int(), frames: z.array(FaceFrame) }),
  },
  /** Which videos were analysed under an older descriptor contract (no facial actions): the project page offers to analyse them again. */
  'analysis.descriptors': {
    params: z.object({ project }).strict(),
    result: z.object({
      latestVersion: z.number().int(),
      /** The version every video is read under: the lowest among the analysed videos. */
      projectVersion: z.number().int(),
      olderVideos: z.array(z.object({ videoId: z.number().int(), descriptorVersion: z.number().int() })),
    }),
  },
  'models.info': { params: z.object({ project }).strict(), result: ModelsInfo },
  'encoders.list': { params: z.object({ project }).strict(), result: z.array(EncoderInfo) },
  /** Checks a lab's encoder (FILE.onnx, its card beside it) on every execution provider, copies it in, registers it. */
  'encoders.import': { params: z.object({ project, file: absolutePath }).strict(), result: EncoderInfo },
  /** Chooses the encoder the next analysis uses. */
  'encoders.use': { params: z.object({ project, encoderId: z.number().int().positive() }).strict(), result: z.array(EncoderInfo) },
  'predictions.get': {
    params: z.object({ project, videoId, personId, annotatorId, since: z.number().int().nonnegative().optional() }).strict(),
    result: VideoPredictions,
  },
  'predictions.heldOut': { params: z.object({ project, videoId, personId, annotatorId }).strict(), result: HeldBackScore },
  'suggestions.list': {
    params: z.object({ project, videoId, personId, annotatorId, count: z.number().int().min(1).max(100) }).strict(),
    result: z.array(FrameSuggestion),
  },
  'persons.list': { params: z.object({ project, videoId }).strict(), result: z.array(Person) },
  'persons.rename': {
    params: z.object({ project, videoId, personId, name: z.string().trim().min(1, 'a person needs a name (it is blank)').max(100) }).strict(),
    result: Person,
  },
  /** Whether the person is coded (labelled). */
  'persons.choose': { params: z.object({ project, videoId, personId, coded: z.boolean() }).strict(), result: Person },
  /** `from` joins `into` (its faces and labels); refused, changing nothing, where both have a label on a frame. */
  'persons.merge': { params: z.object({ project, videoId, into: personId, from: personId }).strict(), result: PersonChange },
  /** The person's faces from `fromFrame` on, or those of track `trackId`, become a new person, with their labels. */
  'persons.split': {
    params: z
      .object({ project, videoId, personId, fromFrame: frameIndex.optional(), trackId: z.number().int().nonnegative().optional() })
      .strict()
      .refine((p) => (p.fromFrame === undefined) !== (p.trackId === undefined), 'name either fromFrame or trackId'),
    result: PersonChange.extend({ newPersonId: z.number().int() }),
  },
  /** Whose face is at (x, y) of the frame, in video pixels (clicking a face picks its person); null: nobody's. */
  'persons.at': {
    params: z.object({ project, videoId, frameIndex, x: z.number().finite(), y: z.number().finite() }).strict(),
    result: z.object({ personId: z.number().int().nullable() }),
  },
  /**
   * Each person's face box, in video pixels, on the frames `fromFrame` to `fromFrame + count` (frames with nobody
   * are left out): fetched a chunk ahead, as frames are, so playback draws who is who without waiting.
   */
  'persons.boxes': {
    params: z.object({ project, videoId, fromFrame: frameIndex, count: z.number().int().min(1).max(MAX_BOX_FRAMES_PER_CALL) }).strict(),
    result: z.array(z.object({ frameIndex, boxes: z.array(z.object({ personId: z.number().int(), box: faceBox, turnedAway: z.boolean() })) })),
  },
  /** Where each person is seen: runs of frames [first, last + 1). */
  'persons.visibility': {
    params: z.object({ project, videoId }).strict(),
    result: z.array(z.object({ personId: z.number().int(), segments: z.array(z.tuple([z.number().int(), z.number().int()])) })),
  },
  /** The person's traces (the project's chosen ones unless `traces` names others). */
  'actions.traces': {
    params: z.object({ project, videoId, personId: personId.optional(), traces: traceIds.optional() }).strict(),
    result: PersonActionTraces,
  },
  /** The project's chosen traces, and every one it could choose. */
  'actions.choice': { params: z.object({ project }).strict(), result: TraceChoice },
  'actions.choose': { params: z.object({ project, traces: traceIds }).strict(), result: TraceChoice },
  'heads.list': { params: z.object({ project }).strict(), result: z.array(PairHeadVersion) },
  'heads.train': { params: z.object({ project, annotatorId }).strict(), result: z.object({ jobId: z.string() }) },
  'heads.activate': { params: z.object({ project, modelId: z.number().int().positive() }).strict(), result: z.array(PairHeadVersion) },
  'jobs.list': { params: z.object({ project }).strict(), result: z.array(JobProgress) },
  'jobs.cancel': { params: z.object({ project, jobId: z.string().uuid() }).strict(), result: z.object({}) },
  'dialog.chooseFolder': {
    params: z.object({ title: z.string().max(200) }).strict(),
    result: z.object({ path: z.string().nullable() }),
  },
  /** Shows a file an export wrote in the system's file manager (desktop app only: `shown` is false in browser mode). */
  'dialog.showInFolder': { params: z.object({ path: absolutePath }).strict(), result: z.object({ shown: z.boolean() }) },
} as const;

/** Events main pushes to every connected client. */
export const events = {
  'job.progress': JobProgress,
  'data.changed': z.object({
    entity: z.enum(['recentProjects', 'videos', 'persons', 'labels', 'predictions', 'traces']),
    projectPath: z.string().optional(),
    /** labels.apply names what it changed and the labels revision after it, so a client can skip its own edits. */
    videoId: z.number().int().optional(),
    personId: z.number().int().optional(),
    annotatorId: z.number().int().optional(),
    revision: z.number().int().optional(),
  }),
  /** A large project's background check finished: it is now writable, or damaged and stays read-only. */
  'project.access': z.object({ projectPath: z.string(), access: ProjectAccess }),
} as const;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
