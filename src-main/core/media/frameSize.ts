import { StudioError } from '../errors';

export interface FrameSize {
  width: number;
  height: number;
}

/**
 * The largest size with the source's aspect ratio that fits in maxW x maxH. Dimensions are even because
 * yuv420 encoders (the JPEG thumbnails, any later re-encode) reject odd sizes, and at least 2.
 */
export function fitWithin(width: number, height: number, maxW: number, maxH: number): FrameSize {
  const scale = Math.min(maxW / width, maxH / height);
  const even = (n: number) => Math.max(2, 2 * Math.floor(n / 2));
  return { width: even(width * scale), height: even(height * scale) };
}

/** Bytes of one raw RGB24 frame; rejects sizes that would make ffmpeg fail with a far less readable message. */
export function rgbFrameBytes(width: number, height: number): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    throw new StudioError(`Cannot decode frames at ${width}x${height}: width and height must be whole numbers from 1 to 16384.`);
  }
  return width * height * 3;
}
