/**
 * The versioned descriptor contract (issue 16): which parts a face's descriptor has, in which order and of which
 * size, so that heads, the prior and every reader agree on what a row means.
 *
 *   version 1: the encoder's embedding, then its expression probabilities (263 values for the default encoder);
 *   version 2: version 1, then the blendshape model's 64-d action embedding (faceActions.ts), times
 *              ACTION_EMBEDDING_SCALE.
 *
 * Whatever the version, the encoder's parts come first: its embedding, its expression probabilities (none for an
 * encoder without an expression head: expressionDim 0), then its own valence and arousal on [-1, 1] (affectDim 2
 * for an encoder whose card declares `valence` and `arousal` outputs, else 0; the prior head reads them). The
 * shipped encoder has no affect outputs, so its layouts are those of before, value for value. A version-2 descriptor read as
 * version 1 simply leaves the action part out, which is how a project whose videos were analysed under different
 * versions reads them all under one layout (the lowest: `projectDescriptorVersion`).
 */
import { StudioError } from '../errors';
import { predictsAffect } from '../inference/modelCard';
import { ACTION_EMBEDDING_DIM } from '../vision/faceActions';

export type DescriptorVersion = 1 | 2;
export const DESCRIPTOR_VERSIONS: readonly DescriptorVersion[] = [1, 2];
/** What analysis writes today; a video analysed under an older version is offered re-analysis. */
export const LATEST_DESCRIPTOR_VERSION: DescriptorVersion = 2;

/** The expression classes of the default encoder (circumplex.ts places them); an encoder has these or none. */
export const EXPRESSION_DIM = 7;

/**
 * The action embedding's factor. Measured on kerc-dev's 2,012 crops (docs/notes/descriptor-v2.md): per dimension its
 * values spread with sd 1.49, the encoder embedding's 0.082 and the probabilities' 0.19. Unscaled, its 64 values
 * (total sd 11.9) would drown the embedding (1.30) and the probabilities (0.51) in any raw distance; scaled by
 * 0.082 / 1.49, each action value spreads like an embedding value and the part (total sd 0.65) sits between the
 * other two. Training standardises every feature, so a trained head barely depends on it; raw distances and the
 * ridge baseline's shared penalty do.
 */
export const ACTION_EMBEDDING_SCALE = 0.055;

export interface EncoderParts {
  /** The encoder's embedding size, from its card. */
  embeddingDim: number;
  /** EXPRESSION_DIM, or 0 for an encoder without an expression head. */
  expressionDim: number;
  /** AFFECT_DIM for an encoder with its own valence/arousal outputs, else 0. */
  affectDim: number;
}

/** The encoder's own valence and arousal, in that order. */
export const AFFECT_DIM = 2;

export interface DescriptorLayout extends EncoderParts {
  version: DescriptorVersion;
  /** ACTION_EMBEDDING_DIM from version 2 on, else 0. */
  actionDim: number;
  dim: number;
}

/** The default encoder (models/emotion.card.json): 256-d embedding and the 7 expression probabilities. */
export const DEFAULT_ENCODER: EncoderParts = { embeddingDim: 256, expressionDim: EXPRESSION_DIM, affectDim: 0 };

export function descriptorLayout(version: number, encoder: EncoderParts = DEFAULT_ENCODER): DescriptorLayout {
  if (!DESCRIPTOR_VERSIONS.includes(version as DescriptorVersion)) {
    throw new StudioError(`Descriptor version ${version} is not one this studio knows (${DESCRIPTOR_VERSIONS.join(', ')}); update Affect Studio to open this project.`);
  }
  if (encoder.expressionDim !== 0 && encoder.expressionDim !== EXPRESSION_DIM) {
    throw new StudioError(`An encoder's expression head must give ${EXPRESSION_DIM} probabilities (or none), not ${encoder.expressionDim}.`);
  }
  if (encoder.affectDim !== 0 && encoder.affectDim !== AFFECT_DIM) {
    throw new StudioError(`An encoder's own affect outputs are valence and arousal (${AFFECT_DIM} values) or none, not ${encoder.affectDim}.`);
  }
  const actionDim = version >= 2 ? ACTION_EMBEDDING_DIM : 0;
  return { version: version as DescriptorVersion, ...encoder, actionDim, dim: encoder.embeddingDim + encoder.expressionDim + encoder.affectDim + actionDim };
}

/**
 * The encoder's parts from its card: `embeddingDim`, an expression head if it names one among its outputs, and
 * its own valence/arousal if it declares both.
 */
