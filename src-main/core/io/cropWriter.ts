/**
 * Writes face crops (raw RGB24, all the same size) as PNG or JPEG files through one ffmpeg process: the crops go
 * in over stdin as raw video, ffmpeg's image2 muxer writes one numbered file per crop into a folder, and the
 * caller renames them once ffmpeg has finished. One process per export instead of one per image keeps a
 * thousand crops to seconds. Used only for output images; frames are never decoded through image files.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';

export type CropImageFormat = 'png' | 'jpeg';

export const CROP_EXTENSIONS: Record<CropImageFormat, string> = { png: 'png', jpeg: 'jpg' };

const CODEC_ARGS: Record<CropImageFormat, string[]> = {
  png: ['-vcodec', 'png', '-pix_fmt', 'rgb24'],
  // Full-range 4:4:4 at q 2: no chroma subsampling on small faces, and odd crop sizes are fine.
  jpeg: ['-vcodec', 'mjpeg', '-pix_fmt', 'yuvj444p', '-q:v', '2'],
};

export class CropWriter {
  private readonly child;
  private readonly exited: Promise<{ code: number | null; stderr: string }>;
  private count = 0;
  private failure: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly size: number,
    private readonly format: CropImageFormat,
  ) {
    const { ffmpeg } = resolveFfmpegPaths();
    const args = [
      '-hide_banner', '-nostdin', '-v', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size}x${size}`, '-framerate', '25', '-i', 'pipe:0',
      '-vsync', 'passthrough', ...CODEC_ARGS[format], '-start_number', '0', '-f', 'image2', path.join(dir, `%08d.${CROP_EXTENSIONS[format]}`),
    ];
    this.child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      if (stderr.length < 16_384) stderr += text;
    });
    // A write after ffmpeg died fails with EPIPE; the exit status says why, so keep the first error for close().
    this.child.stdin.on('error', (error) => (this.failure ??= error));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => resolve({ code, stderr }));
    });
    this.exited.catch(() => undefined);
  }

  /** Queues one crop; returns the name (inside `dir`) ffmpeg will write it under. */
  async add(rgb: Uint8Array): Promise<string> {
    if (rgb.length !== this.size * this.size * 3) throw new Error(`crop of ${rgb.length} bytes, expected ${this.size}x${this.size} RGB`);
    if (this.failure) throw this.encodeError(this.failure.message);
    const name = this.nameOf(this.count++);
    if (!this.child.stdin.write(rgb)) await Promise.race([once(this.child.stdin, 'drain'), this.exited]);
    return name;
  }

  /** Waits for ffmpeg to write every file. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const { code, stderr } = await this.exited;
    if (code !== 0) throw this.encodeError(stderr.trim().split(/\r?\n/)[0] || `ffmpeg exited with ${code}`);
  }

  /** Stops ffmpeg without waiting for its output (on a failure elsewhere). */
  abort(): void {
    this.child.kill('SIGKILL');
  }

  private nameOf(i: number): string {
    return `${String(i).padStart(8, '0')}.${CROP_EXTENSIONS[this.format]}`;
  }

  private encodeError(reason: string): StudioError {
    return new StudioError(`Could not write the face crops as ${this.format.toUpperCase()}: ${reason}`);
  }
}
