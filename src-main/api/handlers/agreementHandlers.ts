/** Inter-rater agreement over a project, and fusing annotators into a gold-standard layer. */
import { agreementReport, fuseAnnotators } from '../../core/app/agreement';
import type { PersonId, VideoId } from '../../core/ids';
import { toJsonSafe } from '../../core/jsonSafe';
import type { ProjectAgreement } from '../contract';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function agreementHandlers({ sessions, events }: ApiServices) {
  return {
    'agreement.report': async ({ project, videoId, personId, annotators }) =>
      toJsonSafe(await agreementReport(sessions.get(project), { videoId: videoId as VideoId | undefined, personId: personId as PersonId | undefined, annotators })) as ProjectAgreement,
    'agreement.fuse': async ({ project, method, videoId, personId, annotators }) => {
      const session = sessions.get(project);
      const result = await fuseAnnotators(session, method, { videoId: videoId as VideoId | undefined, personId: personId as PersonId | undefined, annotators });
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir });
      return result;
    },
  } satisfies Partial<Handlers>;
}
