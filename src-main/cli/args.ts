/** Argument parsing and the I/O a command may use, shared by every CLI command module. */
import { parseArgs } from 'node:util';

/** A wrong call (unknown command, missing argument): exit code 2 and the usage text. */
export class UsageError extends Error {}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks a long-running command (serve, import) to stop (Ctrl+C). */
  untilStopped: () => Promise<void>;
}

export type Values = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  try {
    return parseArgs({
      args: negativeValuesInline(argv),
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        port: { type: 'string' },
        name: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        video: { type: 'string' },
        annotator: { type: 'string', multiple: true },
        range: { type: 'string' },
        force: { type: 'boolean' },
        method: { type: 'string' },
        dataset: { type: 'string' },
        support: { type: 'string' },
        anchors: { type: 'string' },
        draws: { type: 'string' },
        seed: { type: 'string' },
        'crop-size': { type: 'string' },
        split: { type: 'string' },
        'image-format': { type: 'string' },
        predictions: { type: 'boolean' },
        subjects: { type: 'string' },
        frame: { type: 'string' },
        valence: { type: 'string' },
        arousal: { type: 'string' },
        n: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--valence -0.4` as `--valence=-0.4`: parseArgs would otherwise refuse a value that starts with a dash. */
function negativeValuesInline(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (/^--[a-z][\w-]*$/.test(arg) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
