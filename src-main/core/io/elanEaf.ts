/**
 * ELAN's own format: per video an EAF 3.0 document (`<video>.eaf`) that ELAN opens directly, with the video linked
 * and every annotator's labels as time-aligned tiers, plus the predicted valence and arousal as a time series ELAN
 * plots under the video (`<video>.predictions.csv`, described to ELAN by `<video>_tsconf.xml`).
 *
 * Followed: the EAF 3.0 schema's element order and required attributes (ANNOTATION_DOCUMENT: HEADER, TIME_ORDER,
 * TIER*, LINGUISTIC_TYPE*, ...; DATE, AUTHOR, VERSION; MEDIA_URL and MIME_TYPE; TIME_SLOT_ID; TIER_ID and
 * LINGUISTIC_TYPE_REF; ANNOTATION_ID and both TIME_SLOT_REFs), time in milliseconds. For the time series, ELAN's
 * source: a linked file whose name ends in `_tsconf.xml` is read as the track configuration (TSConfigurationParser:
 * tracksource source-url, time-column, sample-type, provider property; track name, sample-position/pos col,
 * range, color), and its CSVServiceProvider reads only `.csv`/`.txt` files, skips lines starting with '#', splits
 * on the delimiter that occurs most, and reads a time with a '.' as seconds (CSVReader.detectTimeFormat).
 * "Discontinuous Rate" makes ELAN use each row's own time, as frames of a variable-rate video need.
 */
import path from 'node:path';
import { appVersion } from '../appVersion';
import type { VideoRecord } from '../store/videoStore';
import type { OutputFile } from './exportTarget';
import type { VideoTable } from './frameTable';
import { layersOf, MODEL_LAYER, personStem, type AffectLayer } from './layers';

export const EAF_FORMAT = '3.0';
/** The one tier type: a free-text value aligned to a time interval. */
export const EAF_LINGUISTIC_TYPE = 'affect-value';
const CSV_PROVIDER = 'mpi.eudico.client.annotator.timeseries.csv.CSVServiceProvider';
const AXES = ['valence', 'arousal'] as const;
/** The Okabe-Ito blue and orange the studio draws valence and arousal in. */
const AXIS_COLOUR = { valence: '0,114,178', arousal: '230,159,0' } as const;

interface TimedValue {
  beginMs: number;
  endMs: number;
  value: string;
}

/**
 * The files of an ELAN export for each video. `folder` is where they will be written (absolute): ELAN finds the
 * video and the time series by absolute URL, or relative to the .eaf when the folder has moved with them.
 */
export function tablesToEaf(tables: readonly VideoTable[], folder: string, date = new Date()): OutputFile[] {
  return tables.flatMap((table) => {
    // One document per person of a video (person 1 keeps the plain video stem).
    const stem = personStem(table.video, table.person.personId);
    const layers = layersOf(table);
    const model = layers.find((layer) => layer.name === MODEL_LAYER && layer.frames.some((frame) => frame.valence !== null));
    const series = model ? { csv: `${stem}.predictions.csv`, conf: `${stem}_tsconf.xml` } : null;
    const files: OutputFile[] = [
      { name: `${stem}.eaf`, data: eafDocument(table.video, layers.filter((layer) => layer.name !== MODEL_LAYER), folder, series, date) },
    ];
    if (model && series) {
      files.push({ name: series.csv, data: timeSeriesCsv(model) });
      files.push({ name: series.conf, data: timeSeriesConfig(path.join(folder, series.csv), date) });
    }
    return files;
  });
}

function eafDocument(video: VideoRecord, layers: readonly AffectLayer[], folder: string, series: { csv: string; conf: string } | null, date: Date): string {
  const tiers = layers.flatMap((layer) => AXES.map((axis) => ({ id: `${layer.name} ${axis}`, annotator: layer.name, values: tierValues(layer, axis) })));
  // One time slot per distinct time, numbered in time order: TIME_VALUEs ascend with the ids.
  const times = [...new Set(tiers.flatMap((tier) => tier.values.flatMap((v) => [v.beginMs, v.endMs])))].sort((a, b) => a - b);
  const slot = new Map(times.map((ms, i) => [ms, `ts${i + 1}`]));
  let annotationId = 0;
  const tierXml = tiers.map((tier) => {
    const annotations = tier.values.map((v) => {
      annotationId += 1;
      return [
        '        <ANNOTATION>',
        `            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a${annotationId}" TIME_SLOT_REF1="${slot.get(v.beginMs)}" TIME_SLOT_REF2="${slot.get(v.endMs)}">`,
        `                <ANNOTATION_VALUE>${xmlText(v.value)}</ANNOTATION_VALUE>`,
        '            </ALIGNABLE_ANNOTATION>',
        '        </ANNOTATION>',
      ].join('\n');
    });
    const open = `    <TIER ANNOTATOR="${xmlText(tier.annotator)}" LINGUISTIC_TYPE_REF="${EAF_LINGUISTIC_TYPE}" TIER_ID="${xmlText(tier.id)}"`;
    return annotations.length === 0 ? `${open}/>` : [`${open}>`, ...annotations, '    </TIER>'].join('\n');
  });
  const media = video.kind === 'video' ? [`        <MEDIA_DESCRIPTOR ${linkAttributes('MEDIA', video.path, folder)} MIME_TYPE="${mimeType(video.path)}"/>`] : [];
  const links = series
    ? [
        `        <LINKED_FILE_DESCRIPTOR ${linkAttributes('LINK', path.join(folder, series.csv), folder)} MIME_TYPE="text/plain"/>`,
        `        <LINKED_FILE_DESCRIPTOR ${linkAttributes('LINK', path.join(folder, series.conf), folder)} MIME_TYPE="text/xml"/>`,
      ]
    : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ANNOTATION_DOCUMENT AUTHOR="Affect Studio ${xmlText(appVersion())}" DATE="${isoDate(date)}" FORMAT="${EAF_FORMAT}" VERSION="${EAF_FORMAT}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">`,
    '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">',
    ...media,
    ...links,
    `        <PROPERTY NAME="lastUsedAnnotationId">${annotationId}</PROPERTY>`,
    '    </HEADER>',
    times.length === 0 ? '    <TIME_ORDER/>' : ['    <TIME_ORDER>', ...times.map((ms) => `        <TIME_SLOT TIME_SLOT_ID="${slot.get(ms)}" TIME_VALUE="${ms}"/>`), '    </TIME_ORDER>'].join('\n'),
    ...tierXml,
    `    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${EAF_LINGUISTIC_TYPE}" TIME_ALIGNABLE="true"/>`,
    '</ANNOTATION_DOCUMENT>',
    '',
  ].join('\n');
}

