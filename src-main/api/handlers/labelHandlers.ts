/** Annotators and their labels: every edit is appended (the store never rewrites a label) and announced. */
import { addAnnotator, listAnnotators } from '../../core/app/annotators';
import type { AnnotatorId, VideoId } from '../../core/ids';
import { getAnnotatorView, setAnnotatorView } from '../../core/store/annotatorStore';
import { labelVideo, listVideoLabels, removeLabel } from '../../core/annotation/labelling';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function labelHandlers({ sessions, events }: ApiServices) {
  const changed = (projectPath: string) => events.emit('data.changed', { entity: 'labels', projectPath });

  return {
    'annotators.list': ({ project }) => listAnnotators(sessions.get(project)),
    'annotators.add': ({ project, name }) => addAnnotator(sessions.get(project), name),
    'labels.list': ({ project, videoId, annotatorId, viewer }) =>
      listVideoLabels(sessions.get(project), videoId as VideoId, annotatorId as AnnotatorId | undefined, viewer as AnnotatorId | undefined),
    'annotators.view': ({ project }) => getAnnotatorView(sessions.get(project).db),
    'annotators.setView': ({ project, activeAnnotatorId, blind }) => {
      const session = sessions.get(project);
      const view = setAnnotatorView(session.db, { activeAnnotatorId: activeAnnotatorId as AnnotatorId | null, blind });
      changed(session.dir);
      return view;
    },
    'labels.set': ({ project, videoId, annotatorId, frameIndex, valence, arousal, origin }) => {
      const session = sessions.get(project);
      const [label] = labelVideo(session, videoId as VideoId, annotatorId as AnnotatorId, origin, [{ frameIndex, valence, arousal }]);
      changed(session.dir);
      return label as NonNullable<typeof label>;
    },
    'labels.setMany': ({ project, videoId, annotatorId, origin, labels }) => {
      const session = sessions.get(project);
      const saved = labelVideo(session, videoId as VideoId, annotatorId as AnnotatorId, origin, labels);
      changed(session.dir);
      return { count: saved.length };
    },
    'labels.delete': ({ project, videoId, annotatorId, frameIndex }) => {
      const session = sessions.get(project);
      removeLabel(session, videoId as VideoId, annotatorId as AnnotatorId, frameIndex);
      changed(session.dir);
      return {};
    },
  } satisfies Partial<Handlers>;
}
