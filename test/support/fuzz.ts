/**
 * Test support: reproducible mutations of a valid input file, for fuzzing the parsers users feed files to. A
 * seeded generator drives every choice, so a failure names its seed and iteration and replays exactly.
 * FUZZ_ITERATIONS raises the count for a long local run; CI keeps the default, which runs in seconds.
 */
import fs from 'node:fs';
import { seededRandom } from '../../src-main/core/affect/random';
import { StudioError } from '../../src-main/core/errors';

export const FUZZ_ITERATIONS = Number.parseInt(process.env.FUZZ_ITERATIONS ?? '', 10) || 2000;
/** Per fuzz test: the suite's minute, and more for a long run (about 20 ms an import on a busy machine). */
export const FUZZ_TIMEOUT_MS = Math.max(60_000, FUZZ_ITERATIONS * 20);

export interface Mutant {
  /** The mutations applied, in order, e.g. "bit-flip+swap-lines". */
  name: string;
  bytes: Buffer;
}

type Random = () => number;
type Mutation = (input: Buffer, random: Random) => Buffer;

const HUGE_NUMBERS = ['1e309', '-1e309', '99999999999999999999999999', '1e-400', '0x10', '0b101', 'NaN', 'Infinity', '-0', '9'.repeat(400), '1,5', '١٢'];
const ODD_TEXT = ['\u0000', '\u202e', '\u2028', '\ufeff', '😀', '\ud800', 'é', 'Ａ', '\u001b[2J', '"', '""', ',', ';', '\t', '\r', '\n', '\\', '{', '}', '[', ']', '__proto__', 'constructor'];
const JSON_VALUES: unknown[] = [null, true, 0, -1, 1e308, -1e308, 2 ** 53 + 1, '', ' ', 'x'.repeat(5000), [], {}, [[0, 0]], JSON.parse('{"__proto__": 1}'), '0x10', 'NaN'];

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)] as T;
const at = (input: Buffer, random: Random) => Math.floor(random() * (input.length + 1));
const lines = (input: Buffer) => input.toString('latin1').split('\n');
const fromLines = (parts: string[]) => Buffer.from(parts.join('\n'), 'latin1');
const splice = (input: Buffer, start: number, removed: number, inserted: Buffer) =>
  Buffer.concat([input.subarray(0, start), inserted, input.subarray(Math.min(input.length, start + removed))]);

const MUTATIONS: Record<string, Mutation> = {
  'bit-flip': (input, random) => {
    const out = Buffer.from(input);
    for (let n = 1 + Math.floor(random() * 8); n > 0 && out.length > 0; n--) {
      const i = Math.floor(random() * out.length);
      out[i] = (out[i] as number) ^ (1 << Math.floor(random() * 8));
    }
    return out;
  },
  'insert-bytes': (input, random) => splice(input, at(input, random), 0, Buffer.from(Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)))),
  'delete-bytes': (input, random) => splice(input, at(input, random), 1 + Math.floor(random() * 32), Buffer.alloc(0)),
  truncate: (input, random) => input.subarray(0, at(input, random)),
  'duplicate-line': (input, random) => {
    const parts = lines(input);
    const i = Math.floor(random() * parts.length);
    parts.splice(i, 0, parts[i] as string);
    return fromLines(parts);
  },
  'swap-lines': (input, random) => {
    const parts = lines(input);
    const i = Math.floor(random() * parts.length);
    const j = Math.floor(random() * parts.length);
    [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
    return fromLines(parts);
  },
  'huge-number': (input, random) => {
    const text = input.toString('utf8');
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
    if (numbers.length === 0) return Buffer.from(text + pick(HUGE_NUMBERS, random));
    const match = pick(numbers, random);
    return Buffer.from(text.slice(0, match.index) + pick(HUGE_NUMBERS, random) + text.slice((match.index ?? 0) + match[0].length));
  },
  unicode: (input, random) => splice(input, at(input, random), 0, Buffer.from(pick(ODD_TEXT, random), 'utf8')),
  bom: (input, random) => Buffer.concat([pick([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])], random), input]),
  crlf: (input, random) => Buffer.from(input.toString('latin1').replace(/\r?\n/g, pick(['\r\n', '\r', '\n\n', '\r\r\n'], random)), 'latin1'),
  'utf-16': (input) => Buffer.from(input.toString('utf8'), 'utf16le'),
  empty: () => Buffer.alloc(0),
  binary: (_input, random) => Buffer.from(Array.from({ length: Math.floor(random() * 4096) }, () => Math.floor(random() * 256))),
  'json-value': (input, random) => {
    let document: unknown;
    try {
      document = JSON.parse(input.toString('utf8'));
    } catch {
      return input;
    }
    return Buffer.from(JSON.stringify(replaceRandomValue(document, random)));
  },
};

