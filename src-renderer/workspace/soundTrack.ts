/**
 * The video's sound, following the frame clock: playback's clock is the master (frames are exact, sound is not
 * what labels attach to), and the audio element is re-seated whenever it has drifted more than one frame from
 * where the clock says it should be. Speed changes keep the pitch (`preservesPitch`), so a voice at 0.25x is
 * slow, not low.
 */

/** Where the prepared sound sits on the video's timeline (api `videos.sound`). */
export interface SoundPlacement {
  /** Audio time = (frame pts - first frame pts) - offsetSec. */
  offsetSec: number;
  durationSec: number;
}

/** A re-seat never aims further ahead than this. */
const MAX_LEAD_SEC = 0.5;
/** How far back drift readings are kept (see driftFrom). */
const DRIFT_WINDOW_MS = 200;
/** A start waits at most this long for the sound to move before the clock starts anyway. */
const MAX_START_WAIT_MS = 1000;

export class SoundTrack {
  /**
   * How often the element was re-seated while playing, and its drift from the clock at the last tick (ms, positive:
   * sound ahead); also on the element as `data-reseats` and `data-drift-ms`, which the bench and tests read.
   */
  reseats = 0;
  private playing = false;
  /**
   * A seek takes the audio pipeline a while to resume (longer on a busy machine), during which the clock runs on:
   * re-seating exactly at the clock's time would leave it behind by that much, and re-seat again, and again. So it
   * is re-seated this far ahead, learnt from how far off each re-seat turned out once the audio moved again.
   */
  private leadSec = 0;
  /** Where the last re-seat put the element, until it has moved on from there. */
  private seatedAt: number | null = null;
  private readings: { atMs: number; driftSec: number }[] = [];

  constructor(
    private readonly element: HTMLAudioElement,
    private readonly placement: SoundPlacement,
    private readonly firstPtsSec: number,
    /** One frame, seconds: the drift that is tolerated. */
    private readonly frameSec: number,
  ) {
    element.preservesPitch = true;
  }

  /** Where the audio should be when the clock shows `ptsSec`. */
  audioTimeAt(ptsSec: number): number {
    return ptsSec - this.firstPtsSec - this.placement.offsetSec;
  }

  /**
   * Seats the audio at the clock's time and resolves once its time actually moves (or there is nothing to play
   * at this time), so the caller can start the clock at that moment and the two start together: `play()`
   * resolves some 80 ms before the sound does in Chromium.
   */
  async start(ptsSec: number, speed: number): Promise<void> {
    this.playing = true;
    this.seatedAt = null;
    this.readings = [];
    this.element.playbackRate = speed;
    const target = this.audioTimeAt(ptsSec);
    if (!this.audible(target)) return;
    this.element.currentTime = target;
    await this.element.play().catch(() => undefined);
    const waitedFrom = performance.now();
    while (this.playing && !this.moved(target) && performance.now() - waitedFrom < MAX_START_WAIT_MS) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  /** Called on every tick of the clock while playing. */
  follow(ptsSec: number): void {
    if (!this.playing) return;
    const target = this.audioTimeAt(ptsSec);
    if (!this.audible(target)) {
      if (!this.element.paused) this.element.pause();
      return;
    }
    if (this.element.paused) {
      // The clock has reached the sound (it starts after the first frame), or the sound stopped on its own.
      this.element.currentTime = target;
      void this.element.play().catch(() => undefined);
      return;
    }
    if (this.element.seeking) return;
    const reading = this.element.currentTime - target;
    if (this.seatedAt !== null) {
      if (!this.moved(this.seatedAt)) return;
      this.seatedAt = null;
      this.leadSec = Math.max(0, Math.min(MAX_LEAD_SEC, this.leadSec - reading));
    }
    const drift = this.driftFrom(reading);
    this.element.dataset.driftMs = (drift * 1000).toFixed(1);
    if (Math.abs(drift) > this.frameSec) {
      this.readings = [];
      this.element.currentTime = target + this.leadSec;
      this.seatedAt = this.element.currentTime;
      this.reseats++;
      this.element.dataset.reseats = String(this.reseats);
    }
  }

  setSpeed(speed: number): void {
    this.element.playbackRate = speed;
  }

  /** Paused with the frames: stepping frame by frame is silent. */
  stop(): void {
    this.playing = false;
    this.element.pause();
  }

  /**
   * The drift, from the readings of the last DRIFT_WINDOW_MS: a busy Chromium updates `currentTime` in steps of
   * 50-70 ms, so a reading is the true position or older, never newer, and the largest recent one (less the
   * clock's advance since, which `reading` already subtracted) is the freshest estimate.
   */
  private driftFrom(reading: number): number {
    const now = performance.now();
    this.readings.push({ atMs: now, driftSec: reading });
    while ((this.readings[0]?.atMs ?? now) < now - DRIFT_WINDOW_MS) this.readings.shift();
    return Math.max(...this.readings.map((r) => r.driftSec));
  }

  /** Whether the audio has started to play on from where it was seated (not merely reports a rounded seek). */
  private moved(seatedSec: number): boolean {
    return !this.element.paused && !this.element.seeking && this.element.currentTime > seatedSec + 0.002;
  }

  private audible(audioSec: number): boolean {
    return audioSec >= 0 && audioSec < this.placement.durationSec - 0.01;
  }
}
