/**
 * `dataset` export: a folder a training script can read as it is. One aligned face crop per person and labelled
 * frame where that person has a face (their face from the face pipeline, cropped upright from its stored landmarks), a labels
 * file with one row per label on it, a train/val/test split without leakage (datasetSplit.ts), a machine-readable
 * manifest and a README with the columns, the scale and the provenance. Written into a temp folder beside the
 * target and renamed into place (folderExport.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { getAnalysis, listStoredFaces, type AnalysisRecord, type StoredFace } from '../store/analysisStore';
import { appVersion } from '../appVersion';
import { StudioError } from '../errors';
import type { PersonId, VideoId } from '../ids';
import { decodeFrameAt, decodeFrames } from '../media/frameDecode';
import { decodeImage } from '../media/imageSequence';
import type { Db } from '../store/projectDb';
import { storedProjectName } from '../store/projectFolder';
import type { VideoRecord } from '../store/videoStore';
import { isLandmarkSet, roiFromLandmarks } from '../vision/faceRoi';
import { sampleRoi, type Roi } from '../vision/imageOps';
import { isFusedLayer } from '../fusedLayers';
import { formatCsvRow } from './csv';
import { CROP_EXTENSIONS, CropWriter, type CropImageFormat } from './cropWriter';
import { assignSplits, DEFAULT_SPLIT, DEFAULT_SPLIT_SEED, normaliseRatios, SPLIT_NAMES, type SplitName, type SplitRatios } from './datasetSplit';
import type { ExportTarget } from './exportTarget';
import { planFolderExport, writeFolderExport } from './folderExport';
import { actionColumns, actionValues, frameTables, type FrameRow, type VideoTable } from './frameTable';
import { actionColumnName } from './tableFormats';
import { personStem } from './layers';

export const DATASET_FORMAT = 'affect-studio-dataset';
export const DATASET_MANIFEST = 'dataset.json';
export const DATASET_LABELS = 'labels.csv';
export const DEFAULT_CROP_SIZE = 224;
/** Margin around the landmark box (forehead to chin, ear to ear): a little context, as face datasets crop. */
export const DATASET_ROI_SCALE = 1.25;
const MIN_CROP = 16;
const MAX_CROP = 2048;

export interface DatasetOptions {
  videoId?: VideoId;
  /** With videoId: only this person's faces. Else every coded person of each video. */
  personId?: PersonId;
  /** Only these annotators' labels (default: every annotator's). */
  annotators?: readonly string[];
  /** Add the newest model run's predictions, flagged `predicted`, on face frames no chosen annotator labelled. */
  predictions?: boolean;
  cropSize?: number;
  imageFormat?: CropImageFormat;
  split?: SplitRatios;
  seed?: string;
  /** Videos of one person share a subject: the split then keeps each subject in one split. */
  subjects?: ReadonlyMap<VideoId, string>;
  now?: Date;
  /** Cancels the export: the temp folder is removed and nothing is left at the target. */
  signal?: AbortSignal;
  /** Crops written so far of all to write. */
  onProgress?: (done: number, total: number) => void;
  /** Names the temp folder (see folderExport.ts), so a job resumed after a kill can remove its own leftover. */
  tempTag?: string;
}

export interface DatasetResult {
  folder: string;
  files: string[];
  images: number;
  rows: number;
  splits: Record<SplitName, { groups: number; images: number; rows: number }>;
}

export const LABEL_COLUMNS = [
  'image', 'split', 'subject', 'video_id', 'video', 'person_id', 'person', 'frame', 'time_s', 'valence', 'arousal', 'source', 'annotator',
  'model_version', 'valence_sd', 'arousal_sd', 'face_score', 'track_id', 'crop_cx', 'crop_cy', 'crop_size',
  'crop_angle_deg', 'alignment',
] as const;

