/**
 * The "analyze" job: finds, tracks and encodes every face in every frame of one video (docs/DESIGN.md §5), then
 * links the tracks into persons. The models run in the analysis process; this side stores each chunk of frames
 * together with the job's checkpoint in one transaction, so a killed studio resumes at the first frame not
 * committed and redoes at most one chunk. The checkpoint carries the tracker's state, so the resumed run continues
 * the same tracks; linking reads the whole stored analysis, so a resumed run links afresh. A re-analysis first
 * saves the old persons (with their boxes at labelled frames), so the persons found get their old numbers back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { defaultModelsDir } from '../inference/modelRegistry';
import { requireVideo } from '../ingest/videoAccess';
import { ANALYZE_JOB, type JobParams, type JobResult } from '../jobs/jobKinds';
import type { JobHandler } from '../jobs/jobRunner';
import { fitWithin } from '../media/frameSize';
import type { Db } from '../store/projectDb';
import { listFrames, type VideoRecord } from '../store/videoStore';
import { LATEST_DESCRIPTOR_VERSION } from '../affect/descriptorLayout';
import { DEFAULT_TRACKER, initialTrackerState } from '../vision/faceTracker';
import type { AnalyzeRequest } from './analysisProtocol';
import { runAnalysisProcess } from './analysisClient';
import { getAnalysis, rewindAnalysis, savedPreviousPersons, startAnalysis, writeAnalysedChunk } from '../store/analysisStore';
import { previousPersonsOf, type PreviousPerson } from '../store/personStore';
import { labelledFramesByPerson } from '../store/labelStore';
import { linkPersons } from './personLinking';
import { activeEncoder, registerEncoder, type ModelId } from '../store/modelStore';
import { importedEncoderFile } from './projectEncoders';

export { ANALYZE_JOB };

/** Frames per committed chunk: at most this much work is redone after a crash. */
export const ANALYZE_CHUNK_FRAMES = 32;
/** Frames are analysed at most this large (longest side): faces stay well above the detector's minimum size. */
export const ANALYZE_MAX_SIDE = 640;

export type AnalyzeParams = JobParams<typeof ANALYZE_JOB>;
type AnalyzeCheckpoint = z.output<typeof ANALYZE_JOB.checkpoint>;
export type AnalyzeResult = JobResult<typeof ANALYZE_JOB>;

/** Two analyses of one video are one: asking again while one is queued or running gets that one. */
export const sameAnalysis = (a: AnalyzeParams, b: AnalyzeParams): boolean => a.videoId === b.videoId;

/** Checks a video can be analysed before a job is queued, so a mistake is reported at once. */
export function checkAnalyzable(video: VideoRecord): void {
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} cannot be analysed: it is ${video.status}.`);
  if (!fs.existsSync(video.path)) throw new StudioError(`${video.displayName} is no longer at ${video.path}. Relink it before analysing it.`);
}

/**
 * `predictor.reset` is called when the analysis starts and when it finishes: both can change the layout the
 * project's videos are read under (a version-1 analysis lowers it) and the descriptors predictions read.
 */
export function analyzeJobHandler(session: { readonly db: Db; readonly dir: string; readonly predictor: { reset(): void } }, modelsDir: string = defaultModelsDir()): JobHandler<AnalyzeParams, AnalyzeCheckpoint, AnalyzeResult> {
  return async (params, context) => {
    const videoId = params.videoId as VideoId;
    const video = requireVideo(session.db, videoId);
    checkAnalyzable(video);
    // A checkpoint resumes the analysis it was saved with, if that was made at this studio's descriptor version;
    // one begun under another version (an older studio's) starts over, so no analysis mixes two landmark models.
    const saved = getAnalysis(session.db, videoId)?.descriptorVersion === LATEST_DESCRIPTOR_VERSION ? context.checkpoint : undefined;
    const fromFrame = saved?.nextFrame ?? 0;
    const total = video.frameCount;
    const decode = fitWithin(video.width, video.height, Math.min(video.width, ANALYZE_MAX_SIDE), Math.min(video.height, ANALYZE_MAX_SIDE));
    const request: AnalyzeRequest = {
      type: 'analyze',
      modelsDir,
      encoderFile: importedEncoderFile(session.dir, activeEncoder(session.db)),
      source:
        video.kind === 'video'
          ? { kind: 'video', file: video.path }
          : { kind: 'image_sequence', files: listFrames(session.db, videoId).map((f) => path.join(video.path, f.imageFile as string)) },
      decode,
      video: { width: video.width, height: video.height },
      fromFrame,
      frameCount: total,
      chunkSize: ANALYZE_CHUNK_FRAMES,
      tracker: saved?.tracker ?? initialTrackerState(),
    };
    context.progress(fromFrame, total, `Analysing faces in ${video.displayName}`);

    let encoderId: ModelId | null = null;
    let provider = '';
    for await (const message of runAnalysisProcess(request, context.signal)) {
      if (message.type === 'ready') {
        const encoder = message.models.find((m) => m.role === 'encoder');
        if (!encoder) throw new StudioError('The analysis process loaded no encoder.');
        encoderId = registerEncoder(session.db, { ...encoder, card: message.encoderCard });
        provider = encoder.provider;
        if (saved) rewindAnalysis(session.db, videoId, fromFrame);
        else {
          const settings = { decode, tracker: DEFAULT_TRACKER, chunk: ANALYZE_CHUNK_FRAMES };
          startAnalysis(session.db, videoId, { encoderId, descriptorVersion: LATEST_DESCRIPTOR_VERSION, provider, settings, frameCount: total, previousPersons: previousPersons(session.db, videoId) });
          session.predictor.reset();
        }
      } else if (message.type === 'chunk') {
        const id = encoderId;
        if (id === null) throw new StudioError('The analysis process sent results before loading its models.');
        session.db.transaction(() => {
          writeAnalysedChunk(session.db, videoId, id, message);
          context.saveCheckpoint({ nextFrame: message.nextFrame, tracker: message.tracker });
        })();
        context.progress(message.nextFrame, total, `Analysing faces in ${video.displayName}`);
      }
    }
    context.progress(total, total, `Linking the faces in ${video.displayName} into persons`);
    const linking = linkPersons(session.db, videoId, total);
    session.predictor.reset();
    const analysis = getAnalysis(session.db, videoId);
    return {
      videoId,
      frames: analysis?.framesDone ?? 0,
      facesFound: analysis?.facesFound ?? 0,
      detectorRuns: analysis?.detectorRuns ?? 0,
      tracks: linking.tracks,
      persons: linking.persons,
      provider,
    };
  };
}

/**
 * The persons a fresh analysis must give their numbers back to: those of the finished analysis it replaces, or, when
 * the one it replaces was itself an unfinished re-analysis (its old faces already gone), what that one saved.
 */
function previousPersons(db: Db, videoId: VideoId): PreviousPerson[] {
  const existing = getAnalysis(db, videoId);
  if (existing && !existing.finishedAt) return savedPreviousPersons(db, videoId);
  return previousPersonsOf(db, videoId, labelledFramesByPerson(db, videoId));
}
