/**
 * Use cases for the predictions of a person of a video: what the labelling loop asks after every edit (predictions.get,
 * suggestions.list), and the model runs exports read.
 *
 * The loop must answer within tens of milliseconds on a 20-minute video (issue 13), so per person and annotator
 * the newest prediction is kept with the labels revision it came from: a second request at that revision (the
 * suggestions after the predictions) computes nothing, and the last few quantised results stay so a client that
 * holds one of them is sent only the frames that changed. Reading never writes: a run is saved a little after
 * the labels change, and an export first recomputes any run that is missing or stale.
 */
import { CoverageIndex, suggestFrames, UnitRows, type Suggestion } from '../active/suggest';
import { defaultConfigDir } from '../appDirs';
import { logUnexpected } from '../errorLog';
import { StudioError } from '../errors';
import { predictionAnnotator } from '../annotation/annotatorView';
import type { VideoPrediction } from '../affect/projectPredictor';
import type { AnnotatorId, LabelsRevision, PersonId, VideoId } from '../ids';
import type { PredictionRow, StoredRun } from '../store/predictionStore';
import { annotatorOf } from './annotators';
import { personOf } from './persons';
import { videoOf } from './videos';
import type { ProjectContext } from './projectContext';

/**
 * Predictions as sent: int16 thousandths (three decimals, finer than a timeline or a label shows; a frame whose
 * values moved less than that is not resent), NO_FACE where a frame has no face, little-endian, base64. 30,000
 * frames are 160 KB instead of ~740 KB of JSON.
 */
export const NO_FACE = -32768;

export interface PackedPredictions {
  videoId: VideoId;
  personId: PersonId;
  /** The annotator's labels revision these predictions come from. */
  revision: LabelsRevision;
  /** Names this result: send it back as `since` to be sent only what changed after it. */
  resultId: number;
  frameCount: number;
  /** null: every frame is sent. Else base64 little-endian uint32 frame indexes, the only frames sent. */
  changedFrames: string | null;
  valence: string;
  arousal: string;
  valenceSd: string;
  arousalSd: string;
  anchors: number;
  head: VideoPrediction['head'];
  bandsCalibrated: VideoPrediction['bandsCalibrated'];
}

interface Quantised {
  resultId: number;
  axes: [Int16Array, Int16Array, Int16Array, Int16Array];
}

interface Layer {
  generation: number;
  revision: LabelsRevision;
  analysis: string;
  prediction: VideoPrediction;
  /** Newest last; the current result is the last entry. */
  history: Quantised[];
  suggestions: Map<number, Suggestion[]>;
}

/** Results kept per video and annotator for diffs: an edit's answer usually diffs against the one before it. */
const KEPT_RESULTS = 4;
const layers = new WeakMap<ProjectContext, Map<string, Layer>>();
/** Result ids are unique in the process: a result of another head or video never passes for the one a client holds. */
let lastResultId = 0;

/** The prediction of the annotator's current labels, computed at most once per labels revision, head and analysis. */
async function currentLayer(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): Promise<Layer> {
  const revision = await project.stores.labels.revision(annotatorId);
  const analysis = await project.stores.predictions.analysisStamp(videoId);
  const byLayer = layers.get(project) ?? new Map<string, Layer>();
  layers.set(project, byLayer);
  const key = layerKey(videoId, personId, annotatorId);
  const cached = byLayer.get(key);
  const generation = project.predictor.generation;
  if (cached && cached.revision === revision && cached.generation === generation && cached.analysis === analysis) return cached;
  const prediction = project.predictor.predict(videoId, personId, annotatorId);
  const kept = cached && cached.generation === generation ? cached.history.slice(1 - KEPT_RESULTS) : [];
  const layer: Layer = { generation, revision, analysis, prediction, history: [...kept, quantise(prediction)], suggestions: new Map() };
  byLayer.set(key, layer);
  return layer;
}

function layerKey(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): string {
  return `${videoId}/${personId}/${annotatorId}`;
}

/** The person's predictions for the annotator; with `since` (a resultId), only the frames that changed after it. */
export async function videoPredictions(
  project: ProjectContext,
  videoId: VideoId,
  personId: PersonId,
  annotatorId: AnnotatorId,
  since?: number,
): Promise<PackedPredictions> {
  await personOf(project, videoId, personId);
  await annotatorOf(project, annotatorId);
  const layer = await currentLayer(project, videoId, personId, annotatorId);
  const current = layer.history[layer.history.length - 1] as Quantised;
  const base = layer.history.find((q) => q.resultId === since);
  const changed = base ? changedFrames(base, current) : null;
  const frameCount = layer.prediction.valence.length;
  // Past a third of the video, the index list costs more than it saves.
  const sendAll = changed === null || changed.length > frameCount / 3;
  const pick = (values: Int16Array) => (sendAll ? values : Int16Array.from(changed, (f) => values[f] as number));
  const [valence, arousal, valenceSd, arousalSd] = current.axes.map((values) => base64(pick(values)));
  return {
    videoId,
    personId,
    revision: layer.revision,
    resultId: current.resultId,
    frameCount,
    changedFrames: sendAll ? null : base64(Uint32Array.from(changed)),
    valence: valence as string,
    arousal: arousal as string,
    valenceSd: valenceSd as string,
    arousalSd: arousalSd as string,
    anchors: layer.prediction.anchors,
    head: layer.prediction.head,
    bandsCalibrated: layer.prediction.bandsCalibrated,
  };
}

