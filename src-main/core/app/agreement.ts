/**
 * Use cases for inter-rater agreement and fusion: load the videos in scope, every annotator's labels on them and,
 * for each model rater, the model's current predictions anchored on its annotator, then hand them to the pure
 * engine (affect/projectAgreement.ts); a fused layer is previewed, or saved as one transaction.
 */
import type { BootstrapOptions } from '../affect/blockBootstrap';
import {
  FUSION_METHODS,
  fuseLayer,
  projectAgreement,
  raterTraces,
  type Axis,
  type FrameValues,
  type FusedLayer,
  type FusionMethod,
  type LabelledVideos,
  type ProjectAgreement,
  type RaterRef,
  type RaterTrace,
} from '../affect/projectAgreement';
import type { AnnotatorId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import { currentRun, runPredictions } from './predictions';
import type { ProjectContext } from './projectContext';
import { videoOf } from './videos';

export interface Scope {
  /** One video; default every indexed video. */
  videoId?: VideoId;
  /** Default: the human annotators with labels in scope. */
  raters?: readonly RaterRef[];
}

export function agreementReport(project: ProjectContext, scope: Scope, options?: BootstrapOptions): Promise<ProjectAgreement> {
  return labelledVideos(project, scope).then((data) => projectAgreement(data, scope.raters, options));
}

/** Each chosen rater's values on one video, as agreement counts them: what the agreement view draws. */
export async function agreementTraces(project: ProjectContext, videoId: VideoId, raters?: readonly RaterRef[]): Promise<RaterTrace[]> {
  return raterTraces(await labelledVideos(project, { videoId, raters }), videoId, raters);
}

export interface FusionResult {
  annotator: Annotator;
  labels: number;
  weights: Record<Axis, Record<string, number>> | null;
}

/** The fused layer as it would be saved, without saving it: the agreement view's preview. */
export async function previewFusion(project: ProjectContext, method: FusionMethod, scope: Scope): Promise<FusedLayer> {
  return fuseLayer(await labelledVideos(project, scope), method, scope.raters);
}

/** Saves the annotators' fused labels as the "gold (<method>)" layer of the videos in scope. */
export async function fuseAnnotators(project: ProjectContext, method: FusionMethod, scope: Scope): Promise<FusionResult> {
  const data = await labelledVideos(project, scope);
  const { labels, weights } = fuseLayer(data, method, scope.raters);
  const annotator = await project.stores.annotators.replaceImportedLayer(
    FUSION_METHODS[method],
    data.videos.map((video) => video.id),
    labels,
  );
  return { annotator, labels: labels.length, weights };
}

/**
 * One video, or every video whose frames are indexed, with their frame times and labels, and the model's
 * predictions anchored on each annotator a model rater names. Those are the current run (recomputed if the labels
 * or head changed since it was saved): a stale run may rest on labels since moved, whose frames would then not be
 * left out.
 */
async function labelledVideos(project: ProjectContext, scope: Scope): Promise<LabelledVideos> {
  const records = scope.videoId === undefined ? (await project.stores.videos.list()).filter((video) => video.status === 'ready') : [await videoOf(project, scope.videoId)];
  const annotators = await project.stores.annotators.list();
  const anchoredOn = annotators.filter((a) => scope.raters?.some((r) => r.kind === 'model' && r.anchoredOn === a.name));
  const videos = [];
  const labels = new Map<VideoId, Awaited<ReturnType<typeof project.stores.annotators.layers>>>();
  const model = new Map<VideoId, Map<AnnotatorId, FrameValues>>();
  for (const video of records) {
    const frameTimesSec = (await project.stores.videos.frames(video.id)).map((frame) => frame.ptsSec);
    videos.push({ id: video.id, displayName: video.displayName, frameTimesSec });
    labels.set(video.id, await project.stores.annotators.layers(video.id));
    model.set(video.id, await modelRuns(project, video.id, anchoredOn));
  }
  return { videos, annotators, labels, model };
}

async function modelRuns(project: ProjectContext, videoId: VideoId, anchoredOn: readonly Annotator[]): Promise<Map<AnnotatorId, FrameValues>> {
  const runs = new Map<AnnotatorId, FrameValues>();
  for (const annotator of anchoredOn) {
    const run = await currentRun(project, videoId, annotator.id);
    if (!run) continue;
    const rows = await runPredictions(project, run);
    runs.set(annotator.id, new Map(rows.map((row) => [row.frameIndex, { valence: row.valence, arousal: row.arousal }])));
  }
  return runs;
}
