/**
 * Runs many items through a model in batches: one ORT call per batch amortises the per-call overhead, and a
 * bounded batch keeps memory flat on long videos. Outputs come back per item, copied out of the batch buffer
 * so that an item can be kept or sent to another process without dragging the whole batch along.
 */
import * as ort from './onnxRuntime';
import type { LoadedModel } from './modelRegistry';

export const DEFAULT_MAX_BATCH = 32;

/**
 * `items` are the model's input for one item each (already preprocessed, `itemShape` = the input shape
 * without the batch dimension). Returns, for each output name, one array per item in input order.
 */
export async function runBatched(
  model: LoadedModel,
  items: readonly Float32Array[],
  itemShape: readonly number[],
  maxBatch = DEFAULT_MAX_BATCH,
): Promise<Record<string, Float32Array[]>> {
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const batchSize = model.fixedBatch ?? maxBatch;
  const out: Record<string, Float32Array[]> = {};
  for (let start = 0; start < items.length; start += batchSize) {
    const chunk = items.slice(start, start + batchSize);
    // A fixed-batch model gets its batch padded with zeros; the padding's outputs are dropped.
    const n = model.fixedBatch ?? chunk.length;
    const input = new Float32Array(n * itemSize);
    chunk.forEach((item, i) => {
      if (item.length !== itemSize) throw new Error(`batch item ${start + i} has ${item.length} values, expected ${itemSize}`);
      input.set(item, i * itemSize);
    });
    const results = await model.session.run({ [model.inputName]: new ort.Tensor('float32', input, [n, ...itemShape]) });
    for (const [name, tensor] of Object.entries(results)) {
      const data = tensor.data as Float32Array;
      const per = data.length / n;
      const list = (out[name] ??= []);
      for (let i = 0; i < chunk.length; i++) list.push(data.slice(i * per, (i + 1) * per));
    }
  }
  return out;
}
