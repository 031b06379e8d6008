/**
 * npx tsx tools/tfjs-to-onnx/cli.ts --model <model.json> --out <file.onnx> [--embedding-from <node>]
 *   [--dynamic-batch] [--input <tfName>=<name>] [--output <node>[=<name>]]... [--extra-output <node>[=<name>]]...
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { convertTfjsModel, type NamedNode } from './convert';
import { loadTfjsModel } from './tfjs-graph';

const USAGE =
  'usage: tsx tools/tfjs-to-onnx/cli.ts --model <model.json> --out <file.onnx> [--embedding-from <node>] [--embedding-name <name>]\n' +
  '         [--dynamic-batch] [--input <placeholder>=<name>] [--output <node>[=<name>]]... [--extra-output <node>[=<name>]]...';

function named(spec: string): NamedNode {
  const eq = spec.lastIndexOf('=');
  return eq < 0 ? { node: spec } : { node: spec.slice(0, eq), name: spec.slice(eq + 1) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      'embedding-from': { type: 'string' },
      'embedding-name': { type: 'string' },
      'dynamic-batch': { type: 'boolean' },
      input: { type: 'string', multiple: true },
      output: { type: 'string', multiple: true },
      'extra-output': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.model || !values.out) {
    console.error(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const inputNames = Object.fromEntries((values.input ?? []).map(named).map((n) => [n.node, n.name ?? n.node]));
  const embeddingFrom = values['embedding-from'];
  const result = await convertTfjsModel(loadTfjsModel(values.model), {
    inputNames,
    outputs: values.output?.map(named),
    extraOutputs: values['extra-output']?.map(named),
    embedding: embeddingFrom === undefined ? undefined : { node: embeddingFrom, name: values['embedding-name'] },
    dynamicBatch: values['dynamic-batch'] ?? false,
  });
  fs.writeFileSync(values.out, result.bytes);
  const describe = (io: { name: string; dtype: string; shape: (number | string)[] }): string => `  ${io.name} ${io.dtype}[${io.shape.join(', ')}]`;
  console.log(`wrote ${values.out} (${result.bytes.byteLength} bytes)`);
  const ops = Object.entries(result.opCounts).map(([op, n]) => `${op} x${n}`);
  console.log(['inputs:', ...result.inputs.map(describe), 'outputs:', ...result.outputs.map(describe), `ONNX nodes: ${ops.join(', ')}`].join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
