import { spawn } from 'node:child_process';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';

/** Encodes raw RGB24 pixels as a JPEG through ffmpeg's stdin (thumbnails only: never for analysis frames). */
export function encodeJpeg(rgb: Buffer, width: number, height: number, quality = 4): Promise<Buffer> {
  const { ffmpeg } = resolveFfmpegPaths();
  const args = ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0'];
  args.push('-frames:v', '1', '-q:v', String(quality), '-f', 'image2pipe', '-vcodec', 'mjpeg', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new StudioError(`Could not encode a thumbnail: ${err.trim() || `ffmpeg exited with ${code}`}`)),
    );
    child.stdin.end(rgb);
  });
}
