/** Annotators and their labels: every edit is appended (the store never rewrites a label) and announced. */
import { addAnnotator, listAnnotators, renameAnnotator } from '../../core/app/annotators';
import { annotatorView, applyLabels, listLabels, setAnnotatorView } from '../../core/app/labels';
import type { AnnotatorId, PersonId, VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function labelHandlers({ sessions, events }: ApiServices) {
  return {
    'annotators.list': ({ project }) => listAnnotators(sessions.get(project)),
    'annotators.add': ({ project, name }) => addAnnotator(sessions.get(project), name),
    'annotators.rename': ({ project, annotatorId, name }) => renameAnnotator(sessions.get(project), annotatorId as AnnotatorId, name),
    'labels.list': ({ project, videoId, personId, annotatorId, viewer }) =>
      listLabels(sessions.get(project), videoId as VideoId, personId as PersonId, { annotatorId: annotatorId as AnnotatorId | undefined, viewer: viewer as AnnotatorId | undefined }),
    'annotators.view': ({ project }) => annotatorView(sessions.get(project)),
    'annotators.setView': async ({ project, activeAnnotatorId, blind }) => {
      const session = sessions.get(project);
      const view = await setAnnotatorView(session, { activeAnnotatorId: activeAnnotatorId as AnnotatorId | null, blind });
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir });
      return view;
    },
    'labels.apply': async ({ project, videoId, personId, annotatorId, origin, sets, deletes }) => {
      const session = sessions.get(project);
      const edits = { videoId: videoId as VideoId, personId: personId as PersonId, annotatorId: annotatorId as AnnotatorId, origin, sets, deletes };
      const applied = await applyLabels(session, edits);
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir, videoId, personId, annotatorId, revision: applied.revision });
      return { revision: applied.revision, labels: applied.saved };
    },
  } satisfies Partial<Handlers>;
}
