/**
 * Output types and shapes come from ONNX Runtime itself rather than from a shape-inference pass of our own: one
 * run on zeros at batch 1 gives them, and a second run at batch 2 proves the batch really is dynamic (a Reshape
 * that still bakes in batch 1 fails or keeps its size there).
 */
import * as ort from '../../src-main/core/inference/onnxRuntime';
import type { ElemTypeName, IoInfo } from './onnx-graph';

const ORT_TYPES: Partial<Record<ort.Tensor.Type, ElemTypeName>> = { float32: 'float32', int32: 'int32', int64: 'int64', bool: 'bool' };

export async function probeOutputs(bytes: Uint8Array, inputs: IoInfo[], dynamicBatch: boolean): Promise<Map<string, IoInfo>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const one = await runZeros(session, inputs, 1);
    if (!dynamicBatch) return new Map([...one].map(([name, info]) => [name, { name, dtype: info.dtype, shape: info.dims }]));
    const two = await runZeros(session, inputs, 2).catch((e: unknown) => {
      throw new Error(`the model does not run at batch 2, so its batch cannot be dynamic: ${e instanceof Error ? e.message : String(e)}`);
    });
    return new Map(
      [...one].map(([name, info]) => {
        const dims2 = two.get(name)?.dims ?? [];
        const shape = info.dims.map((d, i): number | string => {
          if (dims2[i] === d) return d;
          if (i === 0 && d === 1 && dims2[i] === 2) return 'N';
          throw new Error(`output '${name}' dimension ${i} is ${d} at batch 1 and ${dims2[i] ?? '?'} at batch 2: not a batch dimension`);
        });
        if (shape[0] !== 'N') throw new Error(`output '${name}' [${info.dims.join(', ')}] does not follow the input batch`);
        return [name, { name, dtype: info.dtype, shape }];
      }),
    );
  } finally {
    await session.release();
  }
}

async function runZeros(session: ort.InferenceSession, inputs: IoInfo[], batch: number): Promise<Map<string, { name: string; dtype: ElemTypeName; dims: number[] }>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = input.dtype === 'int32' ? new ort.Tensor('int32', new Int32Array(size), dims) : new ort.Tensor('float32', new Float32Array(size), dims);
  }
  const results = await session.run(feeds);
  const out = new Map<string, { name: string; dtype: ElemTypeName; dims: number[] }>();
  for (const name of session.outputNames) {
    const t = results[name];
    if (!t) throw new Error(`ONNX Runtime returned no '${name}'`);
    const dtype = ORT_TYPES[t.type];
    if (!dtype) throw new Error(`output '${name}' has type ${t.type}, which the model card format does not describe`);
    out.set(name, { name, dtype, dims: [...t.dims] });
  }
  return out;
}
