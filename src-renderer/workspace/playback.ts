/**
 * Plays the video at 0.25x to 2x by the frames' own timestamps, in real time: a clock (wall time x speed) is the
 * master, and the sound (soundTrack.ts) and the picture follow it. The picture is the video file playing in a
 * <video> element when the browser decodes it (videoTrack.ts), else the exact frames decoded in main: each
 * animation frame shows the newest decoded frame up to the clock's. Either way a late frame is dropped from the
 * display rather than holding the clock; frames are decoded ahead of the clock in chunks, a few at once.
 */
import type { FrameCache } from './frameCache';
import type { SoundTrack } from './soundTrack';
import type { VideoTrack } from './videoTrack';

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2] as const;
/** How far ahead of the clock frames are asked for, in seconds of video. */
const READ_AHEAD_SEC = 2;
/** Frames per request: one decoder process with one seek each, so fewer and longer is cheaper, up to a second. */
const CHUNK_FRAMES = 30;
/** Requests on their way at once: one decoding while the previous one's images are sent and unpacked. */
const MAX_CHUNKS_IN_FLIGHT = 2;

export interface PlaybackHost {
  frameTimes: () => readonly number[];
  currentFrame: () => number;
  show: (frame: number) => void;
  /** Called for every frame the clock passes while playing, shown or not (live mode records the grid here). */
  onFrame: (frame: number) => void;
  onStop: () => void;
  /** The video's sound, when it has one and it is loaded. */
  sound: () => SoundTrack | null;
  /** The video file playing in the page, when the browser can decode it. */
  video: () => VideoTrack | null;
}

export class Playback {
  private raf = 0;
  private clockStartMs = 0;
  private clockStartPts = 0;
  private clockRunning = false;
  /** The last frame handed to onFrame, and the last one shown: a different current frame means the user moved. */
  private passed = 0;
  private shown = 0;
  /** Increases with every start, so a start still waiting for its first frames knows when it was superseded. */
  private run = 0;
  /** The <video> picture of this run (chosen when it starts), or null for decoded frames. */
  private video: VideoTrack | null = null;
  /** The frame the <video> element last presented, while it is the picture. */
  private presented = -1;
  speed: number = 1;
  playing = false;

  constructor(
    private readonly host: PlaybackHost,
    private readonly cache: FrameCache,
  ) {}

  /**
   * Starts once the first frames are decoded and the sound is actually playing, and only then starts the clock:
   * both begin at the same instant instead of the clock running ahead of a sound still buffering.
   */
  async play(): Promise<void> {
    if (this.playing) return;
    if (this.host.currentFrame() >= this.host.frameTimes().length - 1) this.host.show(0);
    this.playing = true;
    await this.startFrom(this.host.currentFrame());
  }

  stop(): void {
    if (!this.playing) return;
    this.playing = false;
    this.clockRunning = false;
    this.run++;
    cancelAnimationFrame(this.raf);
    this.host.sound()?.stop();
    this.video?.stop();
    this.host.onStop();
  }

  setSpeed(speed: number): void {
    // The clock goes on from where it is, at the new rate.
    const now = performance.now();
    const pts = this.clockAt(now);
    this.speed = speed;
    if (pts !== null) {
      this.clockStartMs = now;
      this.clockStartPts = pts;
    }
    if (!this.playing) return;
    this.host.sound()?.setSpeed(speed);
    this.video?.setSpeed(speed);
  }

  /** The clock's pts at a wall time (performance.now() ms); null until it runs (a start waits for its first frames). */
  clockAt(wallMs: number): number | null {
    return this.clockRunning ? this.clockStartPts + ((wallMs - this.clockStartMs) / 1000) * this.speed : null;
  }

  /** The <video> element presented the picture at `ptsSec`: the frame of the index nearest to it. */
  presentedAt(ptsSec: number): void {
    const times = this.host.frameTimes();
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) < ptsSec) lo = mid + 1;
      else hi = mid;
    }
    const before = times[lo - 1];
    this.presented = lo > 0 && before !== undefined && ptsSec - before < (times[lo] as number) - ptsSec ? lo - 1 : lo;
  }

  private async startFrom(frame: number): Promise<void> {
    const run = ++this.run;
    this.clockRunning = false;
    cancelAnimationFrame(this.raf);
    this.passed = frame;
    this.shown = frame;
    const pts = this.host.frameTimes()[frame] ?? 0;
    const video = this.host.video();
    if (this.video !== video) this.video?.stop();
    this.video = video;
    this.presented = -1;
    const picture = video ? video.start(pts, this.speed) : this.cache.load(frame, CHUNK_FRAMES).catch(() => undefined);
    await Promise.all([picture, this.host.sound()?.start(pts, this.speed)]);
    if (run !== this.run || !this.playing) return;
    this.restartClock(frame);
    this.raf = requestAnimationFrame(() => this.tick());
  }

  private restartClock(frame: number): void {
    this.clockStartMs = performance.now();
    this.clockStartPts = this.host.frameTimes()[frame] ?? 0;
    this.clockRunning = true;
  }

  private tick(): void {
    if (!this.playing) return;
    const times = this.host.frameTimes();
    const last = times.length - 1;
    if (this.host.currentFrame() !== this.shown) {
      // The user went elsewhere (timeline click) while playing: play on from there.
      void this.startFrom(this.host.currentFrame());
      return;
    }
    const nowPts = this.clockAt(performance.now()) as number;
    let due = this.passed;
    while (due < last && (times[due + 1] as number) <= nowPts) due++;
    const video = this.video;
    if (!video) this.readAhead(due, times);
    for (let frame = this.passed + 1; frame <= due; frame++) this.host.onFrame(frame);
    this.passed = due;
    let show = video ? this.presented : due;
    if (!video) while (show > this.shown && !this.cache.get(show)) show--;
    if (show >= 0 && show !== this.shown) {
      this.shown = show;
      this.host.show(show);
    }
    this.host.sound()?.follow(nowPts);
    if (due >= last) {
      // The end: show the last frame itself, even if it comes late.
      if (this.shown !== last) {
        this.shown = last;
        this.host.show(last);
      }
      this.stop();
      return;
    }
    this.raf = requestAnimationFrame(() => this.tick());
  }

  /**
   * Keeps the next READ_AHEAD_SEC of video (at this speed) asked for. When decoding has fallen behind the clock it
   * starts from the frame that is due, not from frames whose time has already passed.
   */
  private readAhead(due: number, times: readonly number[]): void {
    const horizonPts = (times[due] ?? 0) + READ_AHEAD_SEC * this.speed;
    let frame = due + 1;
    while (this.cache.chunksInFlight < MAX_CHUNKS_IN_FLIGHT && frame < times.length && (times[frame] as number) <= horizonPts) {
      if (this.cache.has(frame)) {
        frame++;
        continue;
      }
      void this.cache.load(frame, CHUNK_FRAMES).catch(() => undefined);
      frame += CHUNK_FRAMES;
    }
  }
}
