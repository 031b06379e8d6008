/**
 * Test videos made by the bundled ffmpeg from the committed FRL photos, so `npm test` needs nothing beside the
 * repository. Each clip stands in for one video of ../shared/data/videos, keeps its name (test bodies and their
 * messages speak of "single_face.mp4"), and reproduces what the tests used it for: its size, frame count and
 * rate, its container and codec, and its quirks (a frame rate that changes halfway, a stream that does not
 * start at zero, r_frame_rate far from the average, the index at the front or at the end).
 *
 * Clips are built on first use into a cache folder named after a hash of the recipes, so a changed recipe
 * builds afresh and later runs reuse them. Test files run concurrently: each clip is written under a temporary
 * name in a private folder and renamed into place, so no test ever sees half a clip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpegPaths } from '../../src-main/core/media/ffmpegPaths';

/** The committed Face Research Lab London photos (CC BY 4.0), laid out as the full set: neutral/NNN.jpg, smiling/NNN.jpg. */
export const FRL_FIXTURES = path.join(__dirname, '..', 'fixtures', 'faces-frl');
const photo = (expression: 'neutral' | 'smiling', id: string) => path.join(FRL_FIXTURES, expression, `${id}.jpg`);

/** What each clip is, as the tests rely on it. Frame counts are exact: the recipes produce exactly these. */
export const TEST_CLIPS = {
  /** Stand-in for single_face.mp4: h264 640x360, 30 fps, 72 frames, one frontal face on every frame, moving. */
  'single_face.mp4': { frames: 72, width: 640, height: 360 },
  /**
   * Stand-in for WolfgangLanger_Pexels.mp4: h264 640x360 at 24000/1001 fps, 472 frames, aac audio, the index
   * (moov) at the front; one woman crossfading neutral <-> smiling every 4 s while she drifts sideways.
   */
  'WolfgangLanger_Pexels.mp4': { frames: 472, width: 640, height: 360 },
  /**
   * Stand-in for face_noface.mov: HEVC 960x540 in mov with B-frames, an audio stream before the video one and
   * the index at the end; 72 frames at 30 fps with a face, then 97 at 24 fps (one black, then a fractal "sky"),
   * joined with `-c copy`, so the frame rate changes halfway. The second part starts at 2.38 s, 13 ms after the
   * first part's last frame (2.3667 s) rather than a frame interval later: two frames closer together than any
   * frame rate of the file, which ffmpeg reports as non-monotonic DTS, as it does for the real file.
   */
  'face_noface.mov': {
    frames: 169, width: 960, height: 540, faceFrames: { first: 0, last: 71 },
    segments: [{ frames: 72, fps: 30, startSec: 0 }, { frames: 97, fps: 24, startSec: 2.38 }],
  },
  /**
   * Stand-in for noface_face.mov: HEVC 960x540 in mov, 96 frames of "sky" at 24 fps, then 72 with a face and a
   * black last frame at 30 fps; the mixed rates make ffprobe's r_frame_rate 120/1, far from the average rate.
   */
  'noface_face.mov': { frames: 169, width: 960, height: 540, faceFrames: { first: 96, last: 167 }, segments: [{ frames: 96, fps: 24 }, { frames: 73, fps: 30 }] },
  /** Stand-in for no_face.mp4: h264 960x540, 24 fps, 94 frames of moving test pattern and digits, no face. */
  'no_face.mp4': { frames: 94, width: 960, height: 540 },
  /**
   * Stand-in for short_hamilton_clip.mp4: h264 640x360, 30 fps, 275 frames, aac audio, the video starting at
   * 0.85 s, four shots cut hard: a test pattern (0-41), a small face far off (42-83), one person close up
   * (84-215, the "singer"), and an "audience" of four faces side by side, panning (216-274).
   */
  'short_hamilton_clip.mp4': { frames: 275, width: 640, height: 360, startSec: 0.85, singer: { first: 84, last: 215 }, audienceFrom: 216 },
} as const;

export type TestClipName = keyof typeof TEST_CLIPS;

const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
// B-frames (x265's default) so the join of two segments reorders frames across the frame-rate change. The
// shared 600 time scale holds both 1/30 and 1/24 exactly, which lets `-c copy` join the segments.
const HEVC = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-video_track_timescale', '600'];
const AAC = ['-c:a', 'aac', '-b:a', '64k'];
const still = (file: string, rate: string) => ['-loop', '1', '-framerate', rate, '-i', file];
const lavfi = (source: string) => ['-f', 'lavfi', '-i', source];

