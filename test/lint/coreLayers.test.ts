/**
 * The lint rule for the order of the core's layers (eslint.config.mjs, docs/DESIGN.md §3) run through ESLint's own
 * API with the project's config on snippets placed at real paths: an upward import must be reported, a downward
 * one must not, and a front end may reach below the application layer for types only.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/core-order').map((m) => m.message);
}

describe('the core layer rule', () => {
  it('reports a store that imports a workflow, a workflow that imports a use case, and a use case that imports the root', async () => {
    expect(await layerProblems('src-main/core/store/snippet.ts', "import { requireVideo } from '../ingest/videoAccess';\nexport const f = requireVideo;\n")).toEqual([
      expect.stringMatching(/^stores and pure engines may not import workflows \(\.\.\/ingest\/videoAccess\)/),
    ]);
    expect(await layerProblems('src-main/core/analysis/snippet.ts', "import { listVideos } from '../app/videos';\nexport const f = listVideos;\n")).toEqual([
      expect.stringMatching(/^workflows may not import the application layer/),
    ]);
    expect(await layerProblems('src-main/core/app/snippet.ts', "import type { ProjectSession } from '../studio/projectSession';\nexport type S = ProjectSession;\n")).toEqual([
      expect.stringMatching(/^the application layer \(core\/app\) may not import the composition root/),
    ]);
  });

  it('treats the pure engines of affect/ as the lowest layer and its workflows as the next', async () => {
    expect(await layerProblems('src-main/core/affect/propagate.ts', "import { ProjectPredictor } from './projectPredictor';\nexport const f = ProjectPredictor;\n")).toHaveLength(1);
    expect(await layerProblems('src-main/core/affect/projectPredictor.ts', "import { VideoPropagation } from './propagate';\nexport const f = VideoPropagation;\n")).toEqual([]);
  });

  it('lets the composition root import every layer below it', async () => {
    const code = "import { listVideos } from '../app/videos';\nimport { requireVideo } from '../ingest/videoAccess';\nimport { listFrames } from '../store/videoStore';\nexport const f = [listVideos, requireVideo, listFrames];\n";
    expect(await layerProblems('src-main/core/studio/snippet.ts', code)).toEqual([]);
  });

  it('lets a front end call use cases, and import lower layers for their types only', async () => {
    expect(await layerProblems('src-main/cli/snippet.ts', "import { listVideos } from '../core/app/videos';\nimport type { VideoRecord } from '../core/store/videoStore';\nexport const f = listVideos;\nexport type V = VideoRecord;\n")).toEqual([]);
    expect(await layerProblems('src-main/api/handlers/snippet.ts', "import { listVideos } from '../../core/store/videoStore';\nexport const f = listVideos;\n")).toEqual([
      expect.stringMatching(/^a front end may not import stores and pure engines/),
    ]);
  });
});
