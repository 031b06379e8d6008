/**
 * The versioned descriptor contract (issue 16): which parts a face's descriptor has, in which order and of which
 * size, so that heads, the prior and every reader agree on what a row means.
 *
 *   version 1: the encoder's embedding, then its expression probabilities (263 values for the default encoder);
 *   version 2: version 1, then the blendshape model's 64-d action embedding (faceActions.ts), times
 *              ACTION_EMBEDDING_SCALE.
 *
 * An encoder without an expression head has no expression part (expressionDim 0). A version-2 descriptor read as
 * version 1 simply leaves the action part out, which is how a project whose videos were analysed under different
 * versions reads them all under one layout (the lowest: `projectDescriptorVersion`).
 */
import { StudioError } from '../errors';
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
}

export interface DescriptorLayout extends EncoderParts {
  version: DescriptorVersion;
  /** ACTION_EMBEDDING_DIM from version 2 on, else 0. */
  actionDim: number;
  dim: number;
}

/** The default encoder (models/emotion.card.json): 256-d embedding and the 7 expression probabilities. */
export const DEFAULT_ENCODER: EncoderParts = { embeddingDim: 256, expressionDim: EXPRESSION_DIM };

export function descriptorLayout(version: number, encoder: EncoderParts = DEFAULT_ENCODER): DescriptorLayout {
  if (!DESCRIPTOR_VERSIONS.includes(version as DescriptorVersion)) {
    throw new StudioError(`Descriptor version ${version} is not one this studio knows (${DESCRIPTOR_VERSIONS.join(', ')}); update Affect Studio to open this project.`);
  }
  if (encoder.expressionDim !== 0 && encoder.expressionDim !== EXPRESSION_DIM) {
    throw new StudioError(`An encoder's expression head must give ${EXPRESSION_DIM} probabilities (or none), not ${encoder.expressionDim}.`);
  }
  const actionDim = version >= 2 ? ACTION_EMBEDDING_DIM : 0;
  return { version: version as DescriptorVersion, ...encoder, actionDim, dim: encoder.embeddingDim + encoder.expressionDim + actionDim };
}

/** The encoder's parts from its card: `embeddingDim`, and an expression head if it names one among its outputs. */
export function encoderParts(card: { embeddingDim?: number; outputs?: readonly { name: string }[] }): EncoderParts {
  const hasExpressions = (card.outputs ?? []).some((o) => o.name === 'expression_probs' || o.name === 'expression_logits');
  return { embeddingDim: card.embeddingDim ?? DEFAULT_ENCODER.embeddingDim, expressionDim: hasExpressions ? EXPRESSION_DIM : 0 };
}

/** Where the expression probabilities start in a descriptor (the prior head reads only these rows). */
export function expressionOffset(layout: DescriptorLayout): number {
  return layout.embeddingDim;
}

/** One face's descriptor under the layout; `actions` is needed from version 2 on and ignored before. */
export function buildDescriptor(
  layout: DescriptorLayout,
  parts: { embedding: ArrayLike<number>; probabilities: ArrayLike<number> | null; actions: ArrayLike<number> | null },
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
  const out = new Float32Array(layout.dim);
  out.set(parts.embedding, 0);
  out.set(probabilities, layout.embeddingDim);
  for (let k = 0; k < layout.actionDim; k++) out[layout.embeddingDim + layout.expressionDim + k] = ACTION_EMBEDDING_SCALE * ((parts.actions as ArrayLike<number>)[k] as number);
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

/** How a head's card names its layout; heads written before versioning are version 1. */
export function layoutCardFields(layout: DescriptorLayout): Record<string, unknown> {
  const parts = [`encoder "embedding" (${layout.embeddingDim} values)`];
  if (layout.expressionDim > 0) parts.push(`"expression_probs" (${layout.expressionDim} values: angry, disgust, fear, happy, sad, surprise, neutral)`);
  if (layout.actionDim > 0) parts.push(`the blendshape model's action "embedding" (${layout.actionDim} values, times ${ACTION_EMBEDDING_SCALE})`);
  return { version: layout.version, dim: layout.dim, embeddingDim: layout.embeddingDim, expressionDim: layout.expressionDim, actionDim: layout.actionDim, layout: parts.join(' followed by ') };
}