/** Replaces one value somewhere in a JSON document (walking down from the root) with a value of another kind. */
function replaceRandomValue(node: unknown, random: Random): unknown {
  if (node === null || typeof node !== 'object' || random() < 0.25) return pick(JSON_VALUES, random);
  const entries = Object.entries(node);
  if (entries.length === 0) return pick(JSON_VALUES, random);
  const key = pick(entries, random)[0];
  // One in ten times the value goes, leaving a field missing.
  const drop = random() < 0.1;
  const changed = entries.flatMap(([k, v]) => (k !== key ? [[k, v]] : drop ? [] : [[k, replaceRandomValue(v, random)]]));
  return Array.isArray(node) ? changed.map(([, v]) => v) : Object.fromEntries(changed);
}

/**
 * Puts a mutant at `file` for a parser to read. The old file is removed first: overwriting (truncating) a file
 * makes ext4 flush it on close, 3 ms a write here, which thousands of iterations would turn into the whole run.
 */
export function writeMutant(file: string, bytes: Buffer): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, bytes);
}

/** `count` mutants of the bases, each one to three stacked mutations; the same seed gives the same mutants. */
export function* mutants(bases: readonly Buffer[], seed: number, count = FUZZ_ITERATIONS): Generator<Mutant> {
  const random = seededRandom(seed);
  const names = Object.keys(MUTATIONS);
  for (let i = 0; i < count; i++) {
    let bytes = pick(bases, random);
    const applied: string[] = [];
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const name = pick(names, random);
      bytes = (MUTATIONS[name] as Mutation)(bytes, random);
      applied.push(name);
    }
    yield { name: `#${i} ${applied.join('+')}`, bytes };
  }
}

const STACK_FRAME = /\n\s+at /;
/** A control character other than the line break between listed problems, or a direction override. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * A failure a user may see: a StudioError (nothing else may escape a parser), no stack, no raw control
 * characters from the file, at most `maxLines` short lines (1 unless the parser lists problems by line).
 * Plain checks, not `expect`, since it runs thousands of times; a failure throws with the message and mutant.
 */
export function expectUserMessage(error: unknown, what: string, maxLines = 1): void {
  if (!(error instanceof StudioError)) {
    throw new Error(`${what}: a ${error instanceof Error ? error.constructor.name : typeof error} escaped: ${error instanceof Error ? error.stack : String(error)}`);
  }
  const messageLines = error.message.split('\n');
  const problems = [
    STACK_FRAME.test(error.message) && 'holds a stack trace',
    UNSAFE.test(error.message) && 'holds a raw control or direction character',
    messageLines[0]?.trim() === '' && 'starts with an empty line',
    messageLines.length > maxLines && `has ${messageLines.length} lines (at most ${maxLines})`,
    messageLines.some((line) => line.length > 500) && 'has a line over 500 characters',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${what}: the message ${problems.join(', ')}: ${JSON.stringify(error.message)}`);
}

/** `expect` for the hot loop: throws only when the check fails. */
export function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}
