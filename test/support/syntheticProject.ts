/**
 * Test and bench support: a project built through the real store functions (videos and their frame index, face
 * analysis with embeddings, landmarks and logits (and facial actions if asked), labels by several annotators) without decoding any media, and the
 * tools to damage its database file page by page while knowing exactly which label rows lived on which page.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { seededRandom } from '../../src-main/core/affect/random';
import { startAnalysis, writeAnalysedChunk } from '../../src-main/core/store/analysisStore';
import { registerEncoder } from '../../src-main/core/store/modelStore';
import type { AnnotatorId, PersonId, VideoId } from '../../src-main/core/ids';
import { ensureAnnotator } from '../../src-main/core/store/annotatorStore';
import { appendLabels, type LabelValue } from '../../src-main/core/store/labelStore';
import { FIRST_PERSON, writeLinkedPersons } from '../../src-main/core/store/personStore';
import { createProject, PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import { openProjectDb } from '../../src-main/core/store/projectDb';
import { completeVideoIndex, insertIndexingVideo } from '../../src-main/core/store/videoStore';
import { initialTrackerState } from '../../src-main/core/vision/faceTracker';

export interface SyntheticProjectOptions {
  videos: number;
  framesPerVideo: number;
  /** Labels per video and annotator, on evenly spread frames. */
  labelsPerVideo: number;
  annotators: number;
  /** Face analysis (a face on 9 frames in 10) for this many of the videos. */
  analysedVideos: number;
  embeddingDim?: number;
  /** Facial actions on every face (an analysis of descriptor version 2, with 478 landmarks). */
  faceActions?: boolean;
  /** With faceActions, only these videos (by index) have them; the others are analysed under version 1. */
  faceActionVideos?: number[];
}

export function buildSyntheticProject(dir: string, options: SyntheticProjectOptions): { file: string; videoIds: VideoId[] } {
  createProject(dir, 'Synthetic study');
  const file = path.join(dir, PROJECT_DB_FILE);
  const db = openProjectDb(file, { create: false });
  const random = seededRandom(7);
  const fps = 25;
  const videoIds: VideoId[] = [];
  const annotators: AnnotatorId[] = Array.from({ length: options.annotators }, (_, i) => ensureAnnotator(db, `Rater ${i + 1}`, 'human').id);
  const dim = options.embeddingDim ?? 256;
  // The card names what the descriptor layout reads from it: the embedding size and an expression head.
  const card = JSON.stringify({ embeddingDim: dim, outputs: [{ name: 'expression_probs' }, { name: 'expression_logits' }, { name: 'embedding' }] });
  const encoder = registerEncoder(db, { name: 'synthetic encoder', version: '1', sha256: 'synthetic', card, file: '/models/encoder.onnx' });
  for (let v = 0; v < options.videos; v++) {
    const id = insertIndexingVideo(db, {
      kind: 'video', path: `/media/session-${v + 1}.mp4`, displayName: `session-${v + 1}.mp4`, contentHash: `hash-${v}`,
      sizeBytes: 1_000_000, codec: 'h264', width: 640, height: 480, avgFps: fps,
    });
    completeVideoIndex(db, id, Array.from({ length: options.framesPerVideo }, (_, i) => ({ frameIndex: i, ptsSec: i / fps })));
    videoIds.push(id);
    const withActions = options.faceActions === true && (options.faceActionVideos?.includes(v) ?? true);
    if (v < options.analysedVideos) {
      startAnalysis(db, id, { encoderId: encoder, descriptorVersion: withActions ? 2 : 1, provider: 'cpu', settings: {}, frameCount: options.framesPerVideo, previousPersons: [] });
      const CHUNK = 500;
      for (let start = 0; start < options.framesPerVideo; start += CHUNK) {
        const frames = Array.from({ length: Math.min(CHUNK, options.framesPerVideo - start) }, (_, k) => {
          const frameIndex = start + k;
          const faces = frameIndex % 10 === 9 ? [] : [{
            trackId: 1, box: { x: 200 + random() * 10, y: 100, w: 180, h: 200 }, score: 0.9,
            landmarks: Float32Array.from({ length: (withActions ? 478 : 468) * 3 }, () => random() * 400),
            turnedAway: false,
            embedding: Float32Array.from({ length: dim }, () => random() - 0.5),
            expressionLogits: Float32Array.from({ length: 7 }, () => random()),
            affect: null,
            identity: null,
            actions: withActions
              ? { scores: Float32Array.from({ length: 52 }, () => random()), embedding: Float32Array.from({ length: 64 }, () => random() - 0.5) }
              : null,
          }];
          return { frameIndex, detectorRan: frameIndex % 5 === 0, faces };
        });
        db.transaction(() => writeAnalysedChunk(db, id, encoder, { type: 'chunk', frames, nextFrame: start + frames.length, tracker: initialTrackerState() }))();
      }
      const person = 1 as PersonId;
      writeLinkedPersons(db, id, new Map([[1, person]]), [{ personId: person, name: 'Person 1', coded: true }]);
    }
  }
  // Labels arrive interleaved across videos and annotators, as they would over days of work.
  const labels: LabelValue[] = [];
  for (let l = 0; l < options.labelsPerVideo; l++) {
    for (const videoId of videoIds) {
      for (const annotatorId of annotators) {
        const frameIndex = Math.floor(((l + random() * 0.5) * options.framesPerVideo) / options.labelsPerVideo);
        labels.push({ videoId, personId: FIRST_PERSON, frameIndex, annotatorId, valence: random() * 2 - 1, arousal: random() * 2 - 1, origin: 'manual' });
      }
    }
  }
  appendLabels(db, labels);
  db.close();
  return { file, videoIds };
}

/** The leaf pages of a table (or index), in page-number order, from SQLite's `dbstat`. */
export function leafPages(file: string, name: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(name) as number[]);
  } finally {
    db.close();
  }
}

/** The rowids stored on a table b-tree leaf page, read from the file format itself (sqlite.org/fileformat2.html). */
export function rowidsOnPage(file: string, pageno: number): number[] {
  const page = readPage(file, pageno);
  const header = pageno === 1 ? 100 : 0;
  if (page[header] !== 0x0d) throw new Error(`page ${pageno} is not a table leaf page`);
  const cells = page.readUInt16BE(header + 3);
  const rowids: number[] = [];
  for (let c = 0; c < cells; c++) {
    let offset = page.readUInt16BE(header + 8 + 2 * c);
    offset = varint(page, offset).next; // payload size
    rowids.push(varint(page, offset).value);
  }
  return rowids;
}

/** Overwrites whole pages with random bytes, as a failing disk or a bad copy would. */
export function damagePages(file: string, pages: readonly number[], seed = 1): void {
  const size = pageSize(file);
  const random = seededRandom(seed);
  const fd = fs.openSync(file, 'r+');
  try {
    for (const pageno of pages) {
      const junk = Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
      fs.writeSync(fd, junk, 0, size, (pageno - 1) * size);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function pageSize(file: string): number {
  const header = Buffer.alloc(18);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, header, 0, 18, 0);
  fs.closeSync(fd);
  const size = header.readUInt16BE(16);
  return size === 1 ? 65536 : size;
}

function readPage(file: string, pageno: number): Buffer {
  const size = pageSize(file);
  const page = Buffer.alloc(size);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, page, 0, size, (pageno - 1) * size);
  fs.closeSync(fd);
  return page;
}

function varint(buffer: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = buffer[start + i] as number;
    if (i === 8) return { value: value * 256 + byte, next: start + 9 };
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, next: start + i + 1 };
  }
  return { value, next: start + 9 };
}
