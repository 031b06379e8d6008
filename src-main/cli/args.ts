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
      args: argv,
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
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
