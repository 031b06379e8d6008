/**
 * The ELAN export on a real project database, read back by Chromium's XML parser and checked against the EAF 3.0
 * format description (test/support/eafChecker.ts); the checker itself is shown to catch each kind of break.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium';
import { checkEaf, parseXml, type XmlElement } from '../../../test/support/eafChecker';
import { addPredictions, addVideo, newSession, tempDir } from '../../../test/support/labelProject';
import type { VideoId } from '../ids';
import { ensureAnnotator, saveAnnotatorView } from '../store/annotatorStore';
import { appendLabels } from '../store/labelStore';
import { FIRST_PERSON } from '../store/personStore';
import type { ProjectSession } from '../studio/projectSession';
import { fileUrl } from './elanEaf';
import { ExportLedger } from './exportLedger';
import { exportLabels } from './exportLabels';

const ledger = new ExportLedger(tempDir());
let browser: Browser;
let page: Page;
const sessions: ProjectSession[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
}, 60_000);
afterAll(() => browser?.close());
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function label(s: ProjectSession, videoId: VideoId, name: string, frames: [number, number, number][]) {
  const { id } = ensureAnnotator(s.db, name, 'human');
  appendLabels(s.db, frames.map(([frameIndex, valence, arousal]) => ({ videoId, personId: FIRST_PERSON, frameIndex, annotatorId: id, valence, arousal, origin: 'manual' as const })));
  return id;
}

/** Two videos (one with a space and quotes in its name), two raters, predictions of Ana's on the first. */
function exported() {
  const s = session();
  const a = addVideo(s, 'clip "a" 1.mp4', 40);
  const b = addVideo(s, 'clip_b.mov', 10);
  const ana = label(s, a, 'Ana & Co', [[0, 0.1, -0.2], [5, 1 / 3, -1], [6, 0.123456789, 0.9999999999]]);
  label(s, a, 'Ben', [[5, -0.5, 0.25], [7, 1, -1]]);
  label(s, b, 'Ben', [[2, -0.05, 0.6]]);
  addPredictions(s, a, 40, ana);
  saveAnnotatorView(s.db, { activeAnnotatorId: ana, blind: false });
  const folder = tempDir();
  const files = exportLabels(s.db, 'elan', { folder, name: 'elan', overwrite: false, ledger }, {});
  return { files, dir: path.join(fs.realpathSync(folder), 'elan') };
}

function session(): ProjectSession {
  const s = newSession();
  sessions.push(s);
  return s;
}

const child = (element: XmlElement, name: string) => element.children.filter((c) => c.name === name);

