/**
 * The per-frame table every export is written from, one per person of a video: for each frame, the human labels
 * of that person on it (one row per annotator), else the model run's prediction, else an empty row, so an export
 * always covers the video.
 * A run is one annotator's (predictionAnnotator says whose); the caller makes it current first
 * (core/app/predictions.ts refreshRunsForExport), and each predicted row names the head, annotator, label count
 * and labels revision that produced it.
 * Each table also carries the person's facial-action traces, the project's chosen ones, when the video's analysis
 * stored actions (descriptor version 2 on); exports write them as columns (actionColumns), empty without a face.
 */
import { predictionAnnotator } from '../annotation/annotatorView';
import { StudioError } from '../errors';
import type { PersonId, VideoId } from '../ids';
import { getAnnotatorView, listAnnotators, type Annotator } from '../store/annotatorStore';
import { newestRun, runPredictions, type PredictionRow, type StoredRun } from '../store/predictionStore';
import { labelsWithHistory, type LabelWithHistory } from '../store/labelStore';
import { describePersons, listPersons, type Person } from '../store/personStore';
import type { Db } from '../store/projectDb';
import { getVideo, listFrames, listVideos, type VideoRecord } from '../store/videoStore';
import { getAnalysis, getTraceChoice, listFaceActions } from '../store/analysisStore';
import { chosenTraces, computeTraces, hasFacialActions, type TraceSeries } from '../vision/actionTraces';

/** human: a person's label; edited: a label that started as an accepted prediction; predicted: the model's. */
export type FrameSource = 'human' | 'edited' | 'predicted';

export interface FrameRow {
  frameIndex: number;
  timeSec: number;
  valence: number | null;
  arousal: number | null;
  source: FrameSource | null;
  /** Standard deviations of the prediction, on predicted rows only. */
  valenceSd: number | null;
  arousalSd: number | null;
  annotator: string | null;
  modelVersion: string | null;
  /** The frame's image file inside a frame folder (AFEW-VA keys come from it); null for video files. */
  imageFile: string | null;
}

export interface VideoTable {
  video: VideoRecord;
  /** Whom the rows are about. */
  person: Pick<Person, 'personId' | 'name'>;
  rows: FrameRow[];
  /** The person's chosen facial-action traces, one value per frame (NaN: no face); none without stored actions. */
  actions: TraceSeries[];
}

export interface TableOptions {
  videoId?: VideoId;
  /** With videoId: only this person. Else every coded person of each video. */
  personId?: PersonId;
  /** Only this annotator's layer (frames they did not label fall back to predictions). */
  annotator?: string;
}

export function frameTables(db: Db, options: TableOptions): VideoTable[] {
  if (options.annotator !== undefined && !listAnnotators(db).some((annotator) => annotator.name === options.annotator)) {
    throw new StudioError(`This project has no annotator named "${options.annotator}".`);
  }
  const annotators = listAnnotators(db);
  const predicted = predictionAnnotator(annotators, getAnnotatorView(db), options.annotator);
  const predictor = annotators.find((annotator) => annotator.id === predicted) ?? null;
  const traces = chosenTraces(getTraceChoice(db));
  return selectVideos(db, options.videoId).flatMap((video) =>
    selectPersons(db, video, options.personId).map((person) => ({
      video,
      person,
      rows: videoRows(db, video, person.personId, options.annotator, predictor),
      actions: hasFacialActions(getAnalysis(db, video.id)?.descriptorVersion) ? computeTraces(traces, listFaceActions(db, video.id, person.personId), video.frameCount) : [],
    })),
  );
}

/** The trace ids exports add as columns: the chosen ones when any table has actions, else none (columns left out). */
export function actionColumns(tables: readonly VideoTable[]): string[] {
  return tables.find((table) => table.actions.length > 0)?.actions.map((trace) => trace.definition.id) ?? [];
}

/** The table's trace values on a frame, in the order of `columns`; null where there is none. */
export function actionValues(table: VideoTable, columns: readonly string[], frameIndex: number): (number | null)[] {
  return columns.map((id) => {
    const value = table.actions.find((trace) => trace.definition.id === id)?.values[frameIndex];
    return value === undefined || Number.isNaN(value) ? null : value;
  });
}

function selectPersons(db: Db, video: VideoRecord, personId: PersonId | undefined): Person[] {
  const persons = listPersons(db, video.id);
  if (personId === undefined) return persons.filter((person) => person.coded);
  const person = persons.find((p) => p.personId === personId);
  if (!person) throw new StudioError(`${video.displayName} (video ${video.id}) has no person ${personId}; its persons are ${describePersons(persons)}.`);
  return [person];
}

function selectVideos(db: Db, videoId: VideoId | undefined): VideoRecord[] {
  if (videoId === undefined) return listVideos(db).filter((video) => video.status === 'ready');
  const video = getVideo(db, videoId);
  if (!video) throw new StudioError(`This project has no video ${videoId}.`);
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is not ready (${video.status}); export it once it is imported.`);
  return [video];
}

function videoRows(db: Db, video: VideoRecord, personId: PersonId, annotator: string | undefined, predictor: Annotator | null): FrameRow[] {
  const labels = labelsWithHistory(db, video.id, personId, annotator);
  const byFrame = new Map<number, LabelWithHistory[]>();
  for (const label of labels) byFrame.set(label.frameIndex, [...(byFrame.get(label.frameIndex) ?? []), label]);

  const run = predictor ? newestRun(db, video.id, personId, predictor.id) : null;
  const predictions = new Map<number, PredictionRow>(run ? runPredictions(db, run.runId).map((row) => [row.frameIndex, row]) : []);
  const modelVersion = run && predictor ? runDescription(run, predictor) : null;

  const empty = { valenceSd: null, arousalSd: null, modelVersion: null };
  return listFrames(db, video.id).flatMap((frame): FrameRow[] => {
    const base = { frameIndex: frame.frameIndex, timeSec: frame.ptsSec, imageFile: frame.imageFile ?? null };
    const human = byFrame.get(frame.frameIndex);
    if (human) {
      return human.map((label) => ({
        ...base,
        ...empty,
        valence: label.valence,
        arousal: label.arousal,
        source: label.edited ? 'edited' : 'human',
        annotator: label.annotator,
      }));
    }
    const predicted = predictions.get(frame.frameIndex);
    if (predicted) {
      return [{ ...base, ...predicted, source: 'predicted', annotator: null, modelVersion }];
    }
    return [{ ...base, ...empty, valence: null, arousal: null, source: null, annotator: null }];
  });
}

/** E.g. "circumplex prior 1 from 12 labels of Ana (revision 345)": what produced a predicted row. */
function runDescription(run: StoredRun, annotator: Annotator): string {
  return `${run.headName} ${run.headVersion} from ${run.anchors} labels of ${annotator.name} (revision ${run.labelsRevision})`;
}
