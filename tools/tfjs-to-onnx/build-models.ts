/**
 * Regenerates models/<id>.onnx and models/<id>.card.json from the pinned source package:
 *   npx tsx tools/tfjs-to-onnx/build-models.ts
 * The outputs are committed; models.test.ts fails until they are rebuilt whenever the converter changes them.
 */
import { writeShippedModels } from './model-card';
import { buildShippedModel, MODELS_DIR, SHIPPED_MODELS } from './shipped-models';

writeShippedModels(MODELS_DIR, SHIPPED_MODELS, buildShippedModel).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
