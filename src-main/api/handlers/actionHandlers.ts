/** Facial-action traces: a person's traces over a video (packed), and the project's choice of traces, announced when it changes. */
import { chooseTraces, personTraces, projectTraces, traceCatalogue } from '../../core/app/actions';
import type { PersonId, VideoId } from '../../core/ids';
import type { TraceDefinition } from '../../core/vision/actionTraces';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

const info = ({ id, label, blendshapes }: TraceDefinition) => ({ id, label, blendshapes: [...blendshapes] });
const choice = (chosen: TraceDefinition[]) => ({ chosen: chosen.map(info), available: traceCatalogue().map(info) });
/** Little-endian float32 as base64 (the contract's packing; NaN survives it). */
const packed = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

export function actionHandlers({ sessions, events }: ApiServices) {
  return {
    'actions.traces': async ({ project, videoId, personId, traces }) => {
      const result = await personTraces(sessions.get(project), videoId as VideoId, personId as PersonId | undefined, traces);
      return { ...result, traces: result.traces.map((t) => ({ ...info(t.definition), values: packed(t.values) })) };
    },
    'actions.choice': async ({ project }) => choice(await projectTraces(sessions.get(project))),
    'actions.choose': async ({ project, traces }) => {
      const session = sessions.get(project);
      const chosen = await chooseTraces(session, traces);
      events.emit('data.changed', { entity: 'traces', projectPath: session.dir });
      return choice(chosen);
    },
  } satisfies Partial<Handlers>;
}
