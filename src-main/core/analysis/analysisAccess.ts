/** Read access to a project's face analysis for the API and the CLI: status, per-frame faces, models in use. */
import type { VideoId } from '../ids';
import { defaultModelsDir } from '../inference/modelRegistry';
import { requireVideo } from '../ingest/videoAccess';
import type { ProjectSession } from '../studio/projectSession';
import { probeFaceModels } from './analysisClient';
import { getAnalysis, listFaceFrames, type FaceFrame } from '../store/analysisStore';

export interface AnalysisStatusView {
  videoId: number;
  state: 'none' | 'partial' | 'done';
  framesAnalysed: number;
  frameCount: number;
  facesFound: number;
  detectorRuns: number;
  encoder: { name: string; version: string } | null;
  executionProvider: string | null;
}

export function analysisStatus(session: ProjectSession, videoId: VideoId): AnalysisStatusView {
  const video = requireVideo(session, videoId);
  const analysis = getAnalysis(session.db, videoId);
  if (!analysis) {
    return { videoId, state: 'none', framesAnalysed: 0, frameCount: video.frameCount, facesFound: 0, detectorRuns: 0, encoder: null, executionProvider: null };
  }
  return {
    videoId,
    state: analysis.finishedAt ? 'done' : 'partial',
    framesAnalysed: analysis.framesDone,
    frameCount: analysis.frameCount,
    facesFound: analysis.facesFound,
    detectorRuns: analysis.detectorRuns,
    encoder: { name: analysis.encoderName, version: analysis.encoderVersion },
    executionProvider: analysis.provider,
  };
}

export function faceFrames(session: ProjectSession, videoId: VideoId): { videoId: number; frameCount: number; frames: FaceFrame[] } {
  const video = requireVideo(session, videoId);
  return { videoId, frameCount: video.frameCount, frames: listFaceFrames(session.db, videoId) };
}

/** The shipped face models as the analysis process loads and checks them, plus the project's registered encoders. */
export async function modelsInUse(session: ProjectSession, modelsDir: string = defaultModelsDir()) {
  const ready = await probeFaceModels(modelsDir);
  const encoder = ready.models.find((m) => m.role === 'encoder');
  const projectEncoders = (
    session.db.prepare(`SELECT id, name, version, sha256, active FROM models WHERE kind = 'encoder' ORDER BY id`).all() as {
      id: number;
      name: string;
      version: string;
      sha256: string;
      active: number;
    }[]
  ).map((row) => ({ ...row, active: row.active === 1 }));
  return {
    models: ready.models.map((m) => ({
      role: m.role,
      name: m.name,
      version: m.version,
      sha256: m.sha256,
      embeddingDim: m.embeddingDim,
      executionProvider: m.provider,
    })),
    executionProvider: encoder?.provider ?? 'cpu',
    providersTried: ready.failedProviders,
    projectEncoders,
  };
}
