/** Inter-rater agreement over a project, fusing annotators into a gold-standard layer, and the study report. */
import { agreementReport, agreementTraces, fuseAnnotators, previewFusion } from '../../core/app/agreement';
import { startStudyReport } from '../../core/app/report';
import type { PersonId, VideoId } from '../../core/ids';
import { toJsonSafe } from '../../core/jsonSafe';
import type { ProjectAgreement } from '../contract';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function agreementHandlers({ sessions, events }: ApiServices) {
  return {
    'agreement.report': async ({ project, videoId, personId, raters }) =>
      toJsonSafe(await agreementReport(sessions.get(project), { ...scopeOf(videoId, personId), raters })) as ProjectAgreement,
    'agreement.traces': async ({ project, videoId, personId, raters }) =>
      agreementTraces(sessions.get(project), videoId as VideoId, raters, personId as PersonId | undefined),
    'agreement.fusePreview': async ({ project, method, videoId, personId, raters }) => previewFusion(sessions.get(project), method, { ...scopeOf(videoId, personId), raters }),
    'agreement.fuse': async ({ project, method, videoId, personId, raters }) => {
      const session = sessions.get(project);
      const result = await fuseAnnotators(session, method, { ...scopeOf(videoId, personId), raters });
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir });
      return result;
    },
    'report.write': async ({ project, folder, name, overwrite, raters }) => ({ jobId: startStudyReport(sessions.get(project), { folder, name, overwrite, raters }) }),
  } satisfies Partial<Handlers>;
}

function scopeOf(videoId: number | undefined, personId: number | undefined) {
  return { videoId: videoId as VideoId | undefined, personId: personId as PersonId | undefined };
}
