/**
 * Regenerates models/<id>.onnx and models/<id>.card.json from the pinned source package:
 *   npx tsx tools/tfjs-to-onnx/build-models.ts
 * The outputs are committed; models.test.ts fails until they are rebuilt whenever the converter changes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildShippedModel, cardText, MODELS_DIR, SHIPPED_MODELS } from './shipped-models';

async function main(): Promise<void> {
  fs.mkdirSync(MODELS_DIR, { recursive: true });
  for (const spec of SHIPPED_MODELS) {
    const { bytes, card } = await buildShippedModel(spec);
    fs.writeFileSync(path.join(MODELS_DIR, card.file), bytes);
    fs.writeFileSync(path.join(MODELS_DIR, `${spec.id}.card.json`), cardText(card));
    console.log(`${card.file}: ${bytes.byteLength} bytes, sha256 ${card.sha256}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
