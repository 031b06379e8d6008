/**
 * Playback's picture when the browser can decode the video file itself (H.264 in Chromium and Electron): a muted
 * <video> element following the frame clock, which costs a fraction of decoding frames in main and shipping them
 * as JPEGs, and drops late frames on its own. The element's timeline is the file's own pts (as the frame index),
 * so each picture it presents names its frame exactly. Paused, the viewer shows the exact decoded frame again.
 *
 * It is kept in step by what it actually puts on screen: each presented picture's pts against the clock's time
 * at the moment it is displayed (`requestVideoFrameCallback`), so decoding and compositing delays count too.
 */

/** Drift the element may build up before it is re-seated; a seek costs a decode from the keyframe, so not a frame. */
const RESEAT_SEC = 0.25;
/** Smaller drifts, beyond a frame, are pulled in by running the element up to this much faster or slower. */
const MAX_RATE_NUDGE = 0.1;
/** A start waits at most this long for the first picture before the clock starts anyway. */
const MAX_START_WAIT_MS = 1000;

export class VideoTrack {
  private playing = false;
  private chain = 0;
  private speed = 1;
  private firstPicture: (() => void) | null = null;

  constructor(
    private readonly element: HTMLVideoElement,
    /** One frame, seconds (known once the frame times are): drift within it is left alone. */
    private readonly frameSec: () => number,
    /** Called with the pts of every picture the element presents. */
    private readonly onPresented: (ptsSec: number) => void,
    /** The clock's pts at a wall time (performance.now() ms), or null while it is not running. */
    private readonly clockAt: (wallMs: number) => number | null,
  ) {
    element.muted = true;
  }

  /** Resolves once the element shows its first picture from `ptsSec`, so the clock can start at that instant. */
  async start(ptsSec: number, speed: number): Promise<void> {
    this.playing = true;
    this.speed = speed;
    this.element.playbackRate = speed;
    this.element.currentTime = ptsSec;
    const shown = new Promise<void>((resolve) => {
      this.firstPicture = resolve;
      setTimeout(resolve, MAX_START_WAIT_MS);
    });
    this.watchFrames();
    await this.element.play().catch(() => undefined);
    await shown;
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.element.playbackRate = speed;
  }

  stop(): void {
    this.playing = false;
    this.element.pause();
  }

  private correct(driftSec: number): void {
    if (this.element.seeking) return;
    if (Math.abs(driftSec) > RESEAT_SEC * this.speed) {
      this.element.currentTime -= driftSec;
      this.element.playbackRate = this.speed;
      return;
    }
    const nudge = Math.abs(driftSec) <= this.frameSec() ? 0 : Math.max(-MAX_RATE_NUDGE, Math.min(MAX_RATE_NUDGE, -driftSec / this.speed));
    this.element.playbackRate = this.speed * (1 + nudge);
  }

  /** One chain of frame callbacks at a time: each start begins a new one and the older one ends at its next call. */
  private watchFrames(): void {
    const chain = ++this.chain;
    const next = () =>
      this.element.requestVideoFrameCallback((_now, presented) => {
        if (chain !== this.chain || !this.playing) return;
        this.onPresented(presented.mediaTime);
        this.firstPicture?.();
        this.firstPicture = null;
        const due = this.clockAt(presented.expectedDisplayTime);
        if (due !== null) this.correct(presented.mediaTime - due);
        next();
      });
    next();
  }
}
