/**
 * The studio's own exports: `csv` (one row per person, frame and annotator, RFC 4180) and `json` (the same rows
 * grouped by video and person). Values are written at full precision on [-1, 1], so an export re-imports without loss.
 * When the project has facial actions, each row also has the chosen traces (`action_<id>`, on [0, 1], empty where
 * the person has no face), and each JSON frame an `actions` object.
 */
import { formatCsvRow } from './csv';
import { actionColumns, actionValues, type VideoTable } from './frameTable';

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

/** The CSV header of a facial-action trace's column. */
export const actionColumnName = (id: string) => `action_${id}`;

export function tablesToCsv(tables: readonly VideoTable[]): string {
  const actions = actionColumns(tables);
  let out = formatCsvRow([...CSV_COLUMNS, ...actions.map(actionColumnName)]);
  for (const table of tables) {
    const { video, person, rows } = table;
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
        ...actionValues(table, actions, row.frameIndex),
      ]);
    }
  }
  return out;
}

export function tablesToJson(tables: readonly VideoTable[]): string {
  const actions = actionColumns(tables);
  const actionsOn = (table: VideoTable, frameIndex: number) => {
    const values = actionValues(table, actions, frameIndex);
    return { actions: Object.fromEntries(actions.map((id, i) => [id, values[i]])) };
  };
  const document = {
    format: 'affect-studio-frames',
    version: 1,
    scale: { min: -1, max: 1 },
    videos: tables.map((table) => ({
      id: table.video.id,
      name: table.video.displayName,
      person: { id: table.person.personId, name: table.person.name },
      path: table.video.path,
      frameCount: table.video.frameCount,
      avgFps: table.video.avgFps,
      frames: table.rows.map((row) => ({
        frame: row.frameIndex,
        timeSec: row.timeSec,
        valence: row.valence,
        arousal: row.arousal,
        source: row.source,
        valenceSd: row.valenceSd,
        arousalSd: row.arousalSd,
        annotator: row.annotator,
        modelVersion: row.modelVersion,
        ...(actions.length > 0 ? actionsOn(table, row.frameIndex) : {}),
      })),
    })),
  };
  return JSON.stringify(document, null, 1) + '\n';
}
