/**
 * Where the encoder's seven expression classes sit on the valence/arousal plane, for the prior pair head that
 * needs no valence/arousal training data (docs/DESIGN.md §5).
 *
 * Source: Warriner, Kuperman & Brysbaert (2013), "Norms of valence, arousal, and dominance for 13,915 English
 * lemmas", Behavior Research Methods 45, 1191-1207 (columns V.Mean.Sum and A.Mean.Sum, 1-9 scale), for the
 * class words as the encoder names them. Rescaled to the studio's [-1, 1] with (x - 5) / 4, the same map as the
 * 1-9 rating scales the studio imports.
 *
 * | class    | word in the norms | V (1-9) | A (1-9) |
 * |----------|-------------------|---------|---------|
 * | angry    | angry             | 2.53    | 6.20    |
 * | disgust  | disgust           | 3.32    | 5.00    |
 * | fear     | fear              | 2.93    | 6.14    |
 * | happy    | happy             | 8.47    | 6.05    |
 * | sad      | sad               | 2.10    | 3.49    |
 * | surprise | surprise          | 7.44    | 6.57    |
 * | neutral  | neutral           | 5.50    | 3.45    |
 *
 * Word norms rate how the word feels, not how a face showing it looks; they are a prior, which the project's own
 * labels then correct (trainHead.ts).
 */
export const EXPRESSION_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

const NORMS_1_TO_9: Record<(typeof EXPRESSION_CLASSES)[number], { valence: number; arousal: number }> = {
  angry: { valence: 2.53, arousal: 6.2 },
  disgust: { valence: 3.32, arousal: 5.0 },
  fear: { valence: 2.93, arousal: 6.14 },
  happy: { valence: 8.47, arousal: 6.05 },
  sad: { valence: 2.1, arousal: 3.49 },
  surprise: { valence: 7.44, arousal: 6.57 },
  neutral: { valence: 5.5, arousal: 3.45 },
};

const rescale = (x: number) => (x - 5) / 4;

/** Valence per class on [-1, 1], in the encoder's class order. */
export const CLASS_VALENCE: readonly number[] = EXPRESSION_CLASSES.map((c) => rescale(NORMS_1_TO_9[c].valence));
/** Arousal per class on [-1, 1], in the encoder's class order. */
export const CLASS_AROUSAL: readonly number[] = EXPRESSION_CLASSES.map((c) => rescale(NORMS_1_TO_9[c].arousal));
