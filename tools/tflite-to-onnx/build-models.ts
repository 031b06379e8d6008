/**
 * Regenerates models/facemesh_v2.onnx and models/blendshapes.onnx (and their cards) from the committed MediaPipe
 * bundle:
 *   npx tsx tools/tflite-to-onnx/build-models.ts
 * The outputs are committed; models.test.ts fails until they are rebuilt whenever the converter changes them.
 */
import { writeShippedModels } from '../tfjs-to-onnx/model-card';
import { MODELS_DIR } from '../tfjs-to-onnx/shipped-models';
import { buildShippedTfliteModel, SHIPPED_TFLITE_MODELS } from './shipped-models';

writeShippedModels(MODELS_DIR, SHIPPED_TFLITE_MODELS, buildShippedTfliteModel).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