/** Unit descriptors per person, shared by the annotators; a re-analysis gives new descriptors and so new rows. */
const unitRows = new WeakMap<readonly (Float32Array | null)[], UnitRows>();
const coverages = new WeakMap<ProjectContext, Map<string, CoverageIndex>>();

/** The kept coverage state of a person and annotator (suggest.ts): an edit then updates it instead of recomputing it. */
function coverageOf(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): CoverageIndex {
  const descriptors = project.predictor.descriptors(videoId, personId);
  const rows = unitRows.get(descriptors) ?? new UnitRows(descriptors);
  unitRows.set(descriptors, rows);
  const byVideo = coverages.get(project) ?? new Map<string, CoverageIndex>();
  coverages.set(project, byVideo);
  const key = layerKey(videoId, personId, annotatorId);
  const kept = byVideo.get(key);
  if (kept && kept.rows === rows) return kept;
  const coverage = new CoverageIndex(rows);
  byVideo.set(key, coverage);
  return coverage;
}

/**
 * The frames to label next, from the same prediction (not recomputed while the labels stay as they are). An
 * annotator id that names nobody has no labels: it gets the first batch (the CLI asks so before anyone labels).
 */
export async function nextSuggestions(
  project: ProjectContext,
  videoId: VideoId,
  personId: PersonId,
  annotatorId: AnnotatorId,
  count: number,
): Promise<Suggestion[]> {
  await personOf(project, videoId, personId);
  const layer = await currentLayer(project, videoId, personId, annotatorId);
  const known = layer.suggestions.get(count);
  if (known) return known;
  const { prediction } = layer;
  const labelled = new Set((await project.stores.labels.list(videoId, { personId, annotatorId })).map((label) => label.frameIndex));
  const suggestions = suggestFrames(
    {
      frameCount: prediction.valence.length,
      ptsSec: project.predictor.frameTimes(videoId, personId),
      hasFace: prediction.hasFace,
      labelled,
      descriptors: project.predictor.descriptors(videoId, personId),
      coverage: coverageOf(project, videoId, personId, annotatorId),
      // Before the first label the smoother's sd is the prior everywhere: it says nothing about where to look.
      predictionSd: prediction.anchors > 0 ? { valence: prediction.valenceSd, arousal: prediction.arousalSd } : null,
      anchorSpread: prediction.anchors > 0 ? prediction.anchorSpread : null,
    },
    { count },
  );
  layer.suggestions.set(count, suggestions);
  warmInIdleMoments(project, layerKey(videoId, personId, annotatorId));
  return suggestions;
}

/** Frames whose coverage is computed per turn of the event loop: a few ms at 1,000 labels, what an edit may wait. */
const WARM_FRAMES_PER_TURN = 16;
const warming = new WeakSet<CoverageIndex>();

/**
 * Fills in the rest of the video's coverage a little at a time: the next edit moves the candidates to frames not
 * computed yet, and computing 2,000 of them against 1,000 labels at once is the half-second stall this avoids.
 * Stops when the state is dropped (project closed, video re-analysed); never keeps a CLI process alive.
 */
function warmInIdleMoments(project: ProjectContext, key: string): void {
  const coverage = coverages.get(project)?.get(key);
  if (!coverage || warming.has(coverage)) return;
  warming.add(coverage);
  const step = () => {
    if (coverages.get(project)?.get(key) === coverage && coverage.warm(WARM_FRAMES_PER_TURN)) setTimeout(step, 0).unref();
    else warming.delete(coverage);
  };
  setTimeout(step, 0).unref();
}

/**
 * The annotator's model run of a person as it should be now: the saved one if it came from their current labels,
 * the active head and the current analysis, else recomputed and saved first. Null when the video has no face to
 * predict from (not analysed, or no face found).
 */
export async function currentRun(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): Promise<StoredRun | null> {
  const saved = await project.stores.predictions.newestRun(videoId, personId, annotatorId);
  const revision = await project.stores.labels.revision(annotatorId);
  if (saved && saved.labelsRevision === revision && saved.fromCurrentAnalysis) {
    const { head } = (await currentLayer(project, videoId, personId, annotatorId)).prediction;
    if (head.modelId === null ? saved.priorHead && saved.headName === head.name : saved.pairHeadId === head.modelId) return saved;
  }
  // A read-only project (damaged, or on a read-only disk) cannot store a new run: exports use what it holds.
  if (project.access.mode !== 'read-write') return saved;
  return saveLayer(project, videoId, personId, annotatorId);
}

/**
 * Makes every run an export will read current: for each coded person of each ready video (or the one named;
 * with a person, that one), the predictions of the annotator the export shows them for (see predictionAnnotator).
 */