interface Crop {
  video: VideoRecord;
  person: VideoTable['person'];
  frameIndex: number;
  ptsSec: number;
  imageFile: string | null;
  face: StoredFace;
  roi: Roi;
  alignment: 'landmarks' | 'box';
  /** Path inside the export, with forward slashes. */
  image: string;
  rows: FrameRow[];
}

interface VideoPlan {
  video: VideoRecord;
  person: VideoTable['person'];
  /** Where the crops' facial-action values come from. */
  table: VideoTable;
  analysis: AnalysisRecord;
  subject: string | null;
  group: string;
  crops: Crop[];
  labelledFrames: number;
  framesWithoutFace: number;
}

export async function exportDataset(db: Db, target: ExportTarget, options: DatasetOptions = {}): Promise<DatasetResult> {
  const cropSize = options.cropSize ?? DEFAULT_CROP_SIZE;
  if (!Number.isInteger(cropSize) || cropSize < MIN_CROP || cropSize > MAX_CROP) {
    throw new StudioError(`The crop size must be a whole number of pixels from ${MIN_CROP} to ${MAX_CROP}, not ${cropSize}.`);
  }
  const imageFormat = options.imageFormat ?? 'png';
  const ratios = normaliseRatios(options.split ?? DEFAULT_SPLIT);
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const now = options.now ?? new Date();

  // Everything that can be refused is refused before the first write.
  const plans = planVideos(db, selectRows(db, options), options.subjects, imageFormat);
  const crops = plans.flatMap((p) => p.crops);
  if (crops.length === 0) {
    const names = plans.map((p) => p.video.displayName).join(', ') || 'any video';
    throw new StudioError(`Nothing to export: no labelled frame of ${names} has a face. Label frames where the face pipeline found the face.`);
  }
  const groupWeights = new Map<string, number>();
  for (const p of plans) groupWeights.set(p.group, (groupWeights.get(p.group) ?? 0) + p.crops.length);
  const assignment = assignSplits([...groupWeights].map(([key, weight]) => ({ key, weight })), ratios, seed);
  const splitOf = (p: VideoPlan) => assignment.get(p.group) as SplitName;
  const folderPlan = planFolderExport(target, isDatasetFolder);

  const files = await writeFolderExport(folderPlan, options.tempTag, async (dir) => {
    await writeCrops(dir, plans, cropSize, imageFormat, options);
    const actions = actionColumns(plans.map((p) => p.table));
    const labels = [formatCsvRow([...LABEL_COLUMNS, ...actions.map(actionColumnName)])];
    for (const p of plans) {
      for (const crop of p.crops) {
        for (const row of crop.rows) labels.push(formatCsvRow([...labelRow(crop, row, splitOf(p), p.subject), ...actionValues(p.table, actions, crop.frameIndex)]));
      }
    }
    const manifest = buildManifest(db, plans, splitOf, { cropSize, imageFormat, ratios, seed, now, actions });
    fs.writeFileSync(path.join(dir, DATASET_LABELS), labels.join(''));
    fs.writeFileSync(path.join(dir, DATASET_MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
    fs.writeFileSync(path.join(dir, 'README.md'), readme(manifest));
    return ['README.md', DATASET_LABELS, DATASET_MANIFEST, ...crops.map((c) => c.image)];
  });

  const splits = Object.fromEntries(SPLIT_NAMES.map((name) => [name, { groups: 0, images: 0, rows: 0 }])) as DatasetResult['splits'];
  for (const [, split] of assignment) splits[split].groups++;
  for (const p of plans) {
    splits[splitOf(p)].images += p.crops.length;
    splits[splitOf(p)].rows += p.crops.reduce((n, c) => n + c.rows.length, 0);
  }
  return { folder: folderPlan.base, files, images: crops.length, rows: crops.reduce((n, c) => n + c.rows.length, 0), splits };
}

/** Refuses a target a dataset export may not write (see folderExport.ts), before any work is queued. */
export function checkDatasetTarget(target: ExportTarget): void {
  planFolderExport(target, isDatasetFolder);
}

/** A folder this export wrote before (and so may replace with `overwrite`): its manifest names the format. */
function isDatasetFolder(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, DATASET_MANIFEST), 'utf8')) as { format?: unknown }).format === DATASET_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The label rows to export, per video, as the other exports choose them (frameTable.ts): human and edited labels
 * of every annotator, or of the chosen ones; predicted rows only when asked for, and only on frames none of the
 * chosen annotators labelled.
 */