/**
 * One ffmpeg run: its output file name and arguments; SEGMENTS stands for a concat list of the earlier steps'
 * outputs, with `durationsSec` (when given) as the time each segment lasts before the next one starts.
 */
type Step = { out: string; args: string[]; durationsSec?: number[] };

const RECIPES: Record<TestClipName, Step[]> = {
  'single_face.mp4': [
    {
      out: 'single_face.mp4',
      args: [
        ...lavfi('color=c=0x55606f:s=640x360:r=30'), ...still(photo('neutral', '001'), '30'),
        '-filter_complex', "[1]scale=330:330[f];[0][f]overlay=x='155+50*sin(2*PI*t/2.4)':y='15+8*sin(2*PI*t/1.2)':shortest=1",
        '-frames:v', '72', ...H264,
      ],
    },
  ],
  'WolfgangLanger_Pexels.mp4': [
    {
      out: 'WolfgangLanger_Pexels.mp4',
      args: [
        ...lavfi('color=c=0x6f6a60:s=640x360:r=24000/1001'), ...still(photo('neutral', '001'), '24000/1001'), ...still(photo('smiling', '001'), '24000/1001'),
        ...lavfi('sine=f=330:d=20'),
        '-filter_complex',
        "[1]scale=300:300,format=yuv420p[n];[2]scale=300:300,format=yuv420p[s];[n][s]blend=all_expr='A*(0.5+0.5*cos(2*PI*T/4))+B*(0.5-0.5*cos(2*PI*T/4))'[f];" +
          "[0][f]overlay=x='170+60*sin(2*PI*t/7)':y='30+6*sin(2*PI*t/3)':shortest=1[v]",
        '-map', '[v]', '-map', '3:a', '-frames:v', '472', ...H264, ...AAC, '-shortest', '-movflags', '+faststart',
      ],
    },
  ],
  'face_noface.mov': [
    {
      out: 'face.mov',
      args: [
        ...lavfi('color=c=0x405060:s=960x540:r=30'), ...still(photo('smiling', '004'), '30'),
        '-filter_complex', "[1]scale=420:420[f];[0][f]overlay=x='270+40*sin(2*PI*t/2.4)':y=60:shortest=1",
        '-frames:v', '72', ...HEVC,
      ],
    },
    {
      out: 'sky.mov',
      args: [...lavfi('color=c=black:s=960x540:r=24'), ...lavfi('mandelbrot=s=960x540:r=24'), '-filter_complex', '[0]trim=end_frame=1[b];[1]trim=end_frame=96[s];[b][s]concat=n=2:v=1', ...HEVC],
    },
    {
      out: 'face_noface.mov',
      args: ['-f', 'concat', '-safe', '0', '-i', 'SEGMENTS', ...lavfi('sine=f=300:d=6.4'), '-map', '1:a', '-map', '0:v', '-c:v', 'copy', ...AAC, '-shortest'],
      durationsSec: [TEST_CLIPS['face_noface.mov'].segments[1].startSec],
    },
  ],
  'noface_face.mov': [
    { out: 'sky.mov', args: [...lavfi('mandelbrot=s=960x540:r=24:start_scale=2'), '-frames:v', '96', ...HEVC] },
    {
      out: 'face.mov',
      args: [
        ...lavfi('color=c=0x3a4a3a:s=960x540:r=30'), ...still(photo('neutral', '006'), '30'), ...lavfi('color=c=black:s=960x540:r=30'),
        '-filter_complex', "[1]scale=420:420[f];[0][f]overlay=x='240+60*t':y=50:shortest=1,trim=end_frame=72[v];[2]trim=end_frame=1[b];[v][b]concat=n=2:v=1",
        ...HEVC,
      ],
    },
    { out: 'noface_face.mov', args: ['-f', 'concat', '-safe', '0', '-i', 'SEGMENTS', '-c', 'copy'] },
  ],
  'no_face.mp4': [{ out: 'no_face.mp4', args: [...lavfi('testsrc2=s=960x540:r=24'), '-frames:v', '94', ...H264] }],
  'short_hamilton_clip.mp4': [
    {
      out: 'short_hamilton_clip.mp4',
      args: [
        ...lavfi('testsrc2=s=640x360:r=30'),
        ...lavfi('color=c=0x202830:s=640x360:r=30'), ...still(photo('neutral', '005'), '30'),
        ...lavfi('color=c=0x504030:s=640x360:r=30'), ...still(photo('smiling', '008'), '30'),
        ...lavfi('color=c=0x302020:s=800x360:r=30'), ...['012', '017', '042', '001'].flatMap((id) => still(photo('smiling', id), '30')),
        ...lavfi('sine=f=440:d=10'),
        '-filter_complex',
        [
          '[0]trim=end_frame=42,setpts=PTS-STARTPTS[shot1]',
          "[2]scale=110:110[far];[1][far]overlay=x='100+2*n':y=60:shortest=1,trim=end_frame=42,setpts=PTS-STARTPTS[shot2]",
          "[4]scale=320:320[singer];[3][singer]overlay=x='100+n':y=20:shortest=1,trim=end_frame=132,setpts=PTS-STARTPTS[shot3]",
          '[6]scale=180:180[a];[7]scale=180:180[b];[8]scale=180:180[c];[9]scale=180:180[d];[a][b][c][d]hstack=inputs=4[row]',
          "[5][row]overlay=x=40:y=100:shortest=1,crop=640:360:x='2*n':y=0,trim=end_frame=59,setpts=PTS-STARTPTS[shot4]",
          '[shot1][shot2][shot3][shot4]concat=n=4:v=1[v]',
        ].join(';'),
        '-map', '[v]', '-map', '10:a', ...H264, ...AAC, '-shortest', '-output_ts_offset', '0.85',
      ],
    },
  ],
};

