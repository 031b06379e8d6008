/**
 * The persons' boxes per frame, fetched ahead in chunks as frames are (frameCache.ts), so that drawing who is who
 * never waits for a call: not at a paused frame, and not on the frame clock during playback, where the <video>
 * element shows the picture and the boxes of the frame it presents are drawn over it. A frame whose chunk has not
 * arrived yet is drawn without boxes (never with another frame's), and its chunk and the next are asked for.
 */

export interface PersonBoxOnFrame {
  personId: number;
  box: { x: number; y: number; w: number; h: number };
  turnedAway: boolean;
}

export type BoxChunkFetch = (fromFrame: number, count: number) => Promise<{ frameIndex: number; boxes: PersonBoxOnFrame[] }[]>;

/** Frames per call: two seconds at 30 frames/s, a few kB of boxes. */
export const BOX_CHUNK_FRAMES = 60;
/** Chunks kept: a few minutes of video around where the user is; the oldest fetched go first. */
const MAX_CHUNKS = 100;

export class BoxesAhead {
  /** Chunk start -> boxes by frame (a frame of the chunk that is missing shows nobody). */
  private readonly chunks = new Map<number, Map<number, PersonBoxOnFrame[]>>();
  private readonly inFlight = new Set<number>();
  /** Increases on clear(), so a chunk asked for before is not stored after. */
  private generation = 0;

  constructor(
    private readonly fetch: BoxChunkFetch,
    private readonly frameCount: () => number,
    /** Called when a chunk arrives: whoever draws asks for the current frame again. */
    private readonly arrived: () => void,
  ) {}

  /** The boxes of `frame` (empty: nobody there), or undefined while its chunk is on its way; reads one chunk ahead. */
  get(frame: number): readonly PersonBoxOnFrame[] | undefined {
    const start = frame - (frame % BOX_CHUNK_FRAMES);
    this.want(start);
    this.want(start + BOX_CHUNK_FRAMES);
    const chunk = this.chunks.get(start);
    return chunk ? (chunk.get(frame) ?? []) : undefined;
  }

  /** Forgets every box (after an analysis, a merge or a split moved them). */
  clear(): void {
    this.chunks.clear();
    this.inFlight.clear();
    this.generation++;
  }

  private want(start: number): void {
    if (start >= this.frameCount() || this.chunks.has(start) || this.inFlight.has(start)) return;
    const generation = this.generation;
    this.inFlight.add(start);
    this.fetch(start, Math.min(BOX_CHUNK_FRAMES, this.frameCount() - start)).then(
      (frames) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(start);
        this.chunks.set(start, new Map(frames.map((f) => [f.frameIndex, f.boxes])));
        if (this.chunks.size > MAX_CHUNKS) this.chunks.delete(this.chunks.keys().next().value as number);
        this.arrived();
      },
      () => {
        // A failed call is asked again the next time the frame is drawn.
        if (generation === this.generation) this.inFlight.delete(start);
      },
    );
  }
}
