/** Use cases for the face analysis: ask for it, its status per video, the faces it found, the models it uses. */
import { LATEST_DESCRIPTOR_VERSION, projectDescriptorVersion } from '../affect/descriptorLayout';
import { analysisStatus as statusView, modelsInUse as probeModels, type AnalysisStatusView } from '../analysis/analysisAccess';
import { ANALYZE_JOB, checkAnalyzable } from '../analysis/analyzeJob';
import { importedEncoderFile } from '../analysis/projectEncoders';
import type { JobId, PersonId, VideoId } from '../ids';
import type { FaceFrame } from '../store/analysisStore';
import { FIRST_PERSON } from '../store/personStore';
import type { ProjectContext } from './projectContext';
import { listVideos, videoOf } from './videos';

/**
 * Queues the analysis of one video, or of every video that is ready and where it was imported from. Every video is
 * checked before any job is queued, so a mistake is reported at once and queues nothing.
 */
export async function requestAnalysis(project: ProjectContext, only?: VideoId): Promise<JobId[]> {
  const videos = only === undefined ? (await listVideos(project)).filter((v) => v.status === 'ready' && !v.missing) : [await videoOf(project, only)];
  videos.forEach(checkAnalyzable);
  return videos.map((video) => project.jobs.enqueue(ANALYZE_JOB, { videoId: video.id }));
}

/**
 * The descriptor contract of the project's analyses: the version all videos are read under (the lowest) and the
 * videos analysed under an older one than analysis writes today, which an analysis again gives facial actions.
 */
export async function descriptorStatus(project: ProjectContext): Promise<{ latestVersion: number; projectVersion: number; olderVideos: { videoId: VideoId; descriptorVersion: number }[] }> {
  const analysed = await project.stores.analysis.descriptorVersions();
  return {
    latestVersion: LATEST_DESCRIPTOR_VERSION,
    projectVersion: projectDescriptorVersion(analysed.map((a) => a.descriptorVersion)),
    olderVideos: analysed.filter((a) => a.descriptorVersion < LATEST_DESCRIPTOR_VERSION),
  };
}

export async function analysisStatus(project: ProjectContext, videoId: VideoId): Promise<AnalysisStatusView> {
  const video = await videoOf(project, videoId);
  return statusView(video, await project.stores.analysis.get(videoId));
}

/**
 * Every analysed frame, with or without a face of the person (person 1 unless named); `frameCount` says how many
 * frames the video has in all.
 */
export async function faces(project: ProjectContext, videoId: VideoId, personId: PersonId = FIRST_PERSON): Promise<{ videoId: VideoId; frameCount: number; frames: FaceFrame[] }> {
  const video = await videoOf(project, videoId);
  return { videoId, frameCount: video.frameCount, frames: await project.stores.analysis.faceFrames(videoId, personId) };
}

/** The face models the next analysis uses, as the analysis process loads and checks them, plus the project's encoders. */
export async function modelsInUse(project: ProjectContext, modelsDir?: string) {
  const encoders = await project.stores.models.encoders();
  return probeModels(encoders, modelsDir, importedEncoderFile(project.dir, encoders.find((e) => e.active)));
}