describe('ELAN export (.eaf)', () => {
  it('writes per video an .eaf, and where there are predictions their time series and ELAN track configuration', () => {
    const { files, dir } = exported();
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      '1-clip_a_1.eaf',
      '1-clip_a_1.predictions.csv',
      '1-clip_a_1_tsconf.xml',
      '2-clip_b.eaf',
    ]);
  });

  it('keeps the EAF 3.0 rules, with the video linked and each rater\'s labels as time-aligned tiers', async () => {
    const { files, dir } = exported();
    const root = await parseXml(page, fs.readFileSync(files[0] as string, 'utf8'));
    expect(checkEaf(root)).toEqual([]);

    const [header] = child(root, 'HEADER') as [XmlElement];
    const [media] = child(header, 'MEDIA_DESCRIPTOR');
    expect(media?.attributes).toEqual({
      MEDIA_URL: 'file:///media/clip "a" 1.mp4',
      MIME_TYPE: 'video/mp4',
      RELATIVE_MEDIA_URL: path.relative(dir, '/media/clip "a" 1.mp4'),
    });
    // Both linked files exist where the absolute and the relative URL say.
    for (const link of child(header, 'LINKED_FILE_DESCRIPTOR')) {
      expect(fs.existsSync((link.attributes.LINK_URL as string).slice('file://'.length))).toBe(true);
      expect(fs.existsSync(path.join(dir, link.attributes.RELATIVE_LINK_URL as string))).toBe(true);
    }
    expect(child(header, 'LINKED_FILE_DESCRIPTOR').map((l) => l.attributes.MIME_TYPE)).toEqual(['text/plain', 'text/xml']);

    const slot = new Map(child(child(root, 'TIME_ORDER')[0] as XmlElement, 'TIME_SLOT').map((s) => [s.attributes.TIME_SLOT_ID, Number(s.attributes.TIME_VALUE)]));
    const tier = (id: string) => {
      const found = child(root, 'TIER').find((t) => t.attributes.TIER_ID === id) as XmlElement;
      return found.children.map((annotation) => {
        const a = annotation.children[0] as XmlElement;
        return [slot.get(a.attributes.TIME_SLOT_REF1), slot.get(a.attributes.TIME_SLOT_REF2), a.children[0]?.text];
      });
    };
    expect(child(root, 'TIER').map((t) => [t.attributes.TIER_ID, t.attributes.ANNOTATOR])).toEqual([
      ['Ana & Co valence', 'Ana & Co'],
      ['Ana & Co arousal', 'Ana & Co'],
      ['Ben valence', 'Ben'],
      ['Ben arousal', 'Ben'],
    ]);
    // Each labelled frame from its time to the next frame's, at 30 fps.
    expect(tier('Ana & Co valence')).toEqual([[0, 33, '0.1'], [167, 200, '0.333333'], [200, 233, '0.123457']]);
    expect(tier('Ben arousal')).toEqual([[167, 200, '0.25'], [233, 267, '-1']]);
    // The model's predictions are the time series, not thousands of annotations.
    expect(child(root, 'TIER').some((t) => t.attributes.TIER_ID?.startsWith('model'))).toBe(false);
    expect(child(header, 'PROPERTY')[0]?.text).toBe('10');
  });

  it('writes the predictions as a time series ELAN reads: "#" header, seconds with a point, one row per predicted frame', async () => {
    const { files } = exported();
    const lines = fs.readFileSync(files[1] as string, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('# time_s,predicted_valence,predicted_arousal');
    // 40 frames, 4 of them labelled (the labels, not predictions, hold those frames).
    expect(lines).toHaveLength(1 + 36);
    expect(lines[1]).toBe(`0.033,${Number((Math.sin(1 / 5) * 0.5).toFixed(6))},${Number((Math.cos(1 / 7) * 0.5).toFixed(6))}`);
    const times = lines.slice(1).map((l) => l.split(',')[0] as string);
    for (const t of times) expect(t).toMatch(/^\d+\.\d{3}$/);
    for (let i = 1; i < times.length; i++) expect(Number(times[i])).toBeGreaterThan(Number(times[i - 1]));

    const conf = await parseXml(page, fs.readFileSync(files[2] as string, 'utf8'));
    expect(conf.name).toBe('timeseries');
    const [source] = conf.children as [XmlElement];
    expect(source.attributes).toEqual({ 'sample-type': 'Discontinuous Rate', 'source-url': fileUrl(files[1] as string), 'time-column': '0' });
    expect(child(source, 'property')[0]?.attributes.value).toBe('mpi.eudico.client.annotator.timeseries.csv.CSVServiceProvider');
    const tracks = child(source, 'track').map((t) => [t.attributes.name, child(child(t, 'sample-position')[0] as XmlElement, 'pos')[0]?.attributes.col, child(t, 'range')[0]?.attributes]);
    expect(tracks).toEqual([
      ['predicted valence', '1', { max: '1.0', min: '-1.0' }],
      ['predicted arousal', '2', { max: '1.0', min: '-1.0' }],
    ]);
  });

  it('a video without predictions gets an .eaf with its tiers and no linked files', async () => {
    const { files } = exported();
    const root = await parseXml(page, fs.readFileSync(files[3] as string, 'utf8'));
    expect(checkEaf(root)).toEqual([]);
    const [header] = child(root, 'HEADER') as [XmlElement];
    expect(child(header, 'LINKED_FILE_DESCRIPTOR')).toEqual([]);
    expect(child(header, 'MEDIA_DESCRIPTOR')[0]?.attributes.MIME_TYPE).toBe('video/quicktime');
    expect(child(root, 'TIER').map((t) => [t.attributes.TIER_ID, t.children.length])).toEqual([['Ben valence', 1], ['Ben arousal', 1]]);
  });
});

describe('the EAF checker', () => {
  const valid = [
    '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00Z" VERSION="3.0">',
    '<HEADER TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file:///v.mp4" MIME_TYPE="video/mp4"/></HEADER>',
    '<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="40"/></TIME_ORDER>',
    '<TIER TIER_ID="t" LINGUISTIC_TYPE_REF="lt"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>1</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>',
    '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>',
    '</ANNOTATION_DOCUMENT>',
  ].join('');
  const problemsOf = async (xml: string) => checkEaf(await parseXml(page, xml));

  it('passes a minimal valid document', async () => {
    expect(await problemsOf(valid)).toEqual([]);
  });

  it.each([
    ['elements out of order', (x: string) => x.replace(/(<TIER .*<\/TIER>)(<LINGUISTIC_TYPE [^>]*\/>)/, '$2$1'), /TIER comes after LINGUISTIC_TYPE/],
    ['a missing required attribute', (x: string) => x.replace(' MIME_TYPE="video/mp4"', ''), /MEDIA_DESCRIPTOR lacks the required MIME_TYPE/],
    ['an attribute EAF does not define', (x: string) => x.replace('<TIER ', '<TIER COLOUR="red" '), /does not define: COLOUR/],
    ['time slots that do not ascend', (x: string) => x.replace('TIME_VALUE="40"', 'TIME_VALUE="0"'), /does not ascend/],
    ['an annotation that ends before it begins', (x: string) => x.replace('REF1="ts1" TIME_SLOT_REF2="ts2"', 'REF1="ts2" TIME_SLOT_REF2="ts1"'), /is not before/],
    ['a tier type that does not resolve', (x: string) => x.replace('LINGUISTIC_TYPE_REF="lt"', 'LINGUISTIC_TYPE_REF="nope"'), /names no LINGUISTIC_TYPE/],
    ['a duplicate id', (x: string) => x.replace('ANNOTATION_ID="a1"', 'ANNOTATION_ID="ts1"'), /ts1 is used twice/],
    ['no LINGUISTIC_TYPE', (x: string) => x.replace(/<LINGUISTIC_TYPE [^>]*\/>/, ''), /holds 0 LINGUISTIC_TYPE/],
  ])('finds %s', async (_what, breakIt, expected) => {
    expect((await problemsOf(breakIt(valid))).join('\n')).toMatch(expected);
  });

  it('refuses XML that is not well-formed', async () => {
    await expect(problemsOf(valid.replace('</TIER>', ''))).rejects.toThrow(/not well-formed/);
  });
});