const cacheDir = (() => {
  const { ffmpeg } = resolveFfmpegPaths();
  const hash = createHash('sha256').update(JSON.stringify({ ffmpeg, RECIPES }));
  // The photos' bytes too: a replaced photo under the same name must not reuse clips made from the old one.
  for (const expression of ['neutral', 'smiling']) {
    for (const name of fs.readdirSync(path.join(FRL_FIXTURES, expression)).sort()) hash.update(fs.readFileSync(path.join(FRL_FIXTURES, expression, name)));
  }
  const key = hash.digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `affect-test-media-${key}`);
})();

/** The folder holding the made clips and nothing else. */
const TEST_VIDEOS_DIR = path.join(cacheDir, 'videos');

function build(name: TestClipName): void {
  const target = path.join(TEST_VIDEOS_DIR, name);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(TEST_VIDEOS_DIR, { recursive: true });
  const work = path.join(cacheDir, `building-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(work);
  try {
    const made: string[] = [];
    for (const step of RECIPES[name]) {
      const out = path.join(work, step.out);
      const segments = path.join(work, 'segments.txt');
      fs.writeFileSync(segments, made.map((file, i) => `file '${file}'\n${step.durationsSec?.[i] === undefined ? '' : `duration ${step.durationsSec[i]}\n`}`).join(''));
      const args = step.args.map((arg) => (arg === 'SEGMENTS' ? segments : arg));
      const run = spawnSync(resolveFfmpegPaths().ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args, out], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`ffmpeg could not make the test clip ${name} (${step.out}): ${run.stderr.trim()}`);
      made.push(out);
    }
    // A rename within one file system is atomic: a concurrent test sees no clip or the whole clip.
    fs.renameSync(made.at(-1) as string, target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The path of one made clip, built first if this machine has not made it yet. */
export function testVideo(name: TestClipName): string {
  build(name);
  return path.join(TEST_VIDEOS_DIR, name);
}

/** The folder of all the made clips (and nothing else), each built first if this machine has not made it yet. */
export function testVideosDir(): string {
  for (const name of Object.keys(TEST_CLIPS) as TestClipName[]) build(name);
  return TEST_VIDEOS_DIR;
}

/**
 * Clip numbers for the labelled face set: one clip per photo, numbered so that plain string order and natural
 * order differ (v10 and v100 would sort between v1 and v2 as strings).
 */
const FACE_SET_CLIPS = [1, 2, 9, 10, 11, 19, 20, 99, 100, 101, 110, 199, 200, 999, 1000, 1001];
export const FACE_SET_CROPS_PER_CLIP = 4;

/**
 * Stand-in for ../shared/data/kerc-dev: writes `faces/v{clip}-face_{k}.jpg` (256x256 crops, each clip a few
 * differently framed crops of one committed FRL photo) and `labels.csv` (image, clip, frame, valence, arousal on
 * KERC's 1-9 scale, 5 neutral) into `dir`. The labels are made up but mean something: smiling photos get a
 * positive valence and more arousal, neutral ones sit near the middle, so a few-shot predictor has a signal.
 */
export function writeLabelledFaceSet(dir: string): { labelsCsv: string; facesDir: string } {
  const facesDir = path.join(dir, 'faces');
  fs.mkdirSync(facesDir, { recursive: true });
  const ids = fs.readdirSync(path.join(FRL_FIXTURES, 'neutral')).filter((f) => f.endsWith('.jpg')).sort().map((f) => f.slice(0, -4));
  const photos = ids.flatMap((id) => (['neutral', 'smiling'] as const).map((expression) => ({ id, expression })));
  if (photos.length !== FACE_SET_CLIPS.length) throw new Error(`the face set needs ${FACE_SET_CLIPS.length} photos, the fixtures hold ${photos.length}`);
  const rows = ['image,clip,frame,valence,arousal'];
  photos.forEach(({ id, expression }, i) => {
    const clip = FACE_SET_CLIPS[i] as number;
    const pattern = path.join(facesDir, `v${clip}-face_%d.jpg`);
    const crop = `crop=320:320:x='12+10*n':y='20+6*n',scale=256:256`;
    const run = spawnSync(resolveFfmpegPaths().ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', photo(expression, id), '-vf', `loop=loop=${FACE_SET_CROPS_PER_CLIP - 1}:size=1,${crop}`, '-start_number', '0', pattern], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ffmpeg could not crop ${expression}/${id}.jpg: ${run.stderr.trim()}`);
    // Person-to-person spread so that clips differ, not only the two expressions.
    const spread = (Number(id) % 5) * 0.2;
    const [valence, arousal] = expression === 'smiling' ? [7 + spread, 6 + spread / 2] : [4.6 + spread / 2, 3.8 + spread / 2];
    for (let k = 0; k < FACE_SET_CROPS_PER_CLIP; k++) rows.push(`faces/v${clip}-face_${k}.jpg,${String(clip).padStart(4, '0')},${k},${valence.toFixed(1)},${arousal.toFixed(1)}`);
  });
  const labelsCsv = path.join(dir, 'labels.csv');
  fs.writeFileSync(labelsCsv, rows.join('\n') + '\n');
  return { labelsCsv, facesDir };
}

