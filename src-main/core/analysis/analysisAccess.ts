/**
 * What the API and the CLI show of a project's face analysis, built from loaded records: a video's status, and the
 * face models in use as the analysis process loads and checks them.
 */
import type { VideoId } from '../ids';
import { defaultModelsDir } from '../inference/modelRegistry';
import type { AnalysisRecord } from '../store/analysisStore';
import type { ProjectEncoder } from '../store/modelStore';
import type { VideoRecord } from '../store/videoStore';
import { probeFaceModels } from './analysisClient';

export interface AnalysisStatusView {
  videoId: VideoId;
  state: 'none' | 'partial' | 'done';
  framesAnalysed: number;
  frameCount: number;
  facesFound: number;
  detectorRuns: number;
  encoder: { name: string; version: string } | null;
  executionProvider: string | null;
}

export function analysisStatus(video: VideoRecord, analysis: AnalysisRecord | undefined): AnalysisStatusView {
  const videoId = video.id;
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

/**
 * The face models the next analysis uses (the shipped ones, with the project's own encoder when one is active) as
 * the analysis process loads and checks them, plus the project's registered encoders.
 */
export async function modelsInUse(projectEncoders: ProjectEncoder[], modelsDir: string = defaultModelsDir(), encoderFile?: string) {
  const ready = await probeFaceModels(modelsDir, encoderFile);
  const encoder = ready.models.find((m) => m.role === 'encoder');
  return {
    models: ready.models.map((m) => ({
      role: m.role,
      purpose: m.purpose,
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
