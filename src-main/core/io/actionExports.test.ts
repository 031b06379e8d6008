/**
 * Facial-action columns in the exports and the study report's facial-action section, on a real video imported
 * and analysed here (single_face.mp4) whose facial actions are then replaced by known values
 * (test/support/faceActionsOnVideo.ts), with labels by one annotator: the csv, json and dataset exports carry the
 * project's chosen traces per frame (empty where there is no face), the report states their mean and sd; and a
 * video analysed before facial actions leaves the columns out of every export. The AFEW-VA export gives that
 * real face its 68 landmarks, mapped from the stored mesh (core/vision/ibug68.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFaceActions, asAnalysedBeforeActions } from '../../../test/support/faceActionsOnVideo';
import { newSession, tempDir } from '../../../test/support/labelProject';
import { testVideo } from '../../../test/support/testMedia';
import { ANALYZE_JOB } from '../analysis/analyzeJob';
import { chooseTraces } from '../app/actions';
import { studyReportData } from '../app/report';
import type { AnnotatorId, VideoId } from '../ids';
import { IMPORT_JOB } from '../ingest/importJob';
import { ensureAnnotator } from '../store/annotatorStore';
import { appendLabels } from '../store/labelStore';
import { FIRST_PERSON } from '../store/personStore';
import { PROJECT_DB_FILE } from '../store/projectFolder';
import { listVideos, type VideoRecord } from '../store/videoStore';
import type { ProjectSession } from '../studio/projectSession';
import { parseCsv } from './csv';
import { exportDataset, LABEL_COLUMNS } from './datasetExport';
import { exportLabels } from './exportLabels';
import { bestFaceLandmarks } from '../store/analysisStore';
import { mapToIbug68 } from '../vision/ibug68';
import { ExportLedger } from './exportLedger';
import { studyReportHtml } from './studyReport';
import { CSV_COLUMNS } from './tableFormats';

const ledger = new ExportLedger(tempDir());
/** Frames 30-39 have no actions (as if the face were turned away there); elsewhere smile = frame / 100. */
const smileAt = (frame: number) => frame / 100;
const noActions = (frame: number) => frame >= 30 && frame < 40;

let session: ProjectSession;
let video: VideoRecord;
let ana: AnnotatorId;

const target = (name: string) => ({ folder: tempDir(), name, overwrite: false, ledger });
const csvRecords = (text: string) => {
  const [header, ...rows] = parseCsv(text).map((r) => r.fields);
  return { header: header as string[], rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [(header as string[])[i] as string, v]))) };
};

beforeAll(async () => {
  session = newSession();
  session.jobs.enqueue(IMPORT_JOB, { paths: [testVideo('single_face.mp4')] });
  await session.jobs.idle();
  video = listVideos(session.db)[0] as VideoRecord;
  session.jobs.enqueue(ANALYZE_JOB, { videoId: video.id });
  await session.jobs.idle();
  ana = ensureAnnotator(session.db, 'Ana', 'human').id;
  appendLabels(session.db, [0, 20, 35, 50].map((frameIndex) => ({ videoId: video.id, personId: FIRST_PERSON, frameIndex, annotatorId: ana, valence: 0.5, arousal: -0.25, origin: 'manual' as const })));
}, 120_000);

afterAll(() => session.close());

