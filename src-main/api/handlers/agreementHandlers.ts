/** Inter-rater agreement over a project, and fusing annotators into a gold-standard layer. */
import { fuseAnnotators, projectAgreement, toJsonSafe } from '../../core/affect/projectAgreement';
import type { VideoId } from '../../core/ids';
import type { ProjectAgreement } from '../contract';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function agreementHandlers({ sessions, events }: ApiServices) {
  return {
    'agreement.report': ({ project, videoId, annotators }) =>
      toJsonSafe(projectAgreement(sessions.get(project).db, { videoId: videoId as VideoId | undefined, annotators })) as ProjectAgreement,
    'agreement.fuse': ({ project, method, videoId, annotators }) => {
      const session = sessions.get(project);
      const result = fuseAnnotators(session.db, method, { videoId: videoId as VideoId | undefined, annotators });
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir });
      return result;
    },
  } satisfies Partial<Handlers>;
}
