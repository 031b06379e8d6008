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

export class SoundTrack {
  /** How often the element was re-seated while playing; also on the element as `data-reseats` (the playback bench reads it). */
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
   * Seats the audio at the clock's time and resolves once it is actually playing (or there is nothing to play
   * at this time), so the caller can start the clock at that moment and the two start together.
   */
  async start(ptsSec: number, speed: number): Promise<void> {
    this.playing = true;
    this.seatedAt = null;
    this.element.playbackRate = speed;
    const target = this.audioTimeAt(ptsSec);
    if (!this.audible(target)) return;
    this.element.currentTime = target;
    await this.element.play().catch(() => undefined);
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
    const drift = this.element.currentTime - target;
    if (this.seatedAt !== null) {
      if (this.element.currentTime === this.seatedAt) return;
      this.seatedAt = null;
      this.leadSec = Math.max(0, Math.min(MAX_LEAD_SEC, this.leadSec - drift));
    }
    if (Math.abs(drift) > this.frameSec) {
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

  private audible(audioSec: number): boolean {
    return audioSec >= 0 && audioSec < this.placement.durationSec - 0.01;
  }
}