function selectRows(db: Db, options: DatasetOptions): VideoTable[] {
  const annotators = options.annotators && options.annotators.length > 0 ? [...new Set(options.annotators)] : null;
  const keep = (row: FrameRow) => row.source !== null && row.valence !== null && row.arousal !== null && (options.predictions === true || row.source !== 'predicted');
  const scope = { videoId: options.videoId, personId: options.personId };
  if (!annotators) return frameTables(db, scope).map((t) => ({ ...t, rows: t.rows.filter(keep) }));
  const perAnnotator = annotators.map((annotator) => frameTables(db, { ...scope, annotator }));
  return (perAnnotator[0] as VideoTable[]).map((first, i) => {
    const human = perAnnotator.flatMap((tables, a) => (tables[i] as VideoTable).rows.filter((r) => r.annotator === annotators[a]));
    const labelled = new Set(human.map((r) => r.frameIndex));
    const predicted = first.rows.filter((r) => r.source === 'predicted' && !labelled.has(r.frameIndex));
    const rows = [...human, ...predicted].filter(keep).sort((a, b) => a.frameIndex - b.frameIndex);
    return { video: first.video, person: first.person, rows, actions: first.actions };
  });
}

function planVideos(db: Db, tables: readonly VideoTable[], subjects: ReadonlyMap<VideoId, string> | undefined, format: CropImageFormat): VideoPlan[] {
  const plans: VideoPlan[] = [];
  for (const table of tables) {
    const { video, person, rows } = table;
    if (rows.length === 0) continue; // nothing labelled: the video needs no analysis to be left out
    const analysis = getAnalysis(db, video.id);
    if (!analysis) {
      throw new StudioError(`${video.displayName} (video ${video.id}) has not been analysed, so no face is known on its frames. Analyse it first (affect-studio analyze <project> --video ${video.id}), or leave it out with --video.`);
    }
    if (analysis.finishedAt === null) {
      throw new StudioError(`The face analysis of ${video.displayName} (video ${video.id}) is not finished (${analysis.framesDone} of ${analysis.frameCount} frames). Finish analysing it first.`);
    }
    const faces = new Map<number, StoredFace>();
    for (const face of listStoredFaces(db, video.id, person.personId, analysis.framesDone)) {
      if (!faces.has(face.frameIndex)) faces.set(face.frameIndex, face);
    }
    const byFrame = new Map<number, FrameRow[]>();
    for (const row of rows) byFrame.set(row.frameIndex, [...(byFrame.get(row.frameIndex) ?? []), row]);
    const stem = personStem(video, person.personId);
    const crops: Crop[] = [];
    for (const [frameIndex, frameRows] of byFrame) {
      const face = faces.get(frameIndex);
      if (!face) continue;
      const first = frameRows[0] as FrameRow;
      const { roi, alignment } = faceRoi(face);
      crops.push({
        video, person, frameIndex, ptsSec: first.timeSec, imageFile: first.imageFile, face, roi, alignment,
        image: `images/${stem}/${String(frameIndex).padStart(6, '0')}.${CROP_EXTENSIONS[format]}`,
        rows: frameRows,
      });
    }
    if (crops.length > 0) assertMedia(video);
    const subject = subjects?.get(video.id) ?? null;
    plans.push({
      video, person, table, analysis, subject, group: subject === null ? `video:${video.id}` : `subject:${subject}`,
      crops, labelledFrames: byFrame.size, framesWithoutFace: byFrame.size - crops.length,
    });
  }
  return plans;
}

