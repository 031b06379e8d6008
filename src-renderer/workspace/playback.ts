/**
 * Plays the video at 0.25x to 2x by the frames' own timestamps: each animation frame shows the latest decoded
 * frame whose time has come, and waits (rather than skipping ahead) when decoding falls behind.
 */
import type { FrameCache } from './frameCache';

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2] as const;
const READ_AHEAD_FRAMES = 48;

export interface PlaybackHost {
  frameTimes: () => readonly number[];
  currentFrame: () => number;
  show: (frame: number) => void;
  /** Called on every frame shown while playing (live mode records the grid here). */
  onFrame: (frame: number) => void;
  onStop: () => void;
}

export class Playback {
  private raf = 0;
  private clockStartMs = 0;
  private clockStartPts = 0;
  speed: number = 1;
  playing = false;

  constructor(
    private readonly host: PlaybackHost,
    private readonly cache: FrameCache,
  ) {}

  play(): void {
    if (this.playing) return;
    const times = this.host.frameTimes();
    if (this.host.currentFrame() >= times.length - 1) this.host.show(0);
    this.playing = true;
    this.restartClock();
    this.raf = requestAnimationFrame(() => this.tick());
  }

  stop(): void {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.host.onStop();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    if (this.playing) this.restartClock();
  }

  /**
   * Asks for the next chunk only when fewer than half a chunk of decoded frames is left ahead: each request is a
   * decoder process with a seek, so many one-frame requests would cost far more than the frames themselves.
   */
  private readAhead(current: number, frameCount: number): void {
    let firstMissing = current + 1;
    while (firstMissing < frameCount && this.cache.get(firstMissing)) firstMissing++;
    if (firstMissing < frameCount && firstMissing - current < READ_AHEAD_FRAMES / 2) void this.cache.load(firstMissing, READ_AHEAD_FRAMES);
  }

  private restartClock(): void {
    this.clockStartMs = performance.now();
    this.clockStartPts = this.host.frameTimes()[this.host.currentFrame()] ?? 0;
  }

  private tick(): void {
    if (!this.playing) return;
    const times = this.host.frameTimes();
    const current = this.host.currentFrame();
    this.readAhead(current, times.length);
    const nowPts = this.clockStartPts + ((performance.now() - this.clockStartMs) / 1000) * this.speed;
    let next = current;
    while (next + 1 < times.length && (times[next + 1] as number) <= nowPts && this.cache.get(next + 1)) next++;
    if (next !== current) {
      for (let frame = current + 1; frame <= next; frame++) this.host.onFrame(frame);
      this.host.show(next);
    } else if (next + 1 < times.length && (times[next + 1] as number) <= nowPts) {
      // The next frame is due but not decoded yet: hold the clock instead of jumping later.
      this.restartClock();
    }
    if (next >= times.length - 1) {
      this.stop();
      return;
    }
    this.raf = requestAnimationFrame(() => this.tick());
  }
}
