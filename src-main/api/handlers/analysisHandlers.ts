/** Face analysis: start the analyze job on a video, its status, the per-frame faces, and the models in use. */
import { analysisStatus, faceFrames, modelsInUse } from '../../core/analysis/analysisAccess';
import { ANALYZE_JOB, checkAnalyzable } from '../../core/analysis/analyzeJob';
import type { VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function analysisHandlers({ sessions }: ApiServices) {
  return {
    'analysis.start': ({ project, videoId }) => {
      const session = sessions.get(project);
      checkAnalyzable(session, videoId as VideoId);
      return { jobId: session.jobs.enqueue(ANALYZE_JOB, { videoId }) };
    },
    'analysis.status': ({ project, videoId }) => analysisStatus(sessions.get(project), videoId as VideoId),
    'analysis.faces': ({ project, videoId }) => faceFrames(sessions.get(project), videoId as VideoId),
    'models.info': ({ project }) => modelsInUse(sessions.get(project)),
  } satisfies Partial<Handlers>;
}
