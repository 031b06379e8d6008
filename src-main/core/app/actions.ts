/**
 * Use cases for facial-action traces (issue 16): a person's chosen traces over a video (core/vision/actionTraces.ts),
 * and the project's choice of traces, which the timeline lanes, the exports and the study report all follow.
 * An analysis from before facial actions (descriptor version 1) has none: the result says so, and why, instead
 * of a trace of nothing.
 */
import type { PersonId, VideoId } from '../ids';
import { formatCsvRow } from '../io/csv';
import { availableTraces, chosenTraces, computeTraces, hasFacialActions, traceDefinition, type TraceDefinition, type TraceSeries } from '../vision/actionTraces';
import { FIRST_PERSON } from '../store/personStore';
import { chosenPerson } from './persons';
import type { ProjectContext } from './projectContext';
import { videoOf } from './videos';

export interface PersonTraces {
  videoId: VideoId;
  personId: PersonId;
  frameCount: number;
  /** Null when the traces are there; else why not, for the lanes to say (e.g. analysed before facial actions). */
  unavailable: string | null;
  traces: TraceSeries[];
}

export const NO_ACTIONS_ANALYSE_AGAIN = 'no facial actions: analyse again';
export const NOT_ANALYSED = 'no facial actions: not analysed yet';

/**
 * The person's traces (the project's chosen ones unless `ids` names others) over every frame of the video, NaN
 * where the person has no face facing the camera. The video's only person unless one is named.
 */
export async function personTraces(project: ProjectContext, videoId: VideoId, personId?: PersonId, ids?: readonly string[]): Promise<PersonTraces> {
  const video = await videoOf(project, videoId);
  const definitions = ids ? ids.map((id) => traceDefinition(id)) : await projectTraces(project);
  const analysis = await project.stores.analysis.get(videoId);
  if (!analysis) return { videoId, personId: personId ?? FIRST_PERSON, frameCount: video.frameCount, unavailable: NOT_ANALYSED, traces: [] };
  const person = await chosenPerson(project, videoId, personId);
  const base = { videoId, personId: person.personId, frameCount: video.frameCount };
  if (!hasFacialActions(analysis.descriptorVersion)) return { ...base, unavailable: NO_ACTIONS_ANALYSE_AGAIN, traces: [] };
  const frames = await project.stores.analysis.faceActions(videoId, person.personId);
  return { ...base, unavailable: null, traces: computeTraces(definitions, frames, video.frameCount) };
}

/** The project's chosen traces (the defaults until it chooses). */
export async function projectTraces(project: ProjectContext): Promise<TraceDefinition[]> {
  return chosenTraces(await project.stores.analysis.traceChoice());
}

/** Makes these traces the project's choice (each checked first, so a wrong one saves nothing); returns it. */
export async function chooseTraces(project: ProjectContext, ids: readonly string[]): Promise<TraceDefinition[]> {
  const definitions = [...new Set(ids)].map((id) => traceDefinition(id));
  await project.stores.analysis.setTraceChoice(definitions.map((d) => d.id));
  return definitions;
}

/** Every trace there is to choose from. */
export function traceCatalogue(): TraceDefinition[] {
  return availableTraces();
}

/** The traces as RFC 4180 CSV: frame, time_s, then one column per trace, empty where there is no face. */
export function tracesCsv(result: PersonTraces, frameTimes: readonly number[]): string {
  let out = formatCsvRow(['frame', 'time_s', ...result.traces.map((t) => t.definition.id)]);
  for (let frame = 0; frame < result.frameCount; frame++) {
    out += formatCsvRow([frame, frameTimes[frame] ?? null, ...result.traces.map((t) => (Number.isNaN(t.values[frame] as number) ? null : (t.values[frame] as number)))]);
  }
  return out;
}
