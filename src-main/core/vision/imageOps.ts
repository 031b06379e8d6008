/**
 * Plain-JS resampling of small crops out of a decoded frame (packed RGB24). Frames are decoded by ffmpeg at a
 * modest size already, so only the model inputs (256, 192, 64 px) are made here. Each output pixel averages
 * n x n bilinear samples when the crop shrinks the image by more than 1.5x, which keeps a downscaled face free
 * of the aliasing a single sample per pixel would give.
 */
import type { Point } from './blazeface';

export interface RgbImage {
  /** Packed RGB24, row-major, width * height * 3 bytes. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** A square region of the frame, rotated by `angle` (radians, the direction of its x axis), in frame pixels. */
export interface Roi {
  cx: number;
  cy: number;
  size: number;
  angle: number;
}

/** Crop pixel (px, py) of an `outSize`-px crop of `roi` -> frame pixels. */
export function cropToFrame(roi: Roi, outSize: number, px: number, py: number): Point {
  const u = (px / outSize - 0.5) * roi.size;
  const v = (py / outSize - 0.5) * roi.size;
  const cos = Math.cos(roi.angle);
  const sin = Math.sin(roi.angle);
  return { x: roi.cx + u * cos - v * sin, y: roi.cy + u * sin + v * cos };
}

/**
 * Samples `roi` into an outW x outH RGB float image (0..255 per channel); outside the frame is black.
 * `roi.size` spans the crop's width; a non-square output keeps square pixels (height spans size * outH / outW).
 * This runs for every frame (a 192-px crop for the landmark model, a 64-px one for the encoder), so the
 * bilinear sampling is written out inline over the affine walk rather than through helper calls.
 */
export function sampleRoi(img: RgbImage, roi: Roi, outW: number, outH: number, maxSamples = 4): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  const step = roi.size / outW;
  const n = step > 1.5 ? Math.min(maxSamples, Math.ceil(step)) : 1;
  // Source position of output coordinate (u, v) is origin + u * (ux, uy) + v * (vx, vy); -0.5 because pixel
  // (0, 0)'s centre lies at (0.5, 0.5) in the continuous coordinates the roi is given in.
  const ux = Math.cos(roi.angle) * step;
  const uy = Math.sin(roi.angle) * step;
  const vx = -uy;
  const vy = ux;
  const ox = roi.cx - (outW / 2) * ux - (outH / 2) * vx - 0.5;
  const oy = roi.cy - (outW / 2) * uy - (outH / 2) * vy - 0.5;
  const { data, width, height } = img;
  const maxX = width - 1;
  const maxY = height - 1;
  const weight = 1 / (n * n);
  let o = 0;
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let si = 0; si < n; si++) {
        const v = i + (si + 0.5) / n;
        for (let sj = 0; sj < n; sj++) {
          const u = j + (sj + 0.5) / n;
          const x = ox + u * ux + v * vx;
          const y = oy + u * uy + v * vy;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          if (x0 >= 0 && y0 >= 0 && x0 < maxX && y0 < maxY) {
            const p00 = (y0 * width + x0) * 3;
            const p10 = p00 + 3;
            const p01 = p00 + width * 3;
            const p11 = p01 + 3;
            const w00 = (1 - fx) * (1 - fy);
            const w10 = fx * (1 - fy);
            const w01 = (1 - fx) * fy;
            const w11 = fx * fy;
            r += w00 * (data[p00] as number) + w10 * (data[p10] as number) + w01 * (data[p01] as number) + w11 * (data[p11] as number);
            g += w00 * (data[p00 + 1] as number) + w10 * (data[p10 + 1] as number) + w01 * (data[p01 + 1] as number) + w11 * (data[p11 + 1] as number);
            b += w00 * (data[p00 + 2] as number) + w10 * (data[p10 + 2] as number) + w01 * (data[p01 + 2] as number) + w11 * (data[p11 + 2] as number);
          } else if (x0 >= -1 && y0 >= -1 && x0 <= maxX && y0 <= maxY) {
            // On the border: only the neighbours inside the frame contribute (the outside is black).
            for (let dy = 0; dy < 2; dy++) {
              const yy = y0 + dy;
              if (yy < 0 || yy > maxY) continue;
              for (let dx = 0; dx < 2; dx++) {
                const xx = x0 + dx;
                if (xx < 0 || xx > maxX) continue;
                const w = (dx === 0 ? 1 - fx : fx) * (dy === 0 ? 1 - fy : fy);
                const p = (yy * width + xx) * 3;
                r += w * (data[p] as number);
                g += w * (data[p + 1] as number);
                b += w * (data[p + 2] as number);
              }
            }
          }
        }
      }
      out[o++] = r * weight;
      out[o++] = g * weight;
      out[o++] = b * weight;
    }
  }
  return out;
}

/** In place: every value v -> v * scale + offset. */
export function affine(values: Float32Array, scale: number, offset: number): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale + offset;
  return values;
}

/** RGB floats (0..255) -> one grey channel with the expression network's weights, on [0, 1], then (g - 0.5) * 2. */
export function toExpressionGray(rgb: Float32Array): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    const g = (0.2989 * (rgb[3 * i] as number) + 0.587 * (rgb[3 * i + 1] as number) + 0.114 * (rgb[3 * i + 2] as number)) / 255;
    out[i] = (g - 0.5) * 2;
  }
  return out;
}

/**
 * The whole frame padded (centred) to a square, as the detector expects: the roi covering that square.
 * Detector units u in [0, 1] map to frame pixels through `letterboxToFrame`.
 */
export function letterboxRoi(img: { width: number; height: number }): Roi {
  const side = Math.max(img.width, img.height);
  return { cx: img.width / 2, cy: img.height / 2, size: side, angle: 0 };
}

export function letterboxToFrame(img: { width: number; height: number }, p: Point): Point {
  const side = Math.max(img.width, img.height);
  return { x: p.x * side - (side - img.width) / 2, y: p.y * side - (side - img.height) / 2 };
}
