/**
 * Use cases for inter-rater agreement and fusion: load the videos in scope, every annotator's labels on them (of
 * every person, or of the one person named with a video) and each annotator's newest model run per person, then hand them to the pure engine (affect/projectAgreement.ts); a fused layer is saved
 * as one transaction.
 */
import { FUSION_METHODS, fuseLayer, projectAgreement, type FrameValues, type FusionMethod, type FusionResult, type LabelledVideos, type ProjectAgreement, type Scope } from '../affect/projectAgreement';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import { StudioError } from '../errors';
import type { ProjectContext } from './projectContext';
import { personOf } from './persons';
import { videoOf } from './videos';

export async function agreementReport(project: ProjectContext, scope: Scope): Promise<ProjectAgreement> {
  return projectAgreement(await labelledVideos(project, scope), scope.annotators);
}

/** Saves the annotators' fused labels as the "gold (<method>)" layer of the videos in scope. */
export async function fuseAnnotators(project: ProjectContext, method: FusionMethod, scope: Scope): Promise<FusionResult> {
  const data = await labelledVideos(project, scope);
  const { labels, weights } = fuseLayer(data, method, scope.annotators);
  const annotator = await project.stores.annotators.replaceImportedLayer(
    FUSION_METHODS[method],
    data.videos.map((video) => video.id),
    labels,
  );
  return { annotator, labels: labels.length, weights };
}

/** One video, or every video whose frames are indexed, with their labels and each annotator's newest model runs. */
async function labelledVideos(project: ProjectContext, { videoId, personId }: Scope): Promise<LabelledVideos> {
  const videos = videoId === undefined ? (await project.stores.videos.list()).filter((video) => video.status === 'ready') : [await videoOf(project, videoId)];
  if (personId !== undefined) {
    if (videoId === undefined) throw new StudioError('A person is a person of one video; name the video too.');
    await personOf(project, videoId, personId);
  }
  const inScope = (label: { personId: PersonId }) => personId === undefined || label.personId === personId;
  const labels = new Map(
    await Promise.all(videos.map(async (video) => [video.id, (await project.stores.annotators.layers(video.id)).filter(inScope)] as const)),
  );
  const annotators = await project.stores.annotators.list();
  const model = new Map(
    await Promise.all(videos.map(async (video) => [video.id, await annotatorRuns(project, video.id, annotators)] as const)),
  );
  return { videos, annotators, labels, model };
}

/** Each annotator's newest saved run of each person, by frame (stale runs included: agreement reads, never computes). */
async function annotatorRuns(project: ProjectContext, videoId: VideoId, annotators: readonly Annotator[]): Promise<Map<AnnotatorId, Map<PersonId, FrameValues>>> {
  const persons = await project.stores.persons.list(videoId);
  const runs = new Map<AnnotatorId, Map<PersonId, FrameValues>>();
  for (const annotator of annotators) {
    const byPerson = new Map<PersonId, FrameValues>();
    for (const { personId } of persons) {
      const run = await project.stores.predictions.newestRun(videoId, personId, annotator.id);
      if (!run) continue;
      const rows = await project.stores.predictions.rows(run.runId);
      byPerson.set(personId, new Map(rows.map((row) => [row.frameIndex, { valence: row.valence, arousal: row.arousal }])));
    }
    if (byPerson.size > 0) runs.set(annotator.id, byPerson);
  }
  return runs;
}
