/**
 * Regenerates models/facemesh_v2.onnx and models/blendshapes.onnx (and their cards) from the committed MediaPipe
 * bundle:
 *   npx tsx tools/tflite-to-onnx/build-models.ts
 * The outputs are committed; models.test.ts fails until they are rebuilt whenever the converter changes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cardText, MODELS_DIR } from '../tfjs-to-onnx/shipped-models';
import { buildShippedTfliteModel, SHIPPED_TFLITE_MODELS } from './shipped-models';

async function main(): Promise<void> {
  for (const spec of SHIPPED_TFLITE_MODELS) {
    const { bytes, card } = await buildShippedTfliteModel(spec);
    fs.writeFileSync(path.join(MODELS_DIR, card.file), bytes);
    fs.writeFileSync(path.join(MODELS_DIR, `${spec.id}.card.json`), cardText(card));
    console.log(`${card.file}: ${bytes.byteLength} bytes, sha256 ${card.sha256}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
