/**
 * The workflow "import, then find the faces", in the core so that every front end gets it and none decides it
 * alone: each video an import adds gets one face analysis. Queued inside the transaction that commits the video
 * (importJob.ts `onImported`), so a kill cannot leave a video imported but its analysis forgotten. Idempotent: a
 * finished analysis is kept, and one queued or running for the video is that one (the analyze kind's `sameAs`,
 * core/studio/projectSession.ts), so two windows, a rerun import or the CLI never start a second.
 */
import type { JobId, VideoId } from '../ids';
import { getAnalysis } from '../store/analysisStore';
import type { Db } from '../store/projectDb';
import { ANALYZE_JOB } from './jobKinds';
import type { JobRunner } from './jobRunner';

/** The analysis job of the video (queued now, or already queued or running), or null when it is analysed. */
export function queueAnalysisOnce(db: Db, jobs: JobRunner, videoId: VideoId): JobId | null {
  if (getAnalysis(db, videoId)?.finishedAt) return null;
  return jobs.enqueue(ANALYZE_JOB, { videoId });
}