/** The frames are decoded again: the file (or frame folder) must still be where the project has it. */
function assertMedia(video: VideoRecord): void {
  const stat = fs.statSync(video.path, { throwIfNoEntry: false });
  if (!stat || stat.isDirectory() !== (video.kind === 'image_sequence')) {
    throw new StudioError(`${video.displayName} (video ${video.id}) is not at ${video.path} any more; relink it, then export again.`);
  }
}

/**
 * The crop: upright (rolled so the outer eye corners are level) and square around the stored landmarks, as the
 * face pipeline crops for its encoder (roiFromLandmarks), with DATASET_ROI_SCALE margin. Landmarks are float32
 * (x, y, z) triples in video pixels; a face without a full set falls back to its box, unrotated.
 */
function faceRoi(face: StoredFace): { roi: Roi; alignment: 'landmarks' | 'box' } {
  if (face.landmarks && isLandmarkSet(face.landmarks.byteLength / 4)) {
    const landmarks = new Float32Array(face.landmarks.buffer.slice(face.landmarks.byteOffset, face.landmarks.byteOffset + face.landmarks.byteLength));
    return { roi: roiFromLandmarks(landmarks, DATASET_ROI_SCALE), alignment: 'landmarks' };
  }
  const { x, y, w, h } = face.box;
  return { roi: { cx: x + w / 2, cy: y + h / 2, size: Math.max(w, h) * DATASET_ROI_SCALE, angle: 0 }, alignment: 'box' };
}

async function writeCrops(dir: string, plans: readonly VideoPlan[], cropSize: number, format: CropImageFormat, { signal, onProgress }: DatasetOptions): Promise<void> {
  const total = plans.reduce((n, p) => n + p.crops.length, 0);
  const encodeDir = path.join(dir, '.encode');
  fs.mkdirSync(encodeDir);
  const writer = new CropWriter(encodeDir, cropSize, format);
  const encoded: [string, string][] = [];
  try {
    for (const plan of plans) {
      if (plan.crops.length === 0) continue;
      fs.mkdirSync(path.join(dir, path.dirname(plan.crops[0]?.image as string)), { recursive: true });
      for await (const { crop, rgb, scale } of decodeCropFrames(plan.video, plan.crops, cropSize)) {
        const roi = { cx: crop.roi.cx * scale.x, cy: crop.roi.cy * scale.y, size: crop.roi.size * (scale.x + scale.y) / 2, angle: crop.roi.angle };
        encoded.push([await writer.add(toBytes(sampleRoi(rgb, roi, cropSize, cropSize))), crop.image]);
        signal?.throwIfAborted();
        onProgress?.(encoded.length, total);
      }
    }
    await writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
  for (const [from, to] of encoded) {
    const file = path.join(encodeDir, from);
    if (!fs.existsSync(file)) throw new StudioError(`ffmpeg did not write the face crop for ${to}.`);
    fs.renameSync(file, path.join(dir, to));
  }
  fs.rmSync(encodeDir, { recursive: true });
}

/**
 * The frames the crops come from, decoded straight to RGB over a pipe (never through image files) at the smallest
 * size (up to the video's own) at which every crop's region still spans at least `cropSize` pixels, so no crop is
 * upsampled from a downscaled frame. Dense frames are decoded in one pass, sparse ones each after a seek.
 */
async function* decodeCropFrames(video: VideoRecord, crops: readonly Crop[], cropSize: number) {
  const minRoi = Math.min(...crops.map((c) => c.roi.size));
  const s = Math.min(1, cropSize / Math.max(1, minRoi));
  const even = (n: number, max: number) => Math.min(max, Math.max(2, 2 * Math.ceil((n * s) / 2)));
  const size = { width: even(video.width, video.width), height: even(video.height, video.height) };
  const scale = { x: size.width / video.width, y: size.height / video.height };
  const image = (rgb: Uint8Array) => ({ data: rgb, width: size.width, height: size.height });
  const sorted = [...crops].sort((a, b) => a.frameIndex - b.frameIndex);
  if (video.kind === 'image_sequence') {
    for (const crop of sorted) yield { crop, rgb: image(await decodeImage(path.join(video.path, crop.imageFile as string), size)), scale };
    return;
  }
  const first = sorted[0] as Crop;
  const last = sorted.at(-1) as Crop;
  const span = last.frameIndex - first.frameIndex + 1;
  if (span <= sorted.length * 30) {
    let next = 0;
    for await (const frame of decodeFrames(video.path, { ...size, fromFrame: first.frameIndex })) {
      const crop = sorted[next];
      if (!crop) break;
      if (frame.frameIndex === crop.frameIndex) {
        yield { crop, rgb: image(frame.rgb), scale };
        next++;
        if (next === sorted.length) break;
      }
    }
    if (next < sorted.length) throw new StudioError(`${video.path} has no frame ${sorted[next]?.frameIndex}: fewer frames decode than when it was imported. Was the file replaced?`);
    return;
  }
  for (const crop of sorted) yield { crop, rgb: image(await decodeFrameAt(video.path, { frameIndex: crop.frameIndex, ptsSec: crop.ptsSec }, size)), scale };
}

function toBytes(rgb: Float32Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(rgb[i] as number)));
  return out;
}

