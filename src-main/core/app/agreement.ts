/**
 * Use cases for inter-rater agreement and fusion: load the videos in scope, every annotator's labels on them and
 * each annotator's newest model run, then hand them to the pure engine (affect/projectAgreement.ts); a fused layer is saved
 * as one transaction.
 */
import { FUSION_METHODS, fuseLayer, projectAgreement, type FrameValues, type FusionMethod, type FusionResult, type LabelledVideos, type ProjectAgreement, type Scope } from '../affect/projectAgreement';
import type { AnnotatorId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import type { ProjectContext } from './projectContext';
import { videoOf } from './videos';

export async function agreementReport(project: ProjectContext, scope: Scope): Promise<ProjectAgreement> {
  return projectAgreement(await labelledVideos(project, scope.videoId), scope.annotators);
}

/** Saves the annotators' fused labels as the "gold (<method>)" layer of the videos in scope. */
export async function fuseAnnotators(project: ProjectContext, method: FusionMethod, scope: Scope): Promise<FusionResult> {
  const data = await labelledVideos(project, scope.videoId);
  const { labels, weights } = fuseLayer(data, method, scope.annotators);
  const annotator = await project.stores.annotators.replaceImportedLayer(
    FUSION_METHODS[method],
    data.videos.map((video) => video.id),
    labels,
  );
  return { annotator, labels: labels.length, weights };
}

/** One video, or every video whose frames are indexed, with their labels and each annotator's newest model run. */
async function labelledVideos(project: ProjectContext, videoId: VideoId | undefined): Promise<LabelledVideos> {
  const videos = videoId === undefined ? (await project.stores.videos.list()).filter((video) => video.status === 'ready') : [await videoOf(project, videoId)];
  const labels = new Map(await Promise.all(videos.map(async (video) => [video.id, await project.stores.annotators.layers(video.id)] as const)));
  const annotators = await project.stores.annotators.list();
  const model = new Map(
    await Promise.all(videos.map(async (video) => [video.id, await annotatorRuns(project, video.id, annotators)] as const)),
  );
  return { videos, annotators, labels, model };
}

/** Each annotator's newest saved run of the video, by frame (stale runs included: agreement reads, never computes). */
async function annotatorRuns(project: ProjectContext, videoId: VideoId, annotators: readonly Annotator[]): Promise<Map<AnnotatorId, FrameValues>> {
  const runs = new Map<AnnotatorId, FrameValues>();
  for (const annotator of annotators) {
    const run = await project.stores.predictions.newestRun(videoId, annotator.id);
    if (!run) continue;
    const rows = await project.stores.predictions.rows(run.runId);
    runs.set(annotator.id, new Map(rows.map((row) => [row.frameIndex, { valence: row.valence, arousal: row.arousal }])));
  }
  return runs;
}