describe('facial actions in exports and the report', () => {
  it('are left out of every export while the analysis has none (descriptor version 1)', async () => {
    asAnalysedBeforeActions(path.join(session.dir, PROJECT_DB_FILE), video.id as VideoId);
    const [csv] = exportLabels(session.db, 'csv', target('v1.csv'), {});
    expect(parseCsv(fs.readFileSync(csv as string, 'utf8'))[0]?.fields).toEqual([...CSV_COLUMNS]);
    const [json] = exportLabels(session.db, 'json', target('v1.json'), {});
    expect(fs.readFileSync(json as string, 'utf8')).not.toContain('"actions"');
    expect((await studyReportData(session, 'Study')).actions).toEqual([]);
  });

  it('give the AFEW-VA export the face\'s 68 landmarks, mapped from its mesh', () => {
    const [file] = exportLabels(session.db, 'afew-va', target('afew'), { annotator: 'Ana' });
    const clip = JSON.parse(fs.readFileSync(file as string, 'utf8')) as { frames: Record<string, { landmarks?: [number, number][] }> };
    const points = clip.frames['00020']?.landmarks ?? [];
    expect(points).toHaveLength(68);
    const blob = bestFaceLandmarks(session.db, video.id, FIRST_PERSON, 20) as Buffer;
    const mapped = mapToIbug68(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)));
    points.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(mapped[2 * i] as number, 2);
      expect(y).toBeCloseTo(mapped[2 * i + 1] as number, 2);
    });
    // A face: outer eye corners level-ish and apart, the nose tip between and below them, the chin lowest.
    const [x, y] = [(i: number) => (points[i] as [number, number])[0], (i: number) => (points[i] as [number, number])[1]];
    expect(x(45) - x(36)).toBeGreaterThan(40);
    expect(x(36) < x(30) && x(30) < x(45) && y(30) > y(36) && y(30) > y(45)).toBe(true);
    expect(Math.max(...points.map(([, py]) => py))).toBe(y(8));
  });

  it('add the chosen traces per frame to the csv, json and dataset exports, empty where there is no face', async () => {
    addFaceActions(path.join(session.dir, PROJECT_DB_FILE), video.id as VideoId, (frame) =>
      noActions(frame) ? null : { mouthSmileLeft: smileAt(frame), mouthSmileRight: smileAt(frame), jawOpen: 0.3 },
    );
    await chooseTraces(session, ['smile', 'jawOpen']);

    const [csv] = exportLabels(session.db, 'csv', target('v2.csv'), {});
    const table = csvRecords(fs.readFileSync(csv as string, 'utf8'));
    expect(table.header).toEqual([...CSV_COLUMNS, 'action_smile', 'action_jawOpen']);
    expect(table.rows).toHaveLength(video.frameCount);
    for (const row of table.rows) {
      const frame = Number(row.frame);
      if (noActions(frame)) expect([row.action_smile, row.action_jawOpen]).toEqual(['', '']);
      else {
        expect(Number(row.action_smile)).toBeCloseTo(smileAt(frame), 6);
        expect(Number(row.action_jawOpen)).toBeCloseTo(0.3, 6);
      }
    }

    const [json] = exportLabels(session.db, 'json', target('v2.json'), {});
    const frames = (JSON.parse(fs.readFileSync(json as string, 'utf8')) as { videos: { frames: { frame: number; actions: Record<string, number | null> }[] }[] }).videos[0]?.frames ?? [];
    expect(frames.find((f) => f.frame === 35)?.actions).toEqual({ smile: null, jawOpen: null });
    expect(frames.find((f) => f.frame === 50)?.actions.smile).toBeCloseTo(0.5, 6);

    const folder = target('ds');
    await exportDataset(session.db, folder, { cropSize: 32 });
    const dir = path.join(fs.realpathSync(folder.folder), 'ds');
    const dataset = csvRecords(fs.readFileSync(path.join(dir, 'labels.csv'), 'utf8'));
    expect(dataset.header).toEqual([...LABEL_COLUMNS, 'action_smile', 'action_jawOpen']);
    expect(dataset.rows.map((r) => [r.frame, r.action_smile === '' ? '' : Number(r.action_smile).toFixed(2)])).toEqual([['0', '0.00'], ['20', '0.20'], ['35', ''], ['50', '0.50']]);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('| action_smile | the facial-action trace smile on [0, 1]');
  });

  it('gives the report a facial-action section with each trace\'s mean and sd per person', async () => {
    const data = await studyReportData(session, 'Study');
    expect(data.actions).toHaveLength(1);
    const [smile, jaw] = data.actions[0]?.traces ?? [];
    const seen = Array.from({ length: video.frameCount }, (_, f) => f).filter((f) => !noActions(f)).map(smileAt);
    const mean = seen.reduce((a, b) => a + b, 0) / seen.length;
    const sd = Math.sqrt(seen.reduce((a, b) => a + (b - mean) ** 2, 0) / seen.length);
    expect(smile).toMatchObject({ label: 'Smile', frames: seen.length });
    expect(smile?.mean).toBeCloseTo(mean, 5);
    expect(smile?.sd).toBeCloseTo(sd, 5);
    expect(jaw?.sd).toBeCloseTo(0, 6);
    const html = studyReportHtml(data);
    expect(html).toContain('<h2>Facial actions</h2>');
    expect(html).toContain(`<td>Smile</td><td class="num">${seen.length}</td><td class="num">${mean.toFixed(3)}</td><td class="num">${sd.toFixed(3)}</td>`);
    expect(html).toMatch(/<figure><svg [^>]*>.*<path d="M[^"]+"/);
  });
});
