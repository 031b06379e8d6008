import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { probeMedia } from './probe';
import { FRL_FIXTURES, TEST_CLIPS, testVideo } from '../../../test/support/testMedia';

const { ffmpeg, ffprobe } = resolveFfmpegPaths();
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-probe-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function makeWithFfmpeg(name: string, args: string[]): string {
  const file = path.join(tmp, name);
  execFileSync(ffmpeg, ['-v', 'error', '-y', ...args, file]);
  return file;
}

/** ffprobe's own figures for the first video stream and the container, read independently of probeMedia. */
function ffprobeFigures(file: string): { rFrameRate: string; avgFps: number; durationSec: number } {
  const out = execFileSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate,avg_frame_rate:format=duration', '-of', 'json', file]);
  const json = JSON.parse(out.toString()) as { streams: { r_frame_rate: string; avg_frame_rate: string }[]; format: { duration: string } };
  const [num, den] = (json.streams[0]?.avg_frame_rate ?? '').split('/').map(Number) as [number, number];
  return { rFrameRate: json.streams[0]?.r_frame_rate ?? '', avgFps: num / den, durationSec: Number(json.format.duration) };
}

describe('probeMedia', () => {
  it('describes the test clips as they were made', async () => {
    const wolfgangFile = testVideo('WolfgangLanger_Pexels.mp4');
    const wolfgang = await probeMedia(wolfgangFile);
    expect(wolfgang).toMatchObject({ codec: 'h264', width: 640, height: 360, declaredFrameCount: TEST_CLIPS['WolfgangLanger_Pexels.mp4'].frames, hasAudio: true });
    expect(wolfgang.avgFps).toBeCloseTo(24000 / 1001, 6);
    expect(wolfgang.durationSec).toBeCloseTo(ffprobeFigures(wolfgangFile).durationSec, 3);

    const hevcFile = testVideo('noface_face.mov');
    const hevc = await probeMedia(hevcFile);
    expect(hevc).toMatchObject({ codec: 'hevc', width: 960, height: 540, declaredFrameCount: TEST_CLIPS['noface_face.mov'].frames });
    // r_frame_rate says 120 fps; the average over the stream is the honest nominal figure.
    const figures = ffprobeFigures(hevcFile);
    expect(figures.rFrameRate).toBe('120/1');
    expect(figures.avgFps).toBeLessThan(30);
    expect(hevc.avgFps).toBeCloseTo(figures.avgFps, 6);
  });

  it('reports a video without audio, and swaps width and height for a 90° display rotation', async () => {
    const silent = makeWithFfmpeg('silent.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10', '-t', '0.5', '-c:v', 'libx264']);
    expect(await probeMedia(silent)).toMatchObject({ width: 64, height: 36, hasAudio: false, avgFps: 10 });
    const rotated = makeWithFfmpeg('rotated.mp4', ['-i', silent, '-c', 'copy', '-metadata:s:v', 'rotate=90']);
    expect(await probeMedia(rotated)).toMatchObject({ width: 36, height: 64 });
  });

  it('names the file and the problem for input that is not a video', async () => {
    const missing = path.join(tmp, 'gone.mp4');
    await expect(probeMedia(missing)).rejects.toThrow(`${missing} does not exist`);
    await expect(probeMedia(tmp)).rejects.toThrow(`${tmp} is a folder, not a file`);

    const notMedia = path.join(tmp, 'notes.txt');
    fs.writeFileSync(notMedia, 'hello\n');
    await expect(probeMedia(notMedia)).rejects.toThrow(`ffprobe cannot read ${notMedia}: Invalid data found when processing input`);

    // Long enough that ffprobe takes it for ANSI art with a "video" stream.
    const text = path.join(tmp, 'numbers.txt');
    fs.writeFileSync(text, Array.from({ length: 2000 }, (_, i) => i).join('\n'));
    await expect(probeMedia(text)).rejects.toThrow(`${text} is a text file, not a video`);

    const audio = makeWithFfmpeg('tone.m4a', ['-f', 'lavfi', '-i', 'sine', '-t', '0.5']);
    await expect(probeMedia(audio)).rejects.toThrow(`${audio} has no video stream (it holds only audio)`);

    const image = path.join(FRL_FIXTURES, 'neutral', '001.jpg');
    await expect(probeMedia(image)).rejects.toThrow(`${image} is a single image, not a video`);
    const png = makeWithFfmpeg('still.png', ['-f', 'lavfi', '-i', 'testsrc=size=32x32', '-frames:v', '1']);
    await expect(probeMedia(png)).rejects.toThrow('is a single image, not a video');
  });

  it('describes a single image when asked to, for the first frame of a frame folder', async () => {
    const png = makeWithFfmpeg('frame.png', ['-f', 'lavfi', '-i', 'testsrc=size=48x32', '-frames:v', '1']);
    await expect(probeMedia(png, { image: 'accept' })).resolves.toMatchObject({ codec: 'png', width: 48, height: 32 });
  });
});
