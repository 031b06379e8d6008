/**
 * An encoder's input exactly as its card declares it (modelCard.ts `EncoderInputSchema`): crop size and margin,
 * grey or colour, channel order, layout and normalisation. The one place that reads those fields, so the video
 * pipeline and image datasets feed any lab's encoder the same numbers.
 */
import { encoderInputOf, encoderItemShape, type ModelCard } from '../inference/modelCard';
import type { CropPost, PixelNormalisation } from './imageOps';

export interface EncoderPreprocessing {
  width: number;
  height: number;
  /** Side of the upright face crop as a multiple of the landmark box's longer side. */
  cropScale: number;
  pixels: PixelNormalisation;
  post: CropPost;
  /** One item's input shape without the batch dimension: [H, W, C] or [C, H, W]. */
  itemShape: number[];
}

export function encoderPreprocessing(card: ModelCard): EncoderPreprocessing {
  const input = encoderInputOf(card);
  const { width, height } = input.size;
  const pixels: PixelNormalisation = {
    channels: input.channels,
    bgr: input.colourOrder === 'BGR',
    planar: input.layout === 'NCHW',
    divisor: input.valueRange === '0..1' ? 255 : 1,
    mean: input.mean,
    std: input.std,
  };
  return {
    width,
    height,
    cropScale: input.cropScale,
    pixels,
    post: { kind: 'normalised', pixels },
    itemShape: encoderItemShape(input),
  };
}

/** The card's input in a few words, for the Encoders panel and the CLI: "RGB 112x112 NCHW, 0..1, mean 0.5 sd 0.25, crop 1.2x". */
export function describeEncoderInput(card: ModelCard): string {
  const input = encoderInputOf(card);
  const colour = input.channels === 1 ? 'grey' : input.colourOrder;
  const list = (values: readonly number[]) => values.map((v) => String(Number(v.toPrecision(4)))).join('/');
  return `${colour} ${input.size.width}x${input.size.height} ${input.layout}, ${input.valueRange}, mean ${list(input.mean)} sd ${list(input.std)}, crop ${input.cropScale}x`;
}