// Per-test videos: made afresh where a test needs its own file (to cut, to import twice), not cached. A plain
// H.264 clip, and one whose decodable frames stop long before its stated duration (the index up front, then the
// file cut: ffprobe still reports the whole duration, the decoder gives up where the bytes end).

export const TRUNCATED_STATED_SEC = 15.3;
export const TRUNCATED_FPS = 25;

export function makeTestVideo(file: string, seconds: number, fps = 30): string {
  const { ffmpeg } = resolveFfmpegPaths();
  execFileSync(ffmpeg, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=${fps}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-movflags', '+faststart', file,
  ]);
  return file;
}

/** A 15.3 s video of which only the first ~40% of the bytes remain. */
export function makeTruncatedVideo(dir: string, name = 'ends-early.mp4'): string {
  const whole = makeTestVideo(path.join(dir, `whole-${name}`), TRUNCATED_STATED_SEC, TRUNCATED_FPS);
  const bytes = fs.readFileSync(whole);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.42)));
  fs.rmSync(whole);
  return file;
}

/** Frames that actually decode, as ffprobe counts them. */
export function countDecodedFrames(file: string): number {
  const { ffprobe } = resolveFfmpegPaths();
  const out = execFileSync(ffprobe, ['-v', 'quiet', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(out.toString().trim());
}

/** What makeTwoPeopleVideo makes: two shots of `shotFrames` frames each, cut hard, the two people swapping sides. */
export const TWO_PEOPLE = {
  shotFrames: 60,
  width: 640,
  height: 360,
  /** FRL photo ids: the person on the left in the first shot (neutral), then on the right in the second (smiling). */
  first: '004',
  second: '017',
} as const;

/**
 * Two people side by side (FRL photos, each drifting a little): person `first` on the left and `second` on the
 * right for one shot, then a hard cut to both smiling with their sides swapped. H.264 640x360, 30 fps.
 */
export function makeTwoPeopleVideo(file: string): string {
  const { shotFrames, first, second } = TWO_PEOPLE;
  const seconds = shotFrames / 30;
  const shot = (left: number, right: number, bg: number, out: string) =>
    `[${left}]scale=220:220[l${out}];[${right}]scale=220:220[r${out}];` +
    `[${bg}][l${out}]overlay=x='60+8*sin(2*PI*t/2)':y='70+5*sin(2*PI*t/1.5)':shortest=1[h${out}];` +
    `[h${out}][r${out}]overlay=x='360+6*sin(2*PI*t/1.7)':y='60+4*sin(2*PI*t/2.3)':shortest=1,trim=end_frame=${shotFrames},setpts=PTS-STARTPTS[${out}]`;
  const { ffmpeg } = resolveFfmpegPaths();
  execFileSync(ffmpeg, [
    '-v', 'error', '-nostdin', '-y',
    ...lavfi(`color=c=0x506070:s=640x360:r=30:d=${seconds}`), ...lavfi(`color=c=0x605040:s=640x360:r=30:d=${seconds}`),
    ...still(photo('neutral', first), '30'), ...still(photo('neutral', second), '30'),
    ...still(photo('smiling', first), '30'), ...still(photo('smiling', second), '30'),
    '-filter_complex', [shot(2, 3, 0, 's1'), shot(5, 4, 1, 's2'), '[s1][s2]concat=n=2:v=1[v]'].join(';'),
    '-map', '[v]', '-frames:v', String(2 * shotFrames), ...H264, file,
  ]);
  return file;
}
/**
 * A video with sound for the audio tests and the playback bench: a moving test pattern (h264, `fps`) and AAC
 * audio that is silent until `toneAtSec` after the first frame, then a 1 kHz tone. The whole file starts at
 * `startSec` (as a stream cut from a longer recording does), and the audio starts where the video does, so its
 * AAC priming puts its first sample a little before the first frame: the offset the import must get right.
 */
export function makeVideoWithTone(file: string, options: { seconds: number; width: number; height: number; fps?: number; toneAtSec: number; startSec?: number }): string {
  const { ffmpeg } = resolveFfmpegPaths();
  const fps = options.fps ?? 30;
  const toneMs = Math.round(options.toneAtSec * 1000);
  execFileSync(ffmpeg, [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${options.width}x${options.height}:rate=${fps}:duration=${options.seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=1000:sample_rate=48000:duration=${options.seconds}`,
    '-filter_complex', `[1]adelay=${toneMs},atrim=end=${options.seconds}[a]`,
    '-map', '0:v', '-map', '[a]', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-output_ts_offset', String(options.startSec ?? 0), '-movflags', '+faststart', file,
  ]);
  return file;
}

/** Seconds from the start of a sound file (as ffmpeg decodes it) to the first sample louder than -20 dBFS. */
export function soundOnsetSec(file: string): number {
  const { ffmpeg } = resolveFfmpegPaths();
  const rate = 48_000;
  const pcm = execFileSync(ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', String(rate), 'pipe:1'], { maxBuffer: 512 * 1024 * 1024 });
  for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > 3277) return i / 2 / rate;
  throw new Error(`${file} is silent`);
}

/** What makeChangingLightVideo makes: H.264 640x360, 15 fps; the periods of its brightness and colour swings. */
export const CHANGING_LIGHT = { frames: 120, fps: 15, width: 640, height: 360, brightnessPeriodSec: 8, saturationPeriodSec: 5 } as const;

/**
 * One face (FRL neutral 001, drifting a little) whose light changes slowly, as affect does in footage: its
 * brightness swings by ±0.12 and its colour saturation by ±50%, on periods of their own, so an encoder reading
 * brightness and colour sees two different curves over the clip.
 */
export function makeChangingLightVideo(file: string): string {
  const { frames, fps, brightnessPeriodSec, saturationPeriodSec } = CHANGING_LIGHT;
  const light = `eq=brightness='0.12*sin(2*PI*t/${brightnessPeriodSec})':saturation='1+0.5*sin(2*PI*t/${saturationPeriodSec})':eval=frame`;
  const { ffmpeg } = resolveFfmpegPaths();
  execFileSync(ffmpeg, [
    '-v', 'error', '-nostdin', '-y',
    ...lavfi(`color=c=0x55606f:s=640x360:r=${fps}`), ...still(photo('neutral', '001'), String(fps)),
    '-filter_complex', `[1]scale=300:300,format=yuv420p,${light}[f];[0][f]overlay=x='170+20*sin(2*PI*t/3.1)':y='30+5*sin(2*PI*t/1.7)':shortest=1`,
    '-frames:v', String(frames), ...H264, file,
  ]);
  return file;
}
