/** Argument parsing and the I/O a command may use, shared by every CLI command module. */
import { parseArgs } from 'node:util';
import { StudioError } from '../core/errors';
import { shownText } from '../core/shownText';
import { decimalNumber, wholeNumber } from '../core/strictNumbers';

/** A wrong call (unknown command, missing argument): exit code 2 and the usage text. */
export class UsageError extends Error {}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal: progress lines go there only then, so logs and pipes stay clean. */
  stderrIsTty?: boolean;
  /** Resolves when the user asks a long-running command (serve, import) to stop (Ctrl+C). */
  untilStopped: () => Promise<void>;
}

export type Values = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  const parsed = parseOptions(argv);
  // Every command that takes --annotator files labels under that name: a blank one would be a nameless layer.
  const blank = parsed.values.annotator?.find((name) => name.trim() === '');
  if (blank !== undefined) throw new UsageError(`--annotator needs a name, not ${shownText(blank)}`);
  parsed.values.annotator = parsed.values.annotator?.map((name) => name.trim());
  return parsed;
}

function parseOptions(argv: string[]) {
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
        model: { type: 'string', multiple: true },
        range: { type: 'string' },
        force: { type: 'boolean' },
        method: { type: 'string' },
        dataset: { type: 'string' },
        support: { type: 'string' },
        anchors: { type: 'string' },
        draws: { type: 'string' },
        descriptor: { type: 'string' },
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
        'no-analyze': { type: 'boolean' },
        person: { type: 'string' },
        from: { type: 'string' },
        track: { type: 'string' },
        coded: { type: 'string' },
        'rater-kind': { type: 'string' },
        traces: { type: 'string' },
        csv: { type: 'boolean' },
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

/** A whole-number option; text that is not one (`0x10`, `1.5`, `""`) is a wrong call naming the option. */
export function wholeOption(flag: string, text: string): number {
  return asUsage(() => wholeNumber(text, flag));
}

/** A decimal option (`-0.25`, `.5`); hex, `Infinity`, blank text and the like are a wrong call naming the option. */
export function decimalOption(flag: string, text: string): number {
  return asUsage(() => decimalNumber(text, flag));
}

/** `--range MIN,MAX`: the scale a file's values are on, e.g. `1,9` or `-10,10`. */
export function rangeOption(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',');
  if (parts.length !== 2) throw new UsageError(`--range must be MIN,MAX with MIN < MAX (e.g. 1,9), not ${shownText(text)}`);
  const [min, max] = parts.map((part, i) => decimalOption(i === 0 ? '--range MIN' : '--range MAX', part)) as [number, number];
  if (min >= max) throw new UsageError(`--range must be MIN,MAX with MIN < MAX (e.g. 1,9), not ${shownText(text)}`);
  return [min, max];
}

function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof StudioError) throw new UsageError(error.message);
    throw error;
  }
}
