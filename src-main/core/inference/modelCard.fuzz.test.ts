/**
 * Fuzzing model cards, the JSON a lab writes beside its own ONNX files: thousands of seeded mutants of the shipped
 * cards through the card reader, and a sample of the cards it accepts through the whole model load (SHA-256,
 * ONNX Runtime, contract checks, smoke inference) with the real model. Every refusal must be a StudioError with a
 * one-line message; a card is either accepted whole or the model is not used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/labelProject';
import { expectUserMessage, FUZZ_ITERATIONS, FUZZ_TIMEOUT_MS, mutants, writeMutant } from '../../../test/support/fuzz';
import { readModelCard } from './modelCard';
import { SessionFactory } from './executionProviders';
import { defaultModelsDir, loadModel } from './modelRegistry';

const SHIPPED_CARDS = ['emotion', 'blazeface', 'facemesh_v2'].map((name) => fs.readFileSync(path.join(defaultModelsDir(), `${name}.card.json`)));
/** Full loads are slow (an ONNX session each); a sample of accepted cards is enough to reach the later checks. */
const FULL_LOADS = 6;

describe('fuzzing model cards', () => {
  it(`reads ${FUZZ_ITERATIONS} mutated cards, refusing the broken ones in one line, and loads a sample of the rest`, { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const dir = tempDir('affect-card-fuzz-');
    const card = path.join(dir, 'mutant.card.json');
    const encoder = path.join(defaultModelsDir(), 'emotion.onnx');
    const factory = new SessionFactory({ chain: ['cpu'] });
    let accepted = 0;
    let loaded = 0;
    let fullLoads = 0;
    for (const mutant of mutants(SHIPPED_CARDS, 31)) {
      writeMutant(card, mutant.bytes);
      const what = `card ${mutant.name}`;
      let role: string;
      try {
        role = readModelCard(card).role;
        accepted++;
      } catch (error) {
        expectUserMessage(error, what);
        continue;
      }
      // Only a card that still describes emotion.onnx gets past the SHA-256 check to ONNX Runtime.
      if (role !== 'encoder' || fullLoads >= FULL_LOADS) continue;
      fullLoads++;
      try {
        const model = await loadModel(encoder, { factory, role: 'encoder', cardFile: card });
        await model.session.release();
        loaded++;
      } catch (error) {
        expectUserMessage(error, `${what}, loading emotion.onnx`);
      }
    }
    // Enough mutants stay valid (whitespace, a BOM, an unknown field) that the accepting path was exercised.
    expect(accepted).toBeGreaterThan(FUZZ_ITERATIONS / 50);
    expect(fullLoads).toBe(FULL_LOADS);
    expect(loaded).toBeGreaterThan(0);
  });

  it('refuses a card whose input size or embedding no smoke inference could allocate', () => {
    const base = JSON.parse(SHIPPED_CARDS[0]?.toString('utf8') ?? '{}') as { preprocessing: { size: object }; embeddingDim: number };
    const card = path.join(tempDir('affect-card-'), 'huge.card.json');
    fs.writeFileSync(card, JSON.stringify({ ...base, preprocessing: { ...base.preprocessing, size: { width: 1e9, height: 64 } }, embeddingDim: 2 ** 40 }));
    expect(() => readModelCard(card)).toThrow(
      `The model card ${card} is not valid: embeddingDim Too big: expected number to be <=65536; preprocessing.size.width Too big: expected number to be <=4096.`,
    );
  });
});
