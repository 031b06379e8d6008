/**
 * `affect-studio actions`: a person's facial-action traces per frame without the window, through the same use case
 * the timeline lanes call. `--traces a,b` names traces for this run only (the project's choice otherwise); `--csv`
 * writes RFC 4180 CSV (empty cells where there is no face), `--json` the traces as arrays (null where none).
 */
import { personTraces, tracesCsv } from '../core/app/actions';
import { frameTimes } from '../core/app/videos';
import { StudioError } from '../core/errors';
import { UsageError, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { openSession } from './openSession';
import { personOption } from './personCommands';

export async function actionsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError('actions needs a project folder and --video ID');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('actions needs --video ID');
  if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both');
  const ids = values.traces === undefined ? undefined : traceList(values.traces);
  const personId = personOption(values);
  const session = await openSession(project, io);
  try {
    const result = await personTraces(session, videoId, personId, ids);
    if (result.unavailable !== null) throw new StudioError(`Video ${videoId}, person ${result.personId}: ${result.unavailable} (affect-studio analyze ${project} --video ${videoId}).`);
    const times = await frameTimes(session, videoId);
    const value = (v: number) => (Number.isNaN(v) ? null : v);
    if (values.json) {
      io.out(JSON.stringify({ videoId, personId: result.personId, frameCount: result.frameCount, traces: result.traces.map((t) => ({ id: t.definition.id, label: t.definition.label, blendshapes: t.definition.blendshapes, values: Array.from(t.values, value) })) }) + '\n');
      return 0;
    }
    const columns = result.traces.map((t) => t.definition.id);
    const cell = (frame: number) => result.traces.map((t) => value(t.values[frame] as number));
    if (values.csv) {
      io.out(tracesCsv(result, times));
      return 0;
    }
    io.out(['frame', 'time', ...columns].join('\t') + '\n');
    for (let frame = 0; frame < result.frameCount; frame++) {
      const shown = cell(frame);
      const time = (times[frame] ?? 0).toFixed(3);
      io.out(shown.every((v) => v === null) ? `${frame}\t${time}\tno face\n` : `${frame}\t${time}\t${shown.map((v) => (v as number).toFixed(3)).join('\t')}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}

/** `--traces smile,jawOpen`: trace ids, checked by the use case. */
function traceList(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) throw new UsageError(`--traces must be trace ids separated by commas (e.g. smile,jawOpen), not "${text}"`);
  return ids;
}
