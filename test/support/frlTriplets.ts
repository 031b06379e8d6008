/**
 * The identity-controlled expression check of ../shared/data/README.md on the Face Research Lab London Set:
 * for persons A != B, is "A smiling vs B smiling" more similar than "A smiling vs A neutral"? Shared by the
 * face pipeline's test (on the committed subset, test/fixtures/faces-frl) and bench/analyze (on the full set).
 * Either folder holds neutral/NNN.jpg and smiling/NNN.jpg.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveFfmpegPaths } from '../../src-main/core/media/ffmpegPaths';
import type { RgbImage } from '../../src-main/core/vision/imageOps';
import type { FaceDescriptor, FacePipeline, StillFace } from '../../src-main/core/vision/facePipeline';

const SIZE = 384;

/** The photos of one folder, in file-name order, decoded by one ffmpeg run (much faster than one per photo). */
export function loadFrlPhotos(frlDir: string, expression: 'neutral' | 'smiling'): { id: string; image: RgbImage }[] {
  const dir = path.join(frlDir, expression);
  const ids = fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => f.slice(0, -4));
  const bytes = SIZE * SIZE * 3;
  const run = spawnSync(
    resolveFfmpegPaths().ffmpeg,
    ['-v', 'error', '-f', 'image2', '-pattern_type', 'glob', '-i', path.join(dir, '*.jpg'), '-vf', `scale=${SIZE}:${SIZE}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { maxBuffer: ids.length * bytes + 1024 },
  );
  if (run.status !== 0 || run.stdout.length !== ids.length * bytes) throw new Error(`cannot decode ${dir}: ${run.stderr.toString()}`);
  return ids.map((id, i) => ({ id, image: { data: run.stdout.subarray(i * bytes, (i + 1) * bytes), width: SIZE, height: SIZE } }));
}

export interface FrlFaces {
  id: string;
  expression: 'neutral' | 'smiling';
  faces: StillFace[];
  descriptor: FaceDescriptor | null;
}

/** Finds the faces in every photo and encodes the first (most confident) one. */
export async function analyseFrl(pipeline: FacePipeline, frlDir: string): Promise<FrlFaces[]> {
  const results: FrlFaces[] = [];
  for (const expression of ['neutral', 'smiling'] as const) {
    const photos = loadFrlPhotos(frlDir, expression);
    const found: StillFace[][] = [];
    for (const photo of photos) found.push(await pipeline.facesInStill(photo.image));
    const inputs = photos.flatMap((photo, i) => (found[i]?.[0] ? [pipeline.encoderInput(photo.image, (found[i]?.[0] as StillFace).landmarks)] : []));
    const descriptors = await pipeline.encode(inputs);
    let next = 0;
    photos.forEach((photo, i) => results.push({ id: photo.id, expression, faces: found[i] ?? [], descriptor: found[i]?.[0] ? (descriptors[next++] as FaceDescriptor) : null }));
  }
  return results;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/** Share of (A, B != A) with sim(A smiling, B smiling) > sim(A smiling, A neutral), over people with both photos. */
export function tripletFraction(results: readonly FrlFaces[], vector: (d: FaceDescriptor) => Float32Array): { fraction: number; triplets: number } {
  const byId = new Map<string, { neutral?: Float32Array; smiling?: Float32Array }>();
  for (const r of results) {
    if (!r.descriptor) continue;
    const entry = byId.get(r.id) ?? {};
    entry[r.expression] = vector(r.descriptor);
    byId.set(r.id, entry);
  }
  const people = [...byId.values()].filter((p): p is { neutral: Float32Array; smiling: Float32Array } => !!p.neutral && !!p.smiling);
  let wins = 0;
  let triplets = 0;
  for (const [a, pa] of people.entries()) {
    const own = cosine(pa.smiling, pa.neutral);
    for (const [b, pb] of people.entries()) {
      if (a === b) continue;
      triplets++;
      if (cosine(pa.smiling, pb.smiling) > own) wins++;
    }
  }
  return { fraction: triplets > 0 ? wins / triplets : 0, triplets };
}
