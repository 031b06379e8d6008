/** Face analysis: start the analyze job on a video, its status, the per-frame faces, the descriptor versions, the models in use, the encoders. */
import { analysisStatus, descriptorStatus, faces, modelsInUse, requestAnalysis } from '../../core/app/analysis';
import { importEncoder, listEncoders, useEncoder } from '../../core/app/encoders';
import type { ModelId } from '../../core/store/modelStore';
import type { JobId, PersonId, VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function analysisHandlers({ sessions }: ApiServices) {
  return {
    'analysis.start': async ({ project, videoId }) => {
      const [jobId] = await requestAnalysis(sessions.get(project), videoId as VideoId);
      return { jobId: jobId as JobId };
    },
    'analysis.status': ({ project, videoId }) => analysisStatus(sessions.get(project), videoId as VideoId),
    'analysis.faces': ({ project, videoId, personId }) => faces(sessions.get(project), videoId as VideoId, personId as PersonId | undefined),
    'analysis.descriptors': ({ project }) => descriptorStatus(sessions.get(project)),
    'models.info': ({ project }) => modelsInUse(sessions.get(project)),
    'encoders.list': ({ project }) => listEncoders(sessions.get(project)),
    'encoders.import': ({ project, file }) => importEncoder(sessions.get(project), file),
    'encoders.use': ({ project, encoderId }) => useEncoder(sessions.get(project), encoderId as ModelId),
  } satisfies Partial<Handlers>;
}
