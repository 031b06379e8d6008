/**
 * `afew-va` export: one `NNN.json` per video in the schema AFEW-VA's tooling reads (see afewVa.ts): per frame key,
 * valence and arousal on [-10, 10] and, when the face pipeline stored them, the 68 landmarks.
 */
import path from 'node:path';
import { StudioError } from '../errors';
import { mapToIbug68 } from '../vision/ibug68';
import { bestFaceLandmarks } from '../store/analysisStore';
import type { Db } from '../store/projectDb';
import { AFEW_VA_SCALE } from './afewVa';
import type { VideoTable } from './frameTable';
import type { OutputFile } from './exportTarget';

/**
 * `faces.landmarks` holds float32 little-endian values in source-frame pixels, like every vector BLOB in the
 * store: a face mesh's (x, y, z) triples (468 points of facemesh V1, 478 of V2), mapped to AFEW-VA's 68-point
 * layout (the iBUG scheme, core/vision/ibug68.ts), or 68 (x, y) pairs already in it. Any other count (or no
 * face) leaves the frame's `landmarks` key out, which AFEW-VA readers (ours included) treat as "not available".
 */
const AFEW_VA_LANDMARKS = 68;
const MESH_SIZES = [468, 478];

export function tablesToAfewVa(db: Db, tables: readonly VideoTable[]): OutputFile[] {
  const files = tables.map(({ video, person, rows }) => {
    const clip = personClip(clipName(video.kind, video.path, video.id), person.personId);
    const frames: Record<string, { valence: number; arousal: number; landmarks?: [number, number][] }> = {};
    for (const row of rows) {
      // AFEW-VA cannot mark a value as a model's, so predictions stay out; csv and json carry them.
      if (row.source === null || row.source === 'predicted' || row.valence === null || row.arousal === null) continue;
      const key = frameKey(row.imageFile, row.frameIndex);
      if (frames[key]) {
        throw new StudioError(`${video.displayName} has labels by several annotators on frame ${row.frameIndex}; AFEW-VA holds one layer, so choose an annotator.`);
      }
      const blob = bestFaceLandmarks(db, video.id, person.personId, row.frameIndex);
      const landmarks = blob ? decodeLandmarks(blob) : null;
      frames[key] = {
        valence: toAfewVaScale(row.valence),
        arousal: toAfewVaScale(row.arousal),
        ...(landmarks ? { landmarks } : {}),
      };
    }
    return { name: `${clip}.json`, data: JSON.stringify({ video_id: clip, frames }, null, 1) + '\n' };
  });
  const names = files.map((file) => file.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new StudioError(`Two videos would both be written as ${duplicate}; export them one at a time with --video.`);
  return files;
}

/** A clip imported from an AFEW-VA folder keeps its number (the folder name); any other video uses its id. */
function clipName(kind: string, videoPath: string, id: number): string {
  const folder = path.basename(videoPath);
  return kind === 'image_sequence' && /^\d+$/.test(folder) ? folder : String(id).padStart(3, '0');
}

/** A clip per person: person 1 keeps the clip's name (AFEW-VA clips have one subject), others add `-p<N>`. */
function personClip(clip: string, personId: number): string {
  return personId === 1 ? clip : `${clip}-p${personId}`;
}

/** The key AFEW-VA uses for a frame: its image's name in a frame folder, else the frame index as 5 digits. */
export function frameKey(imageFile: string | null, frameIndex: number): string {
  const stem = imageFile === null ? null : path.parse(imageFile).name;
  return stem !== null && /^\d+$/.test(stem) ? stem : String(frameIndex).padStart(5, '0');
}

/** x10, rounded to 6 places so that 0.3 comes back as 3 and not 3.0000000000000004. */
function toAfewVaScale(value: number): number {
  return Number((value * AFEW_VA_SCALE).toFixed(6));
}

function decodeLandmarks(blob: Buffer): [number, number][] | null {
  const floats = Float32Array.from({ length: blob.byteLength / 4 }, (_, i) => blob.readFloatLE(i * 4));
  const pairs = (points: Float32Array, round: (v: number) => number): [number, number][] =>
    Array.from({ length: AFEW_VA_LANDMARKS }, (_, i) => [round(points[2 * i] as number), round(points[2 * i + 1] as number)]);
  // Mapped points are weighted means: pixels to 1/1000, whose float noise says nothing. Stored pairs stay as imported.
  if (MESH_SIZES.includes(floats.length / 3)) return pairs(mapToIbug68(floats), (v) => Math.round(v * 1000) / 1000);
  return floats.length === AFEW_VA_LANDMARKS * 2 ? pairs(floats, (v) => v) : null;
}
