/**
 * The model card (docs/DESIGN.md §4): a JSON file beside each ONNX file saying what the model is, how to feed it and
 * what it returns. Only the fields the studio acts on are validated; the rest (licence, training data, upstream)
 * is kept as written, for display and export.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { StudioError } from '../errors';
import { issuePath, oneLineText } from '../shownText';
import { parseUserJson } from '../strictJson';

/** A card broken everywhere is reported by its first few problems, on one line. */
const MAX_ISSUES = 3;

export const MODEL_ROLES = ['detector', 'landmarks', 'encoder', 'identity', 'blendshapes', 'pair_head'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

/**
 * The smoke inference allocates an input of the card's size for a model with free spatial dimensions: a card
 * saying 10^9 pixels must be refused as a card, not crash the load. Far above any face model's input.
 */
const MAX_INPUT_SIDE = 4096;
const MAX_EMBEDDING_DIM = 65_536;

const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.string(),
  /** Numbers are fixed sizes; a string is a symbolic (dynamic) size such as the batch `N`. */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string()])),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const ModelCardSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  role: z.enum(MODEL_ROLES),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  embeddingDim: z.number().int().positive().max(MAX_EMBEDDING_DIM).optional(),
  preprocessing: z
    .looseObject({
      size: z.object({ width: z.number().int().positive().max(MAX_INPUT_SIDE), height: z.number().int().positive().max(MAX_INPUT_SIDE) }).optional(),
    })
    .optional(),
  inputs: z.array(TensorSpec).min(1),
  outputs: z.array(TensorSpec).min(1),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

/** `emotion.onnx` -> `emotion.card.json`, the convention of models/README.md. */
export function cardPathFor(onnxFile: string): string {
  return onnxFile.replace(/\.onnx$/i, '') + '.card.json';
}

export function readModelCard(cardFile: string): ModelCard {
  let raw: unknown;
  try {
    raw = parseUserJson(fs.readFileSync(cardFile, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : oneLineText((error as Error).message);
    throw new StudioError(`Cannot read the model card ${cardFile}: ${reason}.`);
  }
  const parsed = ModelCardSchema.safeParse(raw);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const problems = issues.slice(0, MAX_ISSUES).map((issue) => `${issuePath(issue.path, '(card)')} ${oneLineText(issue.message)}`).join('; ');
    const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
    throw new StudioError(`The model card ${cardFile} is not valid: ${problems}${more}.`);
  }
  return parsed.data;
}
