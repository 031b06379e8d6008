/**
 * A lab's encoder card and model against the contract: the card's input fields are refused one line at a time
 * naming the field, so is a bad scale of its own valence/arousal outputs (affectRange) or a card declaring one of
 * them only, a model whose input is not the one the card's preprocessing makes is refused, and the check runs
 * on every execution provider of the chain. This machine has only the CPU provider, so the accelerator is the
 * `create` hook the session factory has for tests: once absent (its libraries missing), once present but returning
 * non-finite values from the real model's session (as a broken GPU kernel would).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLabEncoder } from '../../../test/support/labEncoder';
import { StudioError } from '../errors';
import * as ort from './onnxRuntime';
import type { CreateSession } from './executionProviders';
import { affectToUnit, readModelCard } from './modelCard';
import { checkOnEveryProvider, sha256File } from './modelRegistry';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-encoder-contract-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Card = Record<string, unknown> & { preprocessing: Record<string, unknown> };
const withInput = (changes: Record<string, unknown>) => (card: Record<string, unknown>) => ({ ...card, preprocessing: { ...(card as Card).preprocessing, ...changes } });
let made = 0;
const labEncoder = (card?: (card: Record<string, unknown>) => Record<string, unknown>, affect = false) => writeLabEncoder(path.join(work, `m${++made}`), { card, affect });
const cardOf = (file: string) => file.replace(/\.onnx$/, '.card.json');

describe("an encoder card's input", () => {
  it.each([
    [{ channels: 2 }, 'preprocessing.channels must be 1 (grey) or 3 (colour)'],
    [{ layout: 'CHW' }, 'preprocessing.layout must be "NHWC" or "NCHW"'],
    [{ colourOrder: 'rgb' }, 'preprocessing.colourOrder must be "RGB" or "BGR"'],
    [{ valueRange: '0..65535' }, 'preprocessing.valueRange must be "0..1" or "0..255"'],
    [{ std: [0.2, 0, 0.2] }, 'preprocessing.std.1 Too small: expected number to be >0'],
    [{ mean: [0.5] }, 'preprocessing.mean must give one value per channel (3), not 1'],
    [{ cropScale: undefined }, 'preprocessing.cropScale Invalid input: expected number, received undefined'],
  ])('refuses %j on one line naming the field', (changes, message) => {
    const file = cardOf(labEncoder(withInput(changes)));
    let error: unknown;
    try {
      readModelCard(file);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toBe(`The model card ${file} is not valid: ${message}.`);
  });

  it("refuses a model whose input is not what the card's preprocessing makes, saying both", async () => {
    const file = labEncoder(withInput({ layout: 'NHWC' }));
    await expect(checkOnEveryProvider(file, { chain: ['cpu'] })).rejects.toThrow(
      'lab-linear.onnx cannot be used: on the cpu execution provider, the card\'s preprocessing (NHWC, 3 channel(s), 112x112) makes [N, 112, 112, 3] but the model\'s input "image" is [N, 3, 112, 112].',
    );
  });
});

describe("an encoder's own valence and arousal", () => {
  it.each([
    [[1, 1], 'affectRange must be [min, max] with min below max'],
    [[9, 1], 'affectRange must be [min, max] with min below max'],
    [['-10', 10], 'affectRange.0 must be a number'],
    [[-10, null], 'affectRange.1 must be a number'],
    [10, 'affectRange must be two numbers [min, max]'],
    [[1, 5, 9], 'affectRange must be two numbers [min, max]'],
  ])('refuses the scale %j on one line naming the field', (affectRange, message) => {
    const file = cardOf(labEncoder((card) => ({ ...card, affectRange }), true));
    expect(() => readModelCard(file)).toThrow(new StudioError(`The model card ${file} is not valid: ${message}.`));
  });

  it('maps a value from its scale onto [-1, 1] linearly, clamping what falls outside', () => {
    expect([1, 5, 9, 3].map((v) => affectToUnit(v, [1, 9]))).toEqual([-1, 0, 1, -0.5]);
    expect([-10, 2.5, 10, 12, -40].map((v) => affectToUnit(v, [-10, 10]))).toEqual([-1, 0.25, 1, 1, -1]);
    expect(affectToUnit(0.3)).toBeCloseTo(0.3, 12);
  });

  it('accepts a scale such as [1, 9] and the card of a model that has both outputs', async () => {
    const file = labEncoder((card) => ({ ...card, affectRange: [1, 9] }), true);
    expect(readModelCard(cardOf(file)).affectRange).toEqual([1, 9]);
    await expect(checkOnEveryProvider(file, { chain: ['cpu'] })).resolves.toMatchObject({ card: { name: 'lab-linear-rgb112' } });
  });

  it('refuses a card that declares one of the two outputs only, saying to declare both', async () => {
    const file = labEncoder((card) => ({ ...card, outputs: (card.outputs as { name: string }[]).filter((o) => o.name !== 'arousal') }), true);
    await expect(checkOnEveryProvider(file, { chain: ['cpu'] })).rejects.toThrow(
      'lab-linear.onnx cannot be used: on the cpu execution provider, the card declares output "valence" without "arousal": declare both or neither.',
    );
  });
});

describe('the contract check on every execution provider', () => {
  const real: CreateSession = (file, options) => ort.InferenceSession.create(file, { ...options, executionProviders: ['cpu'] });

  it('passes a good encoder on each provider that starts, and names the one that is not on this machine', async () => {
    const create: CreateSession = async (file, options) => {
      if (options.executionProviders?.[0] === 'cuda') throw new Error('Failed to load libonnxruntime_providers_cuda.so\nmore');
      return real(file, options);
    };
    const checked = await checkOnEveryProvider(labEncoder(), { chain: ['cuda', 'cpu'], create });
    expect(checked.providers).toEqual([
      { provider: 'cuda', ok: false, unavailable: 'Failed to load libonnxruntime_providers_cuda.so' },
      { provider: 'cpu', ok: true },
    ]);
    expect(checked.card.embeddingDim).toBe(8);
  });

  it('refuses a model that fails on one provider, saying which and why', async () => {
    const create: CreateSession = async (file, options) => {
      const session = await real(file, options);
      if (options.executionProviders?.[0] !== 'cuda') return session;
      const run = session.run.bind(session);
      return Object.assign(session, {
        run: async (feeds: ort.InferenceSession.FeedsType) => {
          const out = await run(feeds);
          (out.embedding?.data as Float32Array).fill(Number.NaN);
          return out;
        },
      });
    };
    await expect(checkOnEveryProvider(labEncoder(), { chain: ['cuda', 'cpu'], create })).rejects.toThrow(
      'lab-linear.onnx cannot be used: on the cuda execution provider, a test inference on zeros returned non-finite values in "embedding".',
    );
  });

  it('refuses a file the CPU provider cannot load as a model', async () => {
    const file = labEncoder();
    fs.writeFileSync(file, 'not a model');
    const card = JSON.parse(fs.readFileSync(cardOf(file), 'utf8')) as Card;
    fs.writeFileSync(cardOf(file), JSON.stringify({ ...card, sha256: sha256File(file) }));
    await expect(checkOnEveryProvider(file, { chain: ['cpu'] })).rejects.toThrow(/^lab-linear\.onnx cannot be used: ONNX Runtime cannot load it as an ONNX model \(.+\)\.$/);
  });
});