function labelRow(crop: Crop, row: FrameRow, split: SplitName, subject: string | null): (string | number | null)[] {
  return [
    crop.image, split, subject, crop.video.id, crop.video.displayName, crop.person.personId, crop.person.name, crop.frameIndex, row.timeSec, row.valence, row.arousal, rowSource(row),
    row.annotator, row.modelVersion, row.valenceSd, row.arousalSd, crop.face.score, crop.face.trackId,
    round(crop.roi.cx), round(crop.roi.cy), round(crop.roi.size), round((crop.roi.angle * 180) / Math.PI), crop.alignment,
  ];
}

const round = (v: number) => Number(v.toFixed(3));

/** A fused gold layer's row says so: it is the raters' consensus, not one person's label. */
function rowSource(row: FrameRow): string | null {
  return row.annotator !== null && row.source !== 'predicted' && isFusedLayer(row.annotator) ? 'fused' : row.source;
}

interface ManifestSettings {
  /** The facial-action trace ids written as columns (none when no video has actions). */
  actions: readonly string[];
  cropSize: number;
  imageFormat: CropImageFormat;
  ratios: SplitRatios;
  seed: string;
  now: Date;
}

function buildManifest(db: Db, plans: readonly VideoPlan[], splitOf: (p: VideoPlan) => SplitName, settings: ManifestSettings) {
  const allRows = plans.flatMap((p) => p.crops.flatMap((c) => c.rows));
  const count = (key: (r: FrameRow) => string | null) => {
    const counts = new Map<string, number>();
    for (const r of allRows) {
      const k = key(r);
      if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].map(([name, rows]) => ({ name, rows }));
  };
  const projectName = storedProjectName(db);
  const groups = new Map<string, { key: string; split: SplitName; subject: string | null; videoIds: number[]; images: number }>();
  for (const p of plans) {
    const g = groups.get(p.group) ?? { key: p.group, split: splitOf(p), subject: p.subject, videoIds: [], images: 0 };
    if (!g.videoIds.includes(p.video.id)) g.videoIds.push(p.video.id);
    g.images += p.crops.length;
    groups.set(p.group, g);
  }
  const splitCounts = Object.fromEntries(
    SPLIT_NAMES.map((name) => {
      const mine = plans.filter((p) => splitOf(p) === name);
      return [name, {
        groups: [...groups.values()].filter((g) => g.split === name).length,
        videos: mine.filter((p) => p.crops.length > 0).length,
        images: mine.reduce((n, p) => n + p.crops.length, 0),
        rows: mine.reduce((n, p) => n + p.crops.reduce((m, c) => m + c.rows.length, 0), 0),
      }];
    }),
  );
  return {
    format: DATASET_FORMAT,
    version: 1,
    createdAt: settings.now.toISOString(),
    project: { name: projectName },
    studio: { name: 'Affect Studio', version: appVersion() },
    scale: { min: -1, max: 1 },
    image: {
      format: settings.imageFormat, width: settings.cropSize, height: settings.cropSize, channels: 'RGB',
      alignment: `square crop of the landmark box x ${DATASET_ROI_SCALE}, rotated so the outer eye corners (FaceMesh points 33, 263) are level; the face box, unrotated, when a face has no landmarks`,
    },
    labels: { file: DATASET_LABELS, columns: [...LABEL_COLUMNS, ...settings.actions.map(actionColumnName)], rows: allRows.length, images: plans.reduce((n, p) => n + p.crops.length, 0) },
    annotators: count((r) => (r.source === 'predicted' ? null : r.annotator)).map((a) => ({ ...a, fused: isFusedLayer(a.name) })),
    predictionModels: count((r) => (r.source === 'predicted' ? r.modelVersion : null)),
    split: {
      unit: plans.some((p) => p.subject !== null) ? 'subject (videos without one: video)' : 'video',
      seed: settings.seed,
      ratios: settings.ratios,
      counts: splitCounts,
      groups: [...groups.values()].filter((g) => g.images > 0),
    },
    videos: plans.map((p) => ({
      id: p.video.id,
      name: p.video.displayName,
      person: { id: p.person.personId, name: p.person.name },
      contentHash: p.video.contentHash,
      width: p.video.width,
      height: p.video.height,
      frameCount: p.video.frameCount,
      subject: p.subject,
      split: p.crops.length > 0 ? splitOf(p) : null,
      labelledFrames: p.labelledFrames,
      images: p.crops.length,
      labelledFramesWithoutFace: p.framesWithoutFace,
      faceAnalysis: { encoder: p.analysis.encoderName, encoderVersion: p.analysis.encoderVersion, finishedAt: p.analysis.finishedAt },
    })),
  };
}

