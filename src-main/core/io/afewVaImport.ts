/**
 * AFEW-VA labels onto videos already in the project: a dataset folder (clip folders such as `01/001/001.json`),
 * one clip folder, or one clip's `NNN.json`. Every clip is read with afewVa.ts's reader (the one the clip import and
 * `evaluate` use), mapped to a project video (by name, or as the user maps it) and checked frame by frame, and
 * every problem of every clip is listed before anything is saved: the import dialog's preview and the import job
 * run this same check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import type { FrameRow, VideoRecord } from '../store/videoStore';
import { AFEW_VA_SCALE, findAfewVaJson, readAfewVaJson, type AfewVaDocument } from './afewVa';
import { frameKey } from './afewVaExport';

/** Clip folders are looked for this deep below the chosen folder: AFEW-VA ships `<part>/<clip>/<clip>.json`. */
const MAX_DEPTH = 2;
/** Frame keys a clip's error names at most (their count is always given). */
const KEYS_SHOWN = 5;

export interface AfewVaSource {
  /** The JSON's name without extension ("001"): the clip's name in AFEW-VA. */
  clip: string;
  jsonFile: string;
}

/** Which project video a clip's labels go to; null leaves the clip out. */
export interface AfewVaClipMapping {
  clip: string;
  videoId: VideoId | null;
}

/** What the check needs of the project: its videos and each one's frames (to match AFEW-VA's frame keys). */
export interface AfewVaProject {
  videos: readonly VideoRecord[];
  frames: (videoId: VideoId) => readonly FrameRow[];
}

export interface AfewVaPendingLabel {
  videoId: VideoId;
  frameIndex: number;
  valence: number;
  arousal: number;
}

export interface AfewVaClipCheck {
  clip: string;
  jsonFile: string;
  /** Labelled frames in the JSON (0 when it could not be read). */
  frames: number;
  /** The video it goes to: the caller's mapping, else the one its name matches, else null (left out). */
  videoId: VideoId | null;
  /** The video the clip's name matches, whatever the mapping says (the dialog offers it first). */
  matchedVideoId: VideoId | null;
}

export interface AfewVaPreviewRow {
  clip: string;
  key: string;
  /** The project frame the key lands on; null when the clip is left out or the video has no such frame. */
  frameIndex: number | null;
  /** On AFEW-VA's own [-10, 10], as the file holds them, and converted to the studio's [-1, 1]. */
  valence10: number;
  arousal10: number;
  valence: number;
  arousal: number;
}

export interface AfewVaCheck {
  clips: AfewVaClipCheck[];
  rows: AfewVaPreviewRow[];
  labels: AfewVaPendingLabel[];
  /** Every problem, one line each; any refuses the whole import. */
  errors: string[];
}

/** Every AFEW-VA clip JSON at or below `chosen` (a folder or a `NNN.json`), in path order. */
export function findAfewVaSources(chosen: string): AfewVaSource[] {
  const stat = fs.statSync(chosen, { throwIfNoEntry: false });
  if (!stat) throw new StudioError(`${chosen} does not exist.`);
  if (stat.isFile()) {
    if (!/^\d+\.json$/i.test(path.basename(chosen))) {
      throw new StudioError(`${path.basename(chosen)} is not an AFEW-VA label file (those are named like 001.json): choose the AFEW-VA folder or a clip's JSON.`);
    }
    return [source(chosen)];
  }
  const found: AfewVaSource[] = [];
  const walk = (dir: string, depth: number) => {
    const json = findAfewVaJson(dir);
    if (json) return void found.push(source(json));
    if (depth === MAX_DEPTH) return;
    const subfolders = fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    for (const name of subfolders) walk(path.join(dir, name), depth + 1);
  };
  walk(chosen, 0);
  if (found.length === 0) throw new StudioError(`${chosen} holds no AFEW-VA clip (no folder with a NNN.json in it): choose the AFEW-VA folder or a clip's JSON.`);
  return found;
}

function source(jsonFile: string): AfewVaSource {
  return { clip: path.parse(jsonFile).name, jsonFile };
}

/**
 * The video a clip's name matches: the clip imported as a folder of frames ("AFEW-VA 001", or the folder "001"),
 * or a video file named after the clip ("001.mp4"). Null when none or several do.
 */
export function matchClipToVideo(clip: string, videos: readonly VideoRecord[]): VideoId | null {
  const matches = videos.filter(
    (video) => video.displayName === `AFEW-VA ${clip}` || video.displayName === clip || path.parse(video.path).name === clip,
  );
  return matches.length === 1 ? (matches[0] as VideoRecord).id : null;
}