export function encoderParts(card: { embeddingDim?: number; outputs?: readonly { name: string }[] }): EncoderParts {
  const hasExpressions = (card.outputs ?? []).some((o) => o.name === 'expression_probs' || o.name === 'expression_logits');
  return { embeddingDim: card.embeddingDim ?? DEFAULT_ENCODER.embeddingDim, expressionDim: hasExpressions ? EXPRESSION_DIM : 0, affectDim: predictsAffect(card) ? AFFECT_DIM : 0 };
}

/** Where the expression probabilities start in a descriptor (the circumplex prior reads these rows). */
export function expressionOffset(layout: DescriptorLayout): number {
  return layout.embeddingDim;
}

/** Where the encoder's own valence (then arousal) is in a descriptor whose layout has the affect part. */
export function affectOffset(layout: DescriptorLayout): number {
  return layout.embeddingDim + layout.expressionDim;
}

/**
 * One face's descriptor under the layout; `actions` is needed from version 2 on and ignored before, `affect` (the
 * encoder's own valence and arousal on [-1, 1]) when the layout has the affect part.
 */
export function buildDescriptor(
  layout: DescriptorLayout,
  parts: { embedding: ArrayLike<number>; probabilities: ArrayLike<number> | null; actions: ArrayLike<number> | null; affect?: { valence: number; arousal: number } | null },
): Float32Array {
  const probabilities = layout.expressionDim > 0 ? parts.probabilities : [];
  if (parts.embedding.length !== layout.embeddingDim || probabilities?.length !== layout.expressionDim) {
    throw new StudioError(
      `A face descriptor needs a ${layout.embeddingDim}-d embedding and ${layout.expressionDim} expression probabilities, not ${parts.embedding.length} and ${probabilities?.length ?? 0}.`,
    );
  }
  if (layout.actionDim > 0 && parts.actions?.length !== layout.actionDim) {
    throw new StudioError(`A version ${layout.version} descriptor needs the ${layout.actionDim}-d action embedding; analyse the video again for facial actions.`);
  }
  if (layout.affectDim > 0 && !parts.affect) {
    throw new StudioError("This project's encoder predicts valence and arousal, and a face has none stored: analyse the video again with it.");
  }
  const out = new Float32Array(layout.dim);
  out.set(parts.embedding, 0);
  out.set(probabilities, layout.embeddingDim);
  if (layout.affectDim > 0 && parts.affect) out.set([parts.affect.valence, parts.affect.arousal], affectOffset(layout));
  const actionOffset = affectOffset(layout) + layout.affectDim;
  for (let k = 0; k < layout.actionDim; k++) out[actionOffset + k] = ACTION_EMBEDDING_SCALE * ((parts.actions as ArrayLike<number>)[k] as number);
  return out;
}

/**
 * The version a project reads every video under: descriptors of different videos meet as anchors, so they must
 * share one layout, the lowest among the analysed videos (a version-2 video read as version 1 drops its actions).
 * A project with no analysed video reads the latest.
 */
export function projectDescriptorVersion(analysedVersions: readonly number[]): DescriptorVersion {
  if (analysedVersions.length === 0) return LATEST_DESCRIPTOR_VERSION;
  return descriptorLayout(Math.min(...analysedVersions)).version;
}

/**
 * How a head's card names its layout; heads written before versioning are version 1. `affectDim` is named only when
 * the layout has the part, so heads of encoders without it keep the cards of before.
 */
export function layoutCardFields(layout: DescriptorLayout): Record<string, unknown> {
  const parts = [`encoder "embedding" (${layout.embeddingDim} values)`];
  if (layout.expressionDim > 0) parts.push(`"expression_probs" (${layout.expressionDim} values: angry, disgust, fear, happy, sad, surprise, neutral)`);
  if (layout.affectDim > 0) parts.push(`the encoder's own "valence" and "arousal" (${layout.affectDim} values on [-1, 1])`);
  if (layout.actionDim > 0) parts.push(`the blendshape model's action "embedding" (${layout.actionDim} values, times ${ACTION_EMBEDDING_SCALE})`);
  return { version: layout.version, dim: layout.dim, embeddingDim: layout.embeddingDim, expressionDim: layout.expressionDim, actionDim: layout.actionDim, layout: parts.join(' followed by '), ...(layout.affectDim > 0 ? { affectDim: layout.affectDim } : {}) };
}