/** One annotation per labelled frame, from its presentation time to the next frame's: never overlapping. */
function tierValues(layer: AffectLayer, axis: (typeof AXES)[number]): TimedValue[] {
  return layer.frames.flatMap((frame, i) => {
    const value = frame[axis];
    if (value === null) return [];
    const beginMs = Math.round(frame.timeSec * 1000);
    const next = layer.frames[i + 1]?.timeSec ?? frame.timeSec + layer.frameStepSec;
    return [{ beginMs, endMs: Math.max(beginMs + 1, Math.round(next * 1000)), value: decimal(value) }];
  });
}

/** Seconds with a '.', which ELAN reads as seconds; frames without a prediction are left out, not written as 0. */
function timeSeriesCsv(layer: AffectLayer): string {
  const rows = layer.frames
    .filter((frame) => frame.valence !== null && frame.arousal !== null)
    .map((frame) => [frame.timeSec.toFixed(3), decimal(frame.valence as number), decimal(frame.arousal as number)].join(','));
  return ['# time_s,predicted_valence,predicted_arousal', ...rows, ''].join('\n');
}

function timeSeriesConfig(csv: string, date: Date): string {
  const tracks = AXES.map((axis, i) =>
    [
      `        <track derivative="0" name="predicted ${axis}">`,
      '            <property key="detect-range" value="false"/>',
      `            <sample-position><pos col="${i + 1}" row="0"/></sample-position>`,
      `            <description>${axis} predicted by the Affect Studio model, on [-1, 1]</description>`,
      '            <units></units>',
      '            <range max="1.0" min="-1.0"/>',
      `            <color>${AXIS_COLOUR[axis]}</color>`,
      '        </track>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<timeseries date="${isoDate(date)}" version="1.0">`,
    `    <tracksource sample-type="Discontinuous Rate" source-url="${xmlText(fileUrl(csv))}" time-column="0">`,
    `        <property key="provider" value="${CSV_PROVIDER}"/>`,
    ...tracks,
    '    </tracksource>',
    '</timeseries>',
    '',
  ].join('\n');
}

/** `PREFIX_URL` (absolute file URL) and, when the file is reachable by a relative path, `RELATIVE_PREFIX_URL`. */
function linkAttributes(prefix: 'MEDIA' | 'LINK', file: string, folder: string): string {
  const absolute = `${prefix}_URL="${xmlText(fileUrl(file))}"`;
  const relative = path.relative(folder, file);
  // On Windows a file on another drive has no relative path (path.relative then returns it absolute).
  if (path.isAbsolute(relative)) return absolute;
  const posix = relative.split(path.sep).join('/');
  return `${absolute} RELATIVE_${prefix}_URL="${xmlText(posix.startsWith('.') ? posix : `./${posix}`)}"`;
}

/** `file:///` and the path with forward slashes, unescaped: the form ELAN itself writes and reads back. */
export function fileUrl(file: string): string {
  const slashed = path.resolve(file).split(path.sep).join('/');
  return `file://${slashed.startsWith('/') ? '' : '/'}${slashed}`;
}

function mimeType(file: string): string {
  const types: Record<string, string> = { '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.mov': 'video/quicktime', '.mpg': 'video/mpeg', '.mpeg': 'video/mpeg', '.wav': 'audio/x-wav' };
  return types[path.extname(file).toLowerCase()] ?? 'video/*';
}

/** xsd:dateTime in UTC, seconds precision. */
function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Plain decimal with '.', 6 places: below any rater's precision. */
function decimal(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** Escaped for both text and attribute values. */
function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
