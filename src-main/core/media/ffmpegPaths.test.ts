import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';

describe('ffmpeg and ffprobe binaries', () => {
  it('finds the bundled binaries and they run', () => {
    const { ffmpeg, ffprobe } = resolveFfmpegPaths({});
    expect(execFileSync(ffmpeg, ['-hide_banner', '-version']).toString()).toMatch(/^ffmpeg version/);
    expect(execFileSync(ffprobe, ['-hide_banner', '-version']).toString()).toMatch(/^ffprobe version/);
  });

  it('uses FFMPEG_PATH and FFPROBE_PATH when set', () => {
    const bundled = resolveFfmpegPaths({});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-ffmpeg-'));
    const ffmpeg = path.join(dir, 'my-ffmpeg');
    fs.symlinkSync(bundled.ffmpeg, ffmpeg);
    expect(resolveFfmpegPaths({ FFMPEG_PATH: ffmpeg, FFPROBE_PATH: bundled.ffprobe })).toEqual({ ffmpeg, ffprobe: bundled.ffprobe });
  });

  it('names the override to fix when it points at something that cannot run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-ffmpeg-'));
    const notExecutable = path.join(dir, 'ffprobe');
    fs.writeFileSync(notExecutable, 'not a program', { mode: 0o644 });
    expect(() => resolveFfmpegPaths({ FFPROBE_PATH: notExecutable })).toThrow(/ffprobe was not found or is not executable .*FFPROBE_PATH/);
    expect(() => resolveFfmpegPaths({ FFMPEG_PATH: path.join(dir, 'missing') })).toThrow(/FFMPEG_PATH/);
  });
});
