/**
 * Playback's picture when the browser can decode the video file itself (H.264 in Chromium and Electron): a muted
 * <video> element following the frame clock, which costs a fraction of decoding frames in main and shipping them
 * as JPEGs, and drops late frames on its own. The element's timeline is the file's own pts (as the frame index),
 * so each picture it presents names its frame exactly. Paused, the viewer shows the exact decoded frame again.
 */

/** Drift the element may build up before it is re-seated; a seek costs a decode from the keyframe, so not a frame. */
const RESEAT_SEC = 0.25;
/** Above this, smaller drifts are pulled in by running the element up to this much faster or slower. */
const MAX_RATE_NUDGE = 0.1;

export class VideoTrack {
  private playing = false;
  private chain = 0;
  private speed = 1;

  constructor(
    private readonly element: HTMLVideoElement,
    /** One frame, seconds (known once the frame times are): drift within it is left alone. */
    private readonly frameSec: () => number,
    /** Called with the pts of every picture the element presents. */
    private readonly onPresented: (ptsSec: number) => void,
  ) {
    element.muted = true;
  }

  /** Resolves once the element is playing from `ptsSec`, so the clock can start at that instant. */
  async start(ptsSec: number, speed: number): Promise<void> {
    this.playing = true;
    this.speed = speed;
    this.element.playbackRate = speed;
    this.element.currentTime = ptsSec;
    this.watchFrames();
    await this.element.play().catch(() => undefined);
  }

  follow(ptsSec: number): void {
    if (!this.playing || this.element.seeking || this.element.paused) return;
    const drift = this.element.currentTime - ptsSec;
    if (Math.abs(drift) > RESEAT_SEC) {
      this.element.currentTime = ptsSec;
      this.element.playbackRate = this.speed;
      return;
    }
    const nudge = Math.abs(drift) <= this.frameSec() ? 0 : Math.max(-MAX_RATE_NUDGE, Math.min(MAX_RATE_NUDGE, -drift));
    this.element.playbackRate = this.speed * (1 + nudge);
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.element.playbackRate = speed;
  }

  stop(): void {
    this.playing = false;
    this.element.pause();
  }

  /** One chain of frame callbacks at a time: each start begins a new one and the older one ends at its next call. */
  private watchFrames(): void {
    const chain = ++this.chain;
    const next = () =>
      this.element.requestVideoFrameCallback((_now, presented) => {
        if (chain !== this.chain || !this.playing) return;
        this.onPresented(presented.mediaTime);
        next();
      });
    next();
  }
}
