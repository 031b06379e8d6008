/**
 * Finds the ffmpeg and ffprobe binaries. `FFMPEG_PATH` / `FFPROBE_PATH` win (a lab may want its own build with
 * more decoders); otherwise the binaries shipped inside the installer packages are used, so the studio works
 * offline with nothing installed system-wide.
 */
import fs from 'node:fs';
import { StudioError } from '../errors';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
}

export function resolveFfmpegPaths(env: NodeJS.ProcessEnv = process.env): FfmpegPaths {
  return {
    ffmpeg: checkExecutable('ffmpeg', env.FFMPEG_PATH ?? bundledPath('@ffmpeg-installer/ffmpeg'), 'FFMPEG_PATH'),
    ffprobe: checkExecutable('ffprobe', env.FFPROBE_PATH ?? bundledPath('@ffprobe-installer/ffprobe'), 'FFPROBE_PATH'),
  };
}

function bundledPath(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- these packages only export a CommonJS `path`
  const found = (require(pkg) as { path: string }).path;
  // Inside a packaged app the binary is unpacked next to the asar archive: it cannot be spawned from inside it.
  return found.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

function checkExecutable(tool: string, file: string, override: string): string {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new StudioError(
      `${tool} was not found or is not executable at ${file}. Reinstall the studio, or set ${override} to a working ${tool}.`,
    );
  }
  return file;
}
