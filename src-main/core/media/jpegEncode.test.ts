import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { encodeJpeg } from './jpegEncode';

describe('encodeJpeg', () => {
  it('encodes raw RGB into a JPEG of the same size', async () => {
    const width = 40;
    const height = 20;
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < rgb.length; i += 3) rgb[i] = 255;
    const jpeg = await encodeJpeg(rgb, width, height);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-jpeg-')), 'red.jpg');
    fs.writeFileSync(file, jpeg);
    const size = execFileSync(resolveFfmpegPaths().ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
    expect(size.toString().trim()).toBe('40,20');
  });

  it('refuses pixels that do not fill the stated size, with a clear message', async () => {
    await expect(encodeJpeg(Buffer.alloc(10), 40, 20)).rejects.toThrow(/Could not encode a thumbnail/);
  });
});
