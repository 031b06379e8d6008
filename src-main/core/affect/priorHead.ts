/**
 * The prior pair head: usable before the project has a single label, trained on no valence/arousal data at all
 * (docs/DESIGN.md §5). It is built for a descriptor layout (descriptorLayout.ts) and reads only its 7 expression
 * probabilities, whatever else the layout holds:
 * - delta = (p_b - p_a) · C, with C the circumplex coordinates of the classes (circumplex.ts), i.e. the difference
 *   of the two faces' probability-weighted word-norm positions;
 * - similarity = 3 - 6 |p_b - p_a|^2: identical probabilities give a logit of 3 (0.95), and moving half the
 *   probability mass from one class to another (|dp|^2 = 0.5) gives 0 (0.5). Probability distance, not embedding
 *   distance, because the embedding mostly encodes identity (docs/notes/fewshot-baselines.md).
 * An encoder without an expression head gives the prior nothing to read: every delta is 0 and every pair equally
 * similar, so a frame takes the weighted mean of its anchors until a head is trained.
 */
import { CLASS_AROUSAL, CLASS_VALENCE, EXPRESSION_CLASSES } from './circumplex';
import { expressionOffset, type DescriptorLayout } from './descriptorLayout';
import type { LinearPairHead } from './pairHead';

export const PRIOR_SIMILARITY_BIAS = 3;
export const PRIOR_SIMILARITY_SCALE = 6;

export function priorHead(layout: DescriptorLayout): LinearPairHead {
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
