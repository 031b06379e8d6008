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
 * How an encoder's card wants its pixels (core/vision/encoderInput.ts makes it from the card): one grey channel
 * or three in RGB or BGR order, interleaved (NHWC) or in planes (NCHW), each value (v / divisor - mean) / std.
 */
export interface PixelNormalisation {
  channels: 1 | 3;
  bgr: boolean;
  planar: boolean;
  /** 255 for a card wanting values on 0..1, 1 for 0..255. */
  divisor: number;
  /** One per channel, in the model's channel order. */
  mean: readonly number[];
  std: readonly number[];
}

/**
 * What is done to each sampled pixel before it is stored: kept as RGB floats (0..255), mapped v -> v * scale +
 * offset per channel (the detector's and landmark model's normalisation), or normalised as an encoder's card says
 * (`normalisedPixel`). Fused into the sampling loop, with the same float32 rounding in between as sampling first
 * and converting after (`affine`, `normalisedPixel`), so the numbers are bit for bit those of the two-step form.
 */
export type CropPost = { kind: 'rgb' } | { kind: 'affine'; scale: number; offset: number } | { kind: 'normalised'; pixels: PixelNormalisation };

/** One model input cut out of a frame: `roi` sampled into `width` x `height` pixels, then `post`. */
export interface CropSpec {
  roi: Roi;
  width: number;
  height: number;
  /** At most maxSamples x maxSamples bilinear samples per output pixel. */
  maxSamples: number;
  post: CropPost;
}

/** Values per output pixel. */
export function cropChannels(post: CropPost): number {
  return post.kind === 'normalised' ? post.pixels.channels : 3;
}

/** The whole crop, in this thread. */
export function cropRoi(img: RgbImage, spec: CropSpec): Float32Array {
  const out = new Float32Array(spec.width * spec.height * cropChannels(spec.post));
  sampleRoiRows(img, spec, out, 0, spec.height);
  return out;
}

/**
 * Samples `roi` into an outW x outH RGB float image (0..255 per channel); outside the frame is black.
 * `roi.size` spans the crop's width; a non-square output keeps square pixels (height spans size * outH / outW).
 */
export function sampleRoi(img: RgbImage, roi: Roi, outW: number, outH: number, maxSamples = 4): Float32Array {
  return cropRoi(img, { roi, width: outW, height: outH, maxSamples, post: { kind: 'rgb' } });
}

const POST_RGB = 0;
const POST_AFFINE = 1;
const POST_NORMALISED = 2;

/**
 * Output rows [rowStart, rowEnd) of `spec` into `out` (the whole crop's buffer, row-major): each row depends on
 * the frame and the spec only, so rows can be shared out between threads and the result is the same.
 * This runs for every frame (a 192-px crop for the landmark model, a 64-px one for the encoder, 256 px for the
 * detector), so the bilinear sampling is written out inline over tables of the affine walk: the source position
 * of output coordinate (u, v) is origin + u * (ux, uy) + v * (vx, vy), evaluated in that order.
 */