type Manifest = ReturnType<typeof buildManifest>;

function readme(m: Manifest): string {
  const list = (items: { name: string; rows: number }[], none: string) =>
    items.length === 0 ? `- ${none}\n` : items.map((i) => `- ${i.name}: ${i.rows} rows\n`).join('');
  const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
  const encoders = [...new Set(m.videos.map((v) => `${v.faceAnalysis.encoder} ${v.faceAnalysis.encoderVersion}`))].join(', ');
  const splitLines = SPLIT_NAMES.map((name) => {
    const c = m.split.counts[name] as { groups: number; videos: number; images: number; rows: number };
    return `| ${name} | ${pct(m.split.ratios[name])} | ${c.groups} | ${c.videos} | ${c.images} | ${c.rows} |\n`;
  }).join('');
  const skipped = m.videos.reduce((n, v) => n + v.labelledFramesWithoutFace, 0);
  return `# Face valence/arousal dataset

Exported from the Affect Studio project "${m.project.name ?? 'unnamed'}" on ${m.createdAt} by Affect Studio ${m.studio.version}.
${m.labels.images} face images, ${m.labels.rows} label rows, ${m.videos.filter((v) => v.images > 0).length} video(s).

## Files

- \`images/<video id>-<video name>[.p<person>]/<frame>.${CROP_EXTENSIONS[m.image.format]}\`: one ${m.image.width}x${m.image.height} RGB ${m.image.format.toUpperCase()} per
  person and labelled frame on which the face pipeline found that person's face (person 1 has no \`.p\` part). Alignment: ${m.image.alignment}. Frames
  without a face are not exported (${skipped} labelled frame(s) left out for that reason).
- \`${DATASET_LABELS}\`: one row per label (RFC 4180 CSV, header row). A frame labelled by several annotators has
  one image and one row per annotator, and a fused gold layer is one more row (source \`fused\`). Raters rarely
  label the same frames, so this long layout has no empty cells; pivot on \`annotator\` for a column per rater.
- \`${DATASET_MANIFEST}\`: the same provenance, split and per-video counts, machine-readable.

## Columns of ${DATASET_LABELS}

| column | meaning |
| --- | --- |
| image | the crop, relative to this folder |
| split | train, val or test |
| subject | the subject the video was assigned to for the split (empty: the video is its own group) |
| video_id, video | the video's id in the project and its name |
| person_id, person | the person of the video the crop shows (their number in the video) and their name |
| frame | frame index in decoded order (0-based) |
| time_s | the frame's presentation time in seconds |
| valence, arousal | the label, on [-1, 1] |
| source | \`human\` (a person's label), \`edited\` (a person's label that started as an accepted model prediction), \`fused\` (the raters' gold layer, EWE or mean, made in the agreement view) or \`predicted\` (a model's prediction, not a person's label) |
| annotator | who labelled it (empty on predicted rows) |
| model_version | the model that predicted it (predicted rows only) |
| valence_sd, arousal_sd | the prediction's standard deviations (predicted rows only) |
| face_score | the landmark model's face confidence (0-1) |
| track_id | the face track within the video |
| crop_cx, crop_cy, crop_size, crop_angle_deg | the crop in the video's own pixels: centre, side, rotation (degrees) |
| alignment | \`landmarks\` (rotated to level eyes) or \`box\` (face box, no landmarks stored) |
${m.labels.columns.filter((c) => c.startsWith('action_')).map((c) => `| ${c} | the facial-action trace ${c.slice('action_'.length)} on [0, 1] (the mean of its blendshape scores; empty where the face has none) |\n`).join('')}

Filter on \`source\` to train on people's labels only: predicted rows are not ground truth. To train on the
consensus, keep \`source == fused\`; for one target per image without a gold layer, average the human rows per
image.

## Scale

Valence and arousal are on [-1, 1] (negative to positive, calm to excited); 0 is neutral. To convert a value v to
a scale [a, b]: \`a + (v + 1) / 2 * (b - a)\`. For example AFEW-VA's [-10, 10]: \`10 * v\`; [0, 1]: \`(v + 1) / 2\`;
a 1-9 SAM scale: \`5 + 4 * v\`.

## Split

Made by ${m.split.unit}, so that no ${m.split.unit.startsWith('subject') ? 'subject and no video' : 'video'} appears in two splits (frames of one video are
strongly correlated; a random frame split would leak). Deterministic: the same labels, ratios and seed (\`${m.split.seed}\`)
give the same split. Groups are whole, so the shares of images are close to, not exactly, the requested ones.

| split | requested | groups | videos | images | rows |
| --- | --- | --- | --- | --- | --- |
${splitLines}
## Provenance

- Project: ${m.project.name ?? 'unnamed'}; Affect Studio ${m.studio.version}; exported ${m.createdAt}.
- Annotators:
${list(m.annotators, 'none (predicted rows only)').replace(/^/gm, '  ').trimEnd()}
- Models of the predicted rows:
${list(m.predictionModels, 'none: every row is a person\'s label').replace(/^/gm, '  ').trimEnd()}
- Faces and landmarks: the studio's face pipeline (BlazeFace detector, FaceMesh landmarks; encoder ${encoders}).
- Videos are identified by name and content hash (SHA-256) in ${DATASET_MANIFEST}; their paths are not included.

## Licence

The images are crops of the project owner's own footage, and the labels are the work of the annotators named
above. Affect Studio grants no rights in either: whoever shares or trains on this dataset must hold the rights
to the footage and the consent of the people filmed (and of the annotators) for that use.
`;
}
