/** The persons of a video: list, name, choose, merge and split them, their boxes and where they are seen, and whose face was clicked. Changes are announced. */
import { choosePerson, listPersons, mergePersons, personAt, personBoxes, personVisibility, renamePerson, splitPerson } from '../../core/app/persons';
import type { PersonId, VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function personHandlers({ sessions, events }: ApiServices) {
  /** A merge or split moves labels and drops predictions too: clients reload all three. */
  const announce = (dir: string, videoId: number, moved: boolean) => {
    events.emit('data.changed', { entity: 'persons', projectPath: dir, videoId });
    if (moved) {
      events.emit('data.changed', { entity: 'labels', projectPath: dir, videoId });
      events.emit('data.changed', { entity: 'predictions', projectPath: dir, videoId });
    }
  };
  return {
    'persons.list': ({ project, videoId }) => listPersons(sessions.get(project), videoId as VideoId),
    'persons.rename': async ({ project, videoId, personId, name }) => {
      const session = sessions.get(project);
      const person = await renamePerson(session, videoId as VideoId, personId as PersonId, name);
      announce(session.dir, videoId, false);
      return person;
    },
    'persons.choose': async ({ project, videoId, personId, coded }) => {
      const session = sessions.get(project);
      const person = await choosePerson(session, videoId as VideoId, personId as PersonId, coded);
      announce(session.dir, videoId, false);
      return person;
    },
    'persons.merge': async ({ project, videoId, into, from }) => {
      const session = sessions.get(project);
      const change = await mergePersons(session, videoId as VideoId, into as PersonId, from as PersonId);
      announce(session.dir, videoId, true);
      return change;
    },
    'persons.split': async ({ project, videoId, personId, fromFrame, trackId }) => {
      const session = sessions.get(project);
      const selection = fromFrame !== undefined ? { fromFrame } : { trackId: trackId as number };
      const change = await splitPerson(session, videoId as VideoId, personId as PersonId, selection);
      announce(session.dir, videoId, true);
      return change;
    },
    'persons.boxes': ({ project, videoId, fromFrame, count }) => personBoxes(sessions.get(project), videoId as VideoId, fromFrame, count),
    'persons.visibility': ({ project, videoId }) => personVisibility(sessions.get(project), videoId as VideoId),
    'persons.at': async ({ project, videoId, frameIndex, x, y }) => ({ personId: await personAt(sessions.get(project), videoId as VideoId, frameIndex, x, y) }),
  } satisfies Partial<Handlers>;
}
