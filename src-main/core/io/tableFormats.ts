/**
 * The studio's own exports: `csv` (one row per person, frame and annotator, RFC 4180) and `json` (the same rows
 * grouped by video and person). Values are written at full precision on [-1, 1], so an export re-imports without loss.
 */
import { formatCsvRow } from './csv';
import type { VideoTable } from './frameTable';

/** Column order of the csv export; the label import reads these names (see labelImport.ts). */
export const CSV_COLUMNS = [
  'video_id',
  'video',
  'person_id',
  'person',
  'frame',
  'time_s',
  'valence',
  'arousal',
  'source',
  'valence_sd',
  'arousal_sd',
  'annotator',
  'model_version',
] as const;

export function tablesToCsv(tables: readonly VideoTable[]): string {
  let out = formatCsvRow(CSV_COLUMNS);
  for (const { video, person, rows } of tables) {
    for (const row of rows) {
      out += formatCsvRow([
        video.id,
        video.displayName,
        person.personId,
        person.name,
        row.frameIndex,
        row.timeSec,
        row.valence,
        row.arousal,
        row.source,
        row.valenceSd,
        row.arousalSd,
        row.annotator,
        row.modelVersion,
      ]);
    }
  }
  return out;
}

export function tablesToJson(tables: readonly VideoTable[]): string {
  const document = {
    format: 'affect-studio-frames',
    version: 1,
    scale: { min: -1, max: 1 },
    videos: tables.map(({ video, person, rows }) => ({
      id: video.id,
      name: video.displayName,
      person: { id: person.personId, name: person.name },
      path: video.path,
      frameCount: video.frameCount,
      avgFps: video.avgFps,
      frames: rows.map((row) => ({
        frame: row.frameIndex,
        timeSec: row.timeSec,
        valence: row.valence,
        arousal: row.arousal,
        source: row.source,
        valenceSd: row.valenceSd,
        arousalSd: row.arousalSd,
        annotator: row.annotator,
        modelVersion: row.modelVersion,
      })),
    })),
  };
  return JSON.stringify(document, null, 1) + '\n';
}
