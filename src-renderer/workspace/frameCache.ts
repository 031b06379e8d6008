/**
 * Decoded frames for the viewer, as ImageBitmaps, keyed by frame index. Frames arrive JPEG-encoded in chunks
 * (one API call, one seek in main) so playback keeps up; the farthest are dropped beyond a fixed budget.
 */
import { MAX_FRAMES_PER_CALL } from '../../src-main/api/contract';
import { studio } from '../api/studio';

const CAPACITY = 360;

export class FrameCache {
  private readonly frames = new Map<number, ImageBitmap>();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Requests on their way: playback keeps a few going, no more (each is a decoder process in main). */
  chunksInFlight = 0;

  constructor(
    private readonly project: string,
    private readonly videoId: number,
    private readonly frameCount: number,
    private readonly maxSize: { width: number; height: number },
  ) {}

  get(frame: number): ImageBitmap | undefined {
    return this.frames.get(frame);
  }

  /** Whether the frame is decoded or on its way. */
  has(frame: number): boolean {
    return this.frames.has(frame) || this.inFlight.has(frame);
  }

  /** Loads `count` frames from `from` unless they are cached or already on their way. */
  async load(from: number, count: number): Promise<void> {
    const wanted: number[] = [];
    for (let f = Math.max(0, from); f < Math.min(this.frameCount, from + count); f++) {
      if (!this.frames.has(f) && !this.inFlight.has(f)) wanted.push(f);
    }
    const waits = [...new Set([from, from + count - 1].map((f) => this.inFlight.get(f)).filter((p) => p !== undefined))];
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < wanted.length; ) {
      const start = wanted[i] as number;
      let end = start;
      while (i + 1 < wanted.length && wanted[i + 1] === end + 1 && end - start + 1 < MAX_FRAMES_PER_CALL) end = wanted[++i] as number;
      i++;
      const chunk = this.fetch(start, end - start + 1);
      this.chunksInFlight++;
      for (let f = start; f <= end; f++) this.inFlight.set(f, chunk);
      chunks.push(chunk.finally(() => {
        this.chunksInFlight--;
        for (let f = start; f <= end; f++) this.inFlight.delete(f);
      }));
    }
    await Promise.all([...chunks, ...waits]);
  }

  private async fetch(fromFrame: number, count: number): Promise<void> {
    const result = await studio.call('videos.frames', {
      project: this.project,
      videoId: this.videoId,
      fromFrame,
      count,
      maxWidth: this.maxSize.width,
      maxHeight: this.maxSize.height,
    });
    const bitmaps = await Promise.all(result.frames.map((frame) => toBitmap(frame.jpegBase64)));
    result.frames.forEach((frame, i) => this.frames.set(frame.frameIndex, bitmaps[i] as ImageBitmap));
    this.evict(fromFrame);
  }

  /** Drops the frames farthest from where the user is now. */
  private evict(near: number): void {
    if (this.frames.size <= CAPACITY) return;
    const byDistance = [...this.frames.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const frame of byDistance.slice(0, this.frames.size - CAPACITY)) {
      this.frames.get(frame)?.close();
      this.frames.delete(frame);
    }
  }
}

/** The browser's own JPEG decoder, off the main thread where it can. */
function toBitmap(jpegBase64: string): Promise<ImageBitmap> {
  const bytes = Uint8Array.from(atob(jpegBase64), (c) => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
}