/** The videos the clips would go to (to load their frames before the check). */
export function mappedVideoIds(sources: readonly AfewVaSource[], videos: readonly VideoRecord[], mapping: readonly AfewVaClipMapping[] | undefined): VideoId[] {
  const target = clipTarget(videos, mapping);
  return [...new Set(sources.map(({ clip }) => target(clip)).filter((id): id is VideoId => id !== null))];
}

/** A clip's video: the mapping's choice for it (null: left out), else the video its name matches. */
function clipTarget(videos: readonly VideoRecord[], mapping: readonly AfewVaClipMapping[] | undefined): (clip: string) => VideoId | null {
  const chosen = new Map(mapping?.map((m) => [m.clip, m.videoId]));
  return (clip) => (chosen.has(clip) ? (chosen.get(clip) as VideoId | null) : matchClipToVideo(clip, videos));
}

/**
 * Reads every clip and checks it against the project; nothing is written. `mapping` overrides the name matching
 * per clip; `previewRows` is how many of the first labels the preview shows.
 */
export function checkAfewVa(
  sources: readonly AfewVaSource[],
  project: AfewVaProject,
  mapping: readonly AfewVaClipMapping[] | undefined,
  previewRows: number,
): AfewVaCheck {
  const result: AfewVaCheck = { clips: [], rows: [], labels: [], errors: [] };
  const target = clipTarget(project.videos, mapping);
  const clipOf = new Map<VideoId, string>();
  for (const { clip, jsonFile } of sources) {
    let document: AfewVaDocument;
    const matchedVideoId = matchClipToVideo(clip, project.videos);
    const videoId = target(clip);
    try {
      document = readAfewVaJson(jsonFile);
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      result.errors.push(`clip ${clip}: ${error.message}`);
      result.clips.push({ clip, jsonFile, frames: 0, videoId, matchedVideoId });
      continue;
    }
    result.clips.push({ clip, jsonFile, frames: document.frames.length, videoId, matchedVideoId });
    const frameOf = videoId === null ? null : framesOfVideo(clip, videoId, project, clipOf, result.errors);
    if (document.frames.length === 0) result.errors.push(`clip ${clip}: ${path.basename(jsonFile)} labels no frame.`);
    const unknown: string[] = [];
    for (const frame of document.frames) {
      const frameIndex = frameOf?.get(frame.key) ?? null;
      if (frameOf && frameIndex === null) unknown.push(frame.key);
      if (result.rows.length < previewRows) {
        result.rows.push({
          clip, key: frame.key, frameIndex,
          valence10: frame.valence * AFEW_VA_SCALE, arousal10: frame.arousal * AFEW_VA_SCALE, valence: frame.valence, arousal: frame.arousal,
        });
      }
      if (videoId !== null && frameIndex !== null) result.labels.push({ videoId, frameIndex, valence: frame.valence, arousal: frame.arousal });
    }
    if (unknown.length > 0) {
      const name = project.videos.find((video) => video.id === videoId)?.displayName ?? `video ${videoId}`;
      const shown = unknown.slice(0, KEYS_SHOWN).join(', ') + (unknown.length > KEYS_SHOWN ? ', …' : '');
      result.errors.push(`clip ${clip}: ${name} has no frame ${shown} (${unknown.length} of the clip's ${document.frames.length} frames); map the clip to the video it was cut from.`);
    }
  }
  if (sources.length > 0 && result.clips.every((clip) => clip.videoId === null)) {
    result.errors.push('No clip is mapped to a video of this project: import the clips (or their videos) first, or choose a video for each clip.');
  }
  return result;
}

/** The video's frames by AFEW-VA frame key, or null with the reason noted when the clip cannot go there. */
function framesOfVideo(
  clip: string,
  videoId: VideoId,
  project: AfewVaProject,
  clipOf: Map<VideoId, string>,
  errors: string[],
): Map<string, number> | null {
  const video = project.videos.find((v) => v.id === videoId);
  if (!video) {
    errors.push(`clip ${clip}: this project has no video ${videoId}.`);
    return null;
  }
  if (video.status !== 'ready') {
    errors.push(`clip ${clip}: ${video.displayName} is still being imported; import labels once it is ready.`);
    return null;
  }
  const other = clipOf.get(videoId);
  if (other !== undefined) {
    errors.push(`clip ${clip}: ${video.displayName} already takes clip ${other}'s labels; map each clip to its own video.`);
    return null;
  }
  clipOf.set(videoId, clip);
  return new Map(project.frames(videoId).map((frame) => [frameKey(frame.imageFile ?? null, frame.frameIndex), frame.frameIndex]));
}
