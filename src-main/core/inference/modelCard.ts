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

/**
 * What an encoder's card must say about its input, so any lab's encoder is fed as it was trained
 * (core/vision/encoderInput.ts turns it into the crop): `channels` 1 is grey (0.2989 R + 0.587 G + 0.114 B, the
 * shipped encoder's weights), `valueRange` the scale pixels are on before normalising ("0..1" or "0..255"), then
 * each channel (value - mean) / std, one mean and std per channel in the model's channel order; `cropScale` is
 * the side of the upright face crop as a multiple of the landmark box's longer side.
 */
export const EncoderInputSchema = z
  .looseObject({
    size: z.object({ width: z.number().int().positive().max(MAX_INPUT_SIDE), height: z.number().int().positive().max(MAX_INPUT_SIDE) }),
    channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 1 (grey) or 3 (colour)' }),
    colourOrder: z.enum(['RGB', 'BGR'], { error: 'must be "RGB" or "BGR"' }),
    layout: z.enum(['NHWC', 'NCHW'], { error: 'must be "NHWC" or "NCHW"' }),
    valueRange: z.enum(['0..1', '0..255'], { error: 'must be "0..1" or "0..255"' }),
    mean: z.array(z.number().finite()).min(1).max(3),
    std: z.array(z.number().finite().positive()).min(1).max(3),
    cropScale: z.number().min(0.5).max(4),
  })
  .superRefine((input, ctx) => {
    for (const key of ['mean', 'std'] as const) {
      if (input[key].length !== input.channels) ctx.addIssue({ code: 'custom', path: [key], message: `must give one value per channel (${input.channels}), not ${input[key].length}` });
    }
  });
export type EncoderInput = z.infer<typeof EncoderInputSchema>;

/** An encoder card's input; readModelCard refused an encoder card without it, so this only narrows the type. */
export function encoderInputOf(card: ModelCard): EncoderInput {
  return EncoderInputSchema.parse(card.preprocessing);
}

/** One face's input tensor shape, without the batch: [H, W, C] (NHWC) or [C, H, W] (NCHW). */
export function encoderItemShape(input: EncoderInput): number[] {
  const { width, height } = input.size;
  return input.layout === 'NCHW' ? [input.channels, height, width] : [height, width, input.channels];
}

/**
 * The scale of an encoder's own `valence` and `arousal` outputs (modelContract.ts AFFECT_OUTPUTS), as [min, max]:
 * [-1, 1] when the card leaves it out (the studio's own scale), e.g. [1, 9] for a SAM-style model or [-10, 10] for
 * one trained on AFEW-VA's raw labels. The studio maps both outputs linearly from it onto [-1, 1] and clamps.
 */
const AffectRangeSchema = z
  .tuple([z.number({ error: 'must be a number' }).finite(), z.number({ error: 'must be a number' }).finite()], { error: 'must be two numbers [min, max]' })
  .refine(([min, max]) => min < max, { error: 'must be [min, max] with min below max' });
export type AffectRange = z.infer<typeof AffectRangeSchema>;
export const DEFAULT_AFFECT_RANGE: AffectRange = [-1, 1];

const ModelCardSchema = z
  .looseObject({
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
    affectRange: AffectRangeSchema.optional(),
  })
  .superRefine((card, ctx) => {
    // Only an encoder's preprocessing is read by the studio from its card; the other roles' is built into its code.
    if (card.role !== 'encoder') return;
    const input = EncoderInputSchema.safeParse(card.preprocessing ?? {});
    if (!input.success) for (const issue of input.error.issues) ctx.addIssue({ code: 'custom', path: ['preprocessing', ...issue.path], message: issue.message });
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
    // An encoder's input is checked on its own as well (EncoderInputSchema): a field wrong for both is said once.
    const issues = [...new Map(parsed.error.issues.map((issue) => [`${issue.path.join('.')} ${issue.message}`, issue])).values()];
    const problems = issues.slice(0, MAX_ISSUES).map((issue) => `${issuePath(issue.path, '(card)')} ${oneLineText(issue.message)}`).join('; ');
    const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
    throw new StudioError(`The model card ${cardFile} is not valid: ${problems}${more}.`);
  }
  return parsed.data;
}

/**
 * Whether the encoder's card declares both affect outputs: only then does analysis store them and the prior read
 * them (the contract check refuses a model with one of them only).
 */
export function predictsAffect(card: { outputs?: readonly { name: string }[] }): boolean {
  const names = new Set((card.outputs ?? []).map((o) => o.name));
  return names.has('valence') && names.has('arousal');
}

/** One of the encoder's own valence/arousal values, from its card's `affectRange` onto [-1, 1], clamped. */
export function affectToUnit(value: number, range: AffectRange = DEFAULT_AFFECT_RANGE): number {
  const [min, max] = range;
  const unit = ((value - min) / (max - min)) * 2 - 1;
  return unit < -1 ? -1 : unit > 1 ? 1 : unit;
}
