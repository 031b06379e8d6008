/**
 * A folder of image frames as a video: its images in natural order (frame2 before frame10), each decoded to
 * raw RGB by ffmpeg like video frames, so the rest of the studio cannot tell the two apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { rgbFrameBytes, type FrameSize } from './frameSize';
import { assertInputFile } from './inputFile';
import { firstErrorLine, runTool } from './runTool';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp']);
// A fixed locale: the frame order must not depend on the language of the machine that imports it.
const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The image file names (not paths) in `dir`, naturally sorted; hidden files and other files are ignored. */
export function listImageFrames(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError(`The folder ${dir} does not exist.`, { cause: error });
    if (code === 'ENOTDIR') throw new StudioError(`${dir} is a file, not a folder of image frames.`, { cause: error });
    throw new StudioError(`Cannot read the folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const names = entries
    .filter((e) => !e.name.startsWith('.') && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && isFile(path.join(dir, e.name))))
    .map((e) => e.name);
  if (names.length === 0) throw new StudioError(`The folder ${dir} has no image frames (jpg, jpeg, png, bmp or webp files).`);
  // Names equal but for case still need a fixed order; the plain comparison settles them.
  return names.sort((a, b) => naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The image as packed RGB24 at `size`, scaled whole; with `centreSquare`, only its centred square on the shorter
 * side is (a face crop keeps its aspect: see labelledImages.ts).
 */
export async function decodeImage(file: string, size: FrameSize, options: { centreSquare?: boolean } = {}): Promise<Buffer> {
  assertInputFile(file);
  const frameBytes = rgbFrameBytes(size.width, size.height);
  const { ffmpeg } = resolveFfmpegPaths();
  const scale = `scale=${size.width}:${size.height}`;
  const { code, stdout, stderr } = await runTool(ffmpeg, [
    // pattern_type none: a file named "frame%03d.png" is that one file, not a numbered sequence.
    '-hide_banner', '-nostdin', '-v', 'error', '-f', 'image2', '-pattern_type', 'none', '-i', file,
    '-vf', options.centreSquare ? `crop=w='min(iw,ih)':h='min(iw,ih)',${scale}` : scale, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]);
  if (code !== 0 || stdout.length !== frameBytes) {
    const reason = code !== 0 || stderr.trim() ? firstErrorLine(stderr, file) : 'it holds no picture';
    throw new StudioError(`ffmpeg cannot decode the image ${file}: ${reason}`);
  }
  return stdout;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false; // a dangling link is not a frame
  }
}
