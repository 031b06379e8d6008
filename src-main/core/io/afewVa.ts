/**
 * AFEW-VA clips: a folder of frames plus `NNN.json` holding, per frame key ("00000"), valence and arousal on
 * [-10, 10] and 68 landmarks. Parsed strictly: a clip whose JSON does not match its images is refused whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors';
import { issuePath, oneLineText } from '../shownText';
import { parseUserJson } from '../strictJson';

/** AFEW-VA's published scale; the core works on [-1, 1]. */
export const AFEW_VA_SCALE = 10;

const Point = z.tuple([z.number(), z.number()]);
const AfewVaFrame = z.object({
  valence: z.number().min(-AFEW_VA_SCALE).max(AFEW_VA_SCALE),
  arousal: z.number().min(-AFEW_VA_SCALE).max(AFEW_VA_SCALE),
  landmarks: z.array(Point).length(68).optional(),
});
const AfewVaFile = z.object({
  actor: z.string().optional(),
  video_id: z.union([z.string(), z.number()]).optional(),
  frames: z.record(z.string().regex(/^\d+$/, 'frame keys must be digits'), AfewVaFrame),
});

export interface AfewVaLabel {
  /** The image file this label belongs to (its name without extension is the JSON's frame key). */
  imageFile: string;
  valence: number;
  arousal: number;
  landmarks: [number, number][] | null;
}

export interface AfewVaClip {
  jsonFile: string;
  actor: string | null;
  videoId: string | null;
  labels: AfewVaLabel[];
}

/** The clip's JSON file if the folder looks like an AFEW-VA clip (exactly one `<digits>.json`), else null. */
export function findAfewVaJson(dir: string): string | null {
  const candidates = fs.readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  if (candidates.length > 1) {
    throw new StudioError(`${dir} holds several AFEW-VA label files (${candidates.join(', ')}); a clip folder has exactly one.`);
  }
  return candidates[0] ? path.join(dir, candidates[0]) : null;
}

export interface AfewVaFrameLabel {
  /** The JSON's frame key, e.g. "00000". */
  key: string;
  valence: number;
  arousal: number;
  landmarks: [number, number][] | null;
}

export interface AfewVaDocument {
  actor: string | null;
  videoId: string | null;
  /** In frame-key order, values scaled to [-1, 1]. */
  frames: AfewVaFrameLabel[];
}

/** Parses one AFEW-VA label file strictly; the error names the file and the first offending field. */
export function readAfewVaJson(jsonFile: string): AfewVaDocument {
  const name = path.basename(jsonFile);
  let raw: unknown;
  try {
    raw = parseUserJson(fs.readFileSync(jsonFile, 'utf8'));
  } catch (error) {
    throw new StudioError(`${name} is not valid JSON: ${oneLineText((error as Error).message)}`);
  }
  const parsed = AfewVaFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError(`${name} is not an AFEW-VA label file: ${issuePath(issue?.path ?? [])}: ${oneLineText(issue?.message ?? '')}`);
  }
  const keys = Object.keys(parsed.data.frames).sort((a, b) => Number(a) - Number(b));
  return {
    actor: parsed.data.actor ?? null,
    videoId: parsed.data.video_id === undefined ? null : String(parsed.data.video_id),
    frames: keys.map((key) => {
      const frame = parsed.data.frames[key] as z.infer<typeof AfewVaFrame>;
      return {
        key,
        valence: frame.valence / AFEW_VA_SCALE,
        arousal: frame.arousal / AFEW_VA_SCALE,
        landmarks: frame.landmarks ?? null,
      };
    }),
  };
}

/** Reads the clip's labels and matches every frame key to one of `imageFiles` (names inside the clip folder). */
export function readAfewVaClip(jsonFile: string, imageFiles: readonly string[]): AfewVaClip {
  const name = path.basename(jsonFile);
  const document = readAfewVaJson(jsonFile);
  const byKey = new Map(imageFiles.map((file) => [path.parse(file).name, file]));
  const missing = document.frames.map((frame) => frame.key).filter((key) => !byKey.has(key));
  if (missing.length > 0) {
    throw new StudioError(
      `${name} labels ${missing.length} frame(s) with no image in the folder (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}).`,
    );
  }
  return {
    jsonFile,
    actor: document.actor,
    videoId: document.videoId,
    labels: document.frames.map(({ key, valence, arousal, landmarks }) => ({ imageFile: byKey.get(key) as string, valence, arousal, landmarks })),
  };
}
