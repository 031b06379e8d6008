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
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import { currentRun, runPredictions } from './predictions';
import type { ProjectContext } from './projectContext';
import { personOf } from './persons';
import { videoOf } from './videos';

export interface Scope {
  /** One video; default every indexed video. */
  videoId?: VideoId;
  /** With videoId: only this person's labels; default every person, each a group of its own. */
  personId?: PersonId;
  /** Default: the human annotators with labels in scope. */
  raters?: readonly RaterRef[];
}

export function agreementReport(project: ProjectContext, scope: Scope, options?: BootstrapOptions): Promise<ProjectAgreement> {
  return labelledVideos(project, scope).then((data) => projectAgreement(data, scope.raters, options));
}

/** Each chosen rater's values on one video, as agreement counts them: what the agreement view draws. */
export async function agreementTraces(project: ProjectContext, videoId: VideoId, raters?: readonly RaterRef[], personId?: PersonId): Promise<RaterTrace[]> {
  return raterTraces(await labelledVideos(project, { videoId, personId, raters }), videoId, raters, personId);
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
  if (scope.personId !== undefined) {
    if (scope.videoId === undefined) throw new StudioError('A person is a person of one video; name the video too.');
    await personOf(project, scope.videoId, scope.personId);
  }
  const inScope = (label: { personId: PersonId }) => scope.personId === undefined || label.personId === scope.personId;
  const annotators = await project.stores.annotators.list();
  const anchoredOn = annotators.filter((a) => scope.raters?.some((r) => r.kind === 'model' && r.anchoredOn === a.name));
  const videos = [];
  const labels = new Map<VideoId, Awaited<ReturnType<typeof project.stores.annotators.layers>>>();
  const model = new Map<VideoId, Map<AnnotatorId, Map<PersonId, FrameValues>>>();
  for (const video of records) {
    const frameTimesSec = (await project.stores.videos.frames(video.id)).map((frame) => frame.ptsSec);
    videos.push({ id: video.id, displayName: video.displayName, frameTimesSec });
    labels.set(video.id, (await project.stores.annotators.layers(video.id)).filter(inScope));
    model.set(video.id, await modelRuns(project, video.id, anchoredOn, scope.personId));
  }
  return { videos, annotators, labels, model };
}

async function modelRuns(
  project: ProjectContext,
  videoId: VideoId,
  anchoredOn: readonly Annotator[],
  personId: PersonId | undefined,
): Promise<Map<AnnotatorId, Map<PersonId, FrameValues>>> {
  const runs = new Map<AnnotatorId, Map<PersonId, FrameValues>>();
  if (anchoredOn.length === 0) return runs;
  const persons = personId === undefined ? (await project.stores.persons.list(videoId)).map((p) => p.personId) : [personId];
  for (const annotator of anchoredOn) {
    const byPerson = new Map<PersonId, FrameValues>();
    for (const person of persons) {
      const run = await currentRun(project, videoId, person, annotator.id);
      if (!run) continue;
      const rows = await runPredictions(project, run);
      byPerson.set(person, new Map(rows.map((row) => [row.frameIndex, { valence: row.valence, arousal: row.arousal }])));
    }
    runs.set(annotator.id, byPerson);
  }
  return runs;
}
