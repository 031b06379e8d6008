/**
 * The prior pair head: usable before the project has a single label, trained on no valence/arousal data by the
 * studio (docs/DESIGN.md §5). It is built for a descriptor layout (descriptorLayout.ts) and reads one part of it:
 *
 * - The encoder's own valence and arousal, when its card declares them (a lab's AffectNet-trained model, say):
 *   delta = (V_b - V_a, A_b - A_a), exactly the encoder's own difference, and similarity = 3 - 5 |(dV, dA)|^2.
 *   Identical points give the same logit 3 (0.95) as the circumplex prior. The scale is set by what the similarity
 *   does in the propagation (propagate.ts): a candidate weighs sigmoid(logit)^4, and that weight is also how much the
 *   smoother trusts it. With 5, a frame 0.5 from the labelled one in V/A keeps about two thirds of an identical
 *   frame's weight (0.52 vs 0.81), 0.77 apart is a coin flip (logit 0) and half the scale apart (1) hardly counts.
 *   Steeper scales drop the encoder's judgement where it matters: with logit 0 at 0.45 (as far as the circumplex
 *   prior's average class pair) the predictions of one label followed the encoder's difference only with
 *   correlation 0.62-0.84 on a clip whose V/A swing by ±0.3 (encoderAffect.test.ts), because the smoother kept
 *   to the label wherever the candidates had lost their weight. An encoder that also has expression probabilities
 *   is read by its V/A only: it was trained for valence and arousal, while the probabilities reach them only
 *   through word norms of class names.
 * - Otherwise its 7 expression probabilities (the circumplex prior): delta = (p_b - p_a) · C, with C the
 *   circumplex coordinates of the classes (circumplex.ts), i.e. the difference of the two faces'
 *   probability-weighted word-norm positions; similarity = 3 - 6 |p_b - p_a|^2: identical probabilities give a logit
 *   of 3 (0.95), and moving half the probability mass from one class to another (|dp|^2 = 0.5) gives 0 (0.5).
 *   Probability distance, not embedding distance, because the embedding mostly encodes identity
 *   (docs/notes/fewshot-baselines.md).
 *
 * An encoder with neither gives the prior nothing to read: every delta is 0 and every pair equally similar, so a
 * frame takes the weighted mean of its anchors until a head is trained.
 */
import { CLASS_AROUSAL, CLASS_VALENCE, EXPRESSION_CLASSES } from './circumplex';
import { affectOffset, expressionOffset, type DescriptorLayout } from './descriptorLayout';
import type { LinearPairHead } from './pairHead';

export const PRIOR_SIMILARITY_BIAS = 3;
export const PRIOR_SIMILARITY_SCALE = 6;
/** Logit 0 at a V/A distance of sqrt(3 / 5) = 0.77 (see above). */
export const AFFECT_PRIOR_SIMILARITY_SCALE = 5;

export const CIRCUMPLEX_PRIOR_NAME = 'circumplex prior';
export const ENCODER_AFFECT_PRIOR_NAME = "encoder's own valence/arousal prior";

/** What the prior reads under a layout, as the studio names it wherever it says which head predicts (exports too). */
export function priorName(layout: DescriptorLayout): string {
  return layout.affectDim > 0 ? ENCODER_AFFECT_PRIOR_NAME : CIRCUMPLEX_PRIOR_NAME;
}

export function priorHead(layout: DescriptorLayout): LinearPairHead {
  return layout.affectDim > 0 ? affectPrior(layout) : circumplexPrior(layout);
}

function affectPrior(layout: DescriptorLayout): LinearPairHead {
  const rank = layout.affectDim;
  const delta = new Float32Array(layout.dim * 2);
  const metric = new Float32Array(layout.dim * rank);
  for (let c = 0; c < layout.affectDim; c++) {
    // Row c of the part is valence (c = 0) or arousal (c = 1): it goes to that delta column unchanged.
    const row = affectOffset(layout) + c;
    delta[2 * row + c] = 1;
    metric[row * rank + c] = Math.sqrt(AFFECT_PRIOR_SIMILARITY_SCALE);
  }
  return { dim: layout.dim, rank, delta, metric, bias: PRIOR_SIMILARITY_BIAS };
}

function circumplexPrior(layout: DescriptorLayout): LinearPairHead {
  // A metric needs a rank of at least 1; without expressions its one column stays zero.
  const rank = Math.max(1, layout.expressionDim);
  const delta = new Float32Array(layout.dim * 2);
  const metric = new Float32Array(layout.dim * rank);
  for (let c = 0; c < layout.expressionDim; c++) {
    const row = expressionOffset(layout) + c;
    delta[2 * row] = CLASS_VALENCE[c] as number;
    delta[2 * row + 1] = CLASS_AROUSAL[c] as number;
    metric[row * rank + c] = Math.sqrt(PRIOR_SIMILARITY_SCALE);
  }
  return { dim: layout.dim, rank, delta, metric, bias: PRIOR_SIMILARITY_BIAS };
}

export const PRIOR_HEAD_CARD = {
  name: 'circumplex-prior-pair-head',
  version: '1.0.0',
  description:
    'Zero-shot pair head: valence/arousal deltas from the expression probabilities placed at the Warriner, Kuperman & Brysbaert (2013) word norms of the class names, similarity from probability distance.',
  trainingData: 'none: no valence/arousal data; the class coordinates are published word norms (see circumplex.ts)',
  source: {
    norms: 'Warriner, A.B., Kuperman, V., & Brysbaert, M. (2013). Norms of valence, arousal, and dominance for 13,915 English lemmas. Behavior Research Methods, 45, 1191-1207.',
    coordinates: Object.fromEntries(
      EXPRESSION_CLASSES.map((name, i) => [name, { valence: CLASS_VALENCE[i], arousal: CLASS_AROUSAL[i] }]),
    ),
    rescaling: '(x - 5) / 4 from the norms\' 1-9 scale',
  },
};