export function sampleRoiRows(img: RgbImage, spec: CropSpec, out: Float32Array, rowStart: number, rowEnd: number): void {
  const { roi, width: outW, height: outH } = spec;
  const step = roi.size / outW;
  const n = step > 1.5 ? Math.min(spec.maxSamples, Math.ceil(step)) : 1;
  const ux = Math.cos(roi.angle) * step;
  const uy = Math.sin(roi.angle) * step;
  const vx = -uy;
  const vy = ux;
  // -0.5 because pixel (0, 0)'s centre lies at (0.5, 0.5) in the continuous coordinates the roi is given in.
  const ox = roi.cx - (outW / 2) * ux - (outH / 2) * vx - 0.5;
  const oy = roi.cy - (outW / 2) * uy - (outH / 2) * vy - 0.5;
  const post = spec.post.kind === 'normalised' ? POST_NORMALISED : spec.post.kind === 'affine' ? POST_AFFINE : POST_RGB;
  const scale = spec.post.kind === 'affine' ? spec.post.scale : 1;
  const offset = spec.post.kind === 'affine' ? spec.post.offset : 0;
  const pixels = spec.post.kind === 'normalised' ? spec.post.pixels : null;
  const plane = outW * outH;
  // u * (ux, uy) for every sample column u = j + (sj + 0.5) / n, v * (vx, vy) for every sample row.
  const cols = outW * n;
  const colX = new Float64Array(cols);
  const colY = new Float64Array(cols);
  for (let j = 0; j < outW; j++) {
    for (let sj = 0; sj < n; sj++) {
      const u = j + (sj + 0.5) / n;
      colX[j * n + sj] = u * ux;
      colY[j * n + sj] = u * uy;
    }
  }
  const rowX = new Float64Array(n);
  const rowY = new Float64Array(n);
  const { data, width, height } = img;
  const maxX = width - 1;
  const maxY = height - 1;
  const stride = width * 3;
  const weight = 1 / (n * n);
  let o = rowStart * outW * (post === POST_NORMALISED ? 1 : 3);
  for (let i = rowStart; i < rowEnd; i++) {
    for (let si = 0; si < n; si++) {
      const v = i + (si + 0.5) / n;
      rowX[si] = v * vx;
      rowY[si] = v * vy;
    }
    for (let j = 0; j < outW; j++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let si = 0; si < n; si++) {
        const vvx = rowX[si] as number;
        const vvy = rowY[si] as number;
        for (let sj = 0; sj < n; sj++) {
          const x = ox + (colX[j * n + sj] as number) + vvx;
          const y = oy + (colY[j * n + sj] as number) + vvy;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          if (x0 >= 0 && y0 >= 0 && x0 < maxX && y0 < maxY) {
            const p00 = y0 * stride + x0 * 3;
            const p01 = p00 + stride;
            const gx = 1 - fx;
            const gy = 1 - fy;
            const w00 = gx * gy;
            const w10 = fx * gy;
            const w01 = gx * fy;
            const w11 = fx * fy;
            r += w00 * (data[p00] as number) + w10 * (data[p00 + 3] as number) + w01 * (data[p01] as number) + w11 * (data[p01 + 3] as number);
            g += w00 * (data[p00 + 1] as number) + w10 * (data[p00 + 4] as number) + w01 * (data[p01 + 1] as number) + w11 * (data[p01 + 4] as number);
            b += w00 * (data[p00 + 2] as number) + w10 * (data[p00 + 5] as number) + w01 * (data[p01 + 2] as number) + w11 * (data[p01 + 5] as number);
          } else if (x0 >= -1 && y0 >= -1 && x0 <= maxX && y0 <= maxY) {
            // On the border: only the neighbours inside the frame contribute (the outside is black).
            for (let dy = 0; dy < 2; dy++) {
              const yy = y0 + dy;
              if (yy < 0 || yy > maxY) continue;
              for (let dx = 0; dx < 2; dx++) {
                const xx = x0 + dx;
                if (xx < 0 || xx > maxX) continue;
                const w = (dx === 0 ? 1 - fx : fx) * (dy === 0 ? 1 - fy : fy);
                const p = yy * stride + xx * 3;
                r += w * (data[p] as number);
                g += w * (data[p + 1] as number);
                b += w * (data[p + 2] as number);
              }
            }
          }
        }
      }
      // Math.fround: the value a Float32Array of RGB floats would have held before the conversion.
      if (post === POST_NORMALISED) {
        // `o` counts pixels here: normalisedPixel places the pixel's channels itself.
        normalisedPixel(pixels as PixelNormalisation, Math.fround(r * weight), Math.fround(g * weight), Math.fround(b * weight), out, o++, plane);
      } else if (post === POST_AFFINE) {
        out[o++] = Math.fround(r * weight) * scale + offset;
        out[o++] = Math.fround(g * weight) * scale + offset;
        out[o++] = Math.fround(b * weight) * scale + offset;
      } else {
        out[o++] = r * weight;
        out[o++] = g * weight;
        out[o++] = b * weight;
      }
    }
  }
}

/** In place: every value v -> v * scale + offset. */
export function affine(values: Float32Array, scale: number, offset: number): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale + offset;
  return values;
}

/** The shipped encoder's grey weights (ITU-R BT.601), for a card asking for one channel. */
const GREY = [0.2989, 0.587, 0.114] as const;

/**
 * One pixel (r, g, b on 0..255) as the card asks, written at pixel index `p` of `out`, an image of `plane` pixels:
 * the one definition of an encoder's preprocessing, shared by crops of video frames and by image datasets.
 */
export function normalisedPixel(pixels: PixelNormalisation, r: number, g: number, b: number, out: Float32Array, p: number, plane: number): void {
  const { divisor, mean, std } = pixels;
  if (pixels.channels === 1) {
    out[p] = ((GREY[0] * r + GREY[1] * g + GREY[2] * b) / divisor - (mean[0] as number)) / (std[0] as number);
    return;
  }
  const step = pixels.planar ? plane : 1;
  const at = pixels.planar ? p : 3 * p;
  out[at] = ((pixels.bgr ? b : r) / divisor - (mean[0] as number)) / (std[0] as number);
  out[at + step] = (g / divisor - (mean[1] as number)) / (std[1] as number);
  out[at + 2 * step] = ((pixels.bgr ? r : b) / divisor - (mean[2] as number)) / (std[2] as number);
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