export async function refreshRunsForExport(
  project: ProjectContext,
  options: { videoId?: VideoId; personId?: PersonId; annotators?: readonly string[] },
): Promise<void> {
  const all = await project.stores.annotators.list();
  const view = await project.stores.annotators.view();
  const names = options.annotators?.length ? options.annotators : [undefined];
  const annotatorIds = new Set(names.map((name) => predictionAnnotator(all, view, name)).filter((id): id is AnnotatorId => id !== null));
  if (options.videoId !== undefined) await videoOf(project, options.videoId);
  const videoIds = options.videoId === undefined ? await readyVideoIds(project) : [options.videoId];
  for (const videoId of videoIds) {
    // The export's persons (frameTable.ts): the one named, else every coded one.
    const persons = (await project.stores.persons.list(videoId)).filter((p) => (options.personId === undefined ? p.coded : p.personId === options.personId));
    for (const { personId } of persons) {
      for (const annotatorId of annotatorIds) await currentRun(project, videoId, personId, annotatorId);
    }
  }
}

/** The rows of a run, by frame (frames without a face have none). */
export function runPredictions(project: ProjectContext, run: StoredRun): Promise<PredictionRow[]> {
  return project.stores.predictions.rows(run.runId);
}

async function readyVideoIds(project: ProjectContext): Promise<VideoId[]> {
  return (await project.stores.videos.list()).filter((video) => video.status === 'ready').map((video) => video.id);
}

async function saveLayer(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): Promise<StoredRun | null> {
  const { prediction, revision } = await currentLayer(project, videoId, personId, annotatorId);
  if (!prediction.hasFace.includes(1)) return null;
  const { valence, arousal, valenceSd, arousalSd, hasFace, anchors, head } = prediction;
  const runId = await project.stores.predictions.saveRun({ videoId, personId, annotatorId, pairHeadId: head.modelId, priorName: head.name, labelsRevision: revision, anchors, valence, arousal, valenceSd, arousalSd, hasFace });
  // Null: the project closed while the run was being written.
  return runId === null ? null : project.stores.predictions.newestRun(videoId, personId, annotatorId);
}

/** Seconds of quiet after a label edit before the edited person's run is saved, so a burst of edits saves once. */
const SAVE_AFTER_MS = 2000;
const pendingSaves = new WeakMap<ProjectContext, Map<string, NodeJS.Timeout>>();

/**
 * Saves the layer's run once its labels have been quiet for a moment, off the request path (the save itself is
 * written in chunks). Other videos' runs of the annotator go stale too (their labels are weak anchors everywhere):
 * exports recompute those.
 */
export function saveRunSoon(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): void {
  const timers = pendingSaves.get(project) ?? new Map<string, NodeJS.Timeout>();
  pendingSaves.set(project, timers);
  const key = layerKey(videoId, personId, annotatorId);
  clearTimeout(timers.get(key));
  const timer = setTimeout(() => {
    timers.delete(key);
    // Nobody waits on this save to show its error: a bug goes to the error log, a refusal (read-only) nowhere.
    currentRun(project, videoId, personId, annotatorId).catch((error: unknown) => {
      if (!(error instanceof StudioError)) logUnexpected(defaultConfigDir(), 'saving predictions', error);
    });
  }, SAVE_AFTER_MS);
  // A pending save must not keep a CLI process alive: an export recomputes a run that was never saved.
  timer.unref();
  timers.set(key, timer);
}

/**
 * Drops the saves not yet due (the project is closing); the runs are recomputed when an export needs them. Also
 * stops filling in coverage.
 */
export function cancelPendingSaves(project: ProjectContext): void {
  for (const timer of pendingSaves.get(project)?.values() ?? []) clearTimeout(timer);
  pendingSaves.delete(project);
  coverages.delete(project);
}

/** Plain loops: this runs on every edit over every frame (4 x 30,000 values on a 20-minute video). */
function quantise(prediction: VideoPrediction): Quantised {
  const { hasFace } = prediction;
  const pack = (values: Float32Array) => {
    const out = new Int16Array(values.length);
    for (let f = 0; f < values.length; f++) {
      const v = Math.round((values[f] as number) * 1000);
      out[f] = hasFace[f] ? (v > 32767 ? 32767 : v < -32767 ? -32767 : v) : NO_FACE;
    }
    return out;
  };
  return { resultId: ++lastResultId, axes: [pack(prediction.valence), pack(prediction.arousal), pack(prediction.valenceSd), pack(prediction.arousalSd)] };
}

function changedFrames(before: Quantised, after: Quantised): number[] {
  const length = after.axes[0].length;
  if (before.axes[0].length !== length) return Array.from({ length }, (_, f) => f);
  const [v0, a0, vs0, as0] = before.axes;
  const [v1, a1, vs1, as1] = after.axes;
  const changed: number[] = [];
  for (let f = 0; f < length; f++) {
    if (v0[f] !== v1[f] || a0[f] !== a1[f] || vs0[f] !== vs1[f] || as0[f] !== as1[f]) changed.push(f);
  }
  return changed;
}

function base64(values: Int16Array | Uint32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
