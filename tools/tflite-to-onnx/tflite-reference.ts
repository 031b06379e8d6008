/**
 * The reference TFLite runtime for parity checks: the TensorFlow Lite interpreter (with XNNPACK) compiled to
 * WebAssembly, as shipped in @tensorflow/tfjs-tflite. Its JavaScript client expects a browser (it injects a
 * <script> tag), but the Emscripten module underneath runs in Node when handed the .wasm bytes, so the parity test
 * needs no Chromium. Only the module's model runner is used: raw input and output tensors, no pre- or
 * post-processing of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { flatRoot } from './flatbuffer';

interface TensorInfo {
  name: string;
  shape: string;
  dataType: string;
  data(): Float32Array;
}

interface TensorInfoVector {
  size(): number;
  get(i: number): TensorInfo;
}

interface ModelRunner {
  GetInputs(): TensorInfoVector;
  GetOutputs(): TensorInfoVector;
  Infer(): boolean;
  delete(): void;
}

interface TfliteModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      pointer: number,
      size: number,
      options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number },
    ): { ok(): boolean; errorMessage(): string; value(): ModelRunner };
  };
}

type ModuleFactory = (overrides: { wasmBinary: Uint8Array }) => Promise<TfliteModule>;

const WASM_DIR = path.resolve(__dirname, '../../node_modules/@tensorflow/tfjs-tflite/wasm');

let loaded: Promise<TfliteModule> | undefined;

/** The single-threaded SIMD build: what the package picks in a browser without cross-origin isolation. */
function loadModule(): Promise<TfliteModule> {
  loaded ??= (() => {
    const source = fs.readFileSync(path.join(WASM_DIR, 'tflite_web_api_cc_simd.js'), 'utf8');
    const factory = vm.runInThisContext(`${source}\n;tflite_web_api_ModuleFactory`, { filename: 'tflite_web_api_cc_simd.js' }) as ModuleFactory;
    return factory({ wasmBinary: fs.readFileSync(path.join(WASM_DIR, 'tflite_web_api_cc_simd.wasm')) });
  })();
  return loaded;
}

export interface TfliteTensorOut {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class TfliteReference {
  private constructor(
    private readonly module: TfliteModule,
    private readonly runner: ModelRunner,
    private readonly modelPointer: number,
  ) {}

  /** Loads a .tflite model; `threads` as TFLite's interpreter takes it. */
  static async load(model: Uint8Array, threads = 1): Promise<TfliteReference> {
    const module = await loadModule();
    const pointer = module._malloc(model.byteLength);
    module.HEAPU8.set(model, pointer);
    const created = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(pointer, model.byteLength, { numThreads: threads, enableProfiling: false, maxProfilingBufferEntries: 0 });
    if (!created.ok()) {
      module._free(pointer);
      throw new Error(`TFLite could not load the model: ${created.errorMessage()}`);
    }
    return new TfliteReference(module, created.value(), pointer);
  }

  /** Runs one item (TFLite models here have batch 1) and copies every output out of the WASM heap. */
  run(input: Float32Array): TfliteTensorOut[] {
    const inputs = this.runner.GetInputs();
    const [first] = vectorItems(inputs);
    if (!first || inputs.size() !== 1) throw new Error('the reference runner supports one-input models only');
    const target = first.data();
    if (target.length !== input.length) throw new Error(`input has ${input.length} values, the model wants ${target.length}`);
    target.set(input);
    if (!this.runner.Infer()) throw new Error('TFLite inference failed');
    return vectorItems(this.runner.GetOutputs()).map((t) => ({ name: t.name, shape: t.shape.split(',').map(Number), data: Float32Array.from(t.data()) }));
  }

  release(): void {
    this.runner.delete();
    this.module._free(this.modelPointer);
  }
}

function vectorItems(v: TensorInfoVector): TensorInfo[] {
  return Array.from({ length: v.size() }, (_, i) => v.get(i));
}

/**
 * A copy of a single-output .tflite model whose output is another tensor: TFLite's runtime returns graph outputs
 * only, and the parity check also needs an inner tensor (the blendshape model's embedding). The output list is one
 * int32 in the FlatBuffer, overwritten in place; the interpreter then keeps that tensor and returns it.
 */
export function withOutput(model: Uint8Array, tensorName: string): Uint8Array {
  const copy = new Uint8Array(model);
  const graph = flatRoot(copy, 'TFL3').tables(2)[0];
  const index = graph?.tables(0).findIndex((t) => t.string(3) === tensorName) ?? -1;
  const outputs = graph?.vectorStart(2);
  if (!graph || index < 0 || outputs === undefined) throw new Error(`no tensor '${tensorName}' in the model`);
  if (graph.int32s(2).length !== 1) throw new Error('only a single-output model can be re-pointed');
  new DataView(copy.buffer).setInt32(outputs, index, true);
  return copy;
}
