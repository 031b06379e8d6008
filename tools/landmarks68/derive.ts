/**
 * Derives the facemesh -> iBUG 68-point mapping (src-main/core/vision/ibug68.ts) on real faces, and draws both on
 * the photos to look at. The mesh's own contour annotations (MediaPipe's region lists of the canonical face mesh,
 * as @vladmandic/human ships them: silhouette, eyebrows, eyelids, lips, nose) say which vertices lie on each
 * contour the 68-point scheme marks; the scheme says where on the contour each of its points lies (corners at the
 * ends, the others evenly spaced along it: e.g. 37 and 38 at a third and two thirds of the upper eyelid from the
 * outer corner, the jaw's 17 points evenly from the height of the outer eye corners down round the chin). Each point
 * is placed at that fraction of the contour's length, measured on every FRL photo (test/fixtures/faces-frl) and
 * averaged, and written as two neighbouring vertices and a weight: p = (1 - t) * v[a] + t * v[b].
 * Usage: npx tsx tools/landmarks68/derive.ts [--draw DIR]  (prints the table; --draw writes one PNG per photo)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IBUG68_FROM_MESH, mapToIbug68 } from '../../src-main/core/vision/ibug68';
import { launchChromium } from '../../test/support/chromium';
import { sourcePackageDir } from '../tfjs-to-onnx/shipped-models';
import { frlPhotos, meshOnPhotos, PHOTO, type PhotoMesh } from './meshOnPhotos';

type Entry = [number, number, number];

/**
 * The mesh annotations (MediaPipe's region lists of the canonical face mesh) from @vladmandic/human's source, which
 * its package does not export: the object literal is read as JSON, so no foreign TypeScript is compiled here.
 */
function meshAnnotations(): Record<string, number[]> {
  const source = fs.readFileSync(path.join(sourcePackageDir(), 'src', 'face', 'facemeshcoords.ts'), 'utf8');
  const literal = /export const meshAnnotations[^=]*=\s*(\{[\s\S]*?\n\});/.exec(source)?.[1];
  if (!literal) throw new Error('@vladmandic/human no longer has meshAnnotations in src/face/facemeshcoords.ts');
  const json = literal.replace(/\/\/.*$/gm, '').replace(/(\w+):/g, '"$1":').replace(/,(\s*[\]}])/g, '$1');
  return JSON.parse(json) as Record<string, number[]>;
}
const annotations = meshAnnotations();
const a = (name: string): number[] => annotations[name] as number[];

/** The jaw: the silhouette from the image's left (the subject's right) down round the chin (152) to the right. */
function jawPath(meshes: readonly PhotoMesh[]): number[] {
  const ring = a('silhouette');
  const chin = ring.indexOf(152);
  // The ring runs from the forehead (10) down the image's right side to the chin, then up the left side.
  const left = [...ring.slice(chin), ...ring.slice(0, 1)].reverse(); // forehead -> left side -> chin
  const right = ring.slice(0, chin + 1); // forehead -> right side -> chin
  const atEyeHeight = (side: number[], corner: number) => {
    const votes = new Map<number, number>();
    for (const m of meshes) {
      const y = m.landmarks[3 * corner + 1] as number;
      let best = side[0] as number;
      for (const v of side) if (Math.abs((m.landmarks[3 * v + 1] as number) - y) < Math.abs((m.landmarks[3 * best + 1] as number) - y)) best = v;
      votes.set(best, (votes.get(best) ?? 0) + 1);
    }
    return side.indexOf([...votes].sort((x, y) => y[1] - x[1])[0]?.[0] as number);
  };
  const down = left.slice(atEyeHeight(left, 33)); // image-left start -> chin
  const up = right.slice(atEyeHeight(right, 263)).reverse(); // chin -> image-right end
  return [...down, ...up.slice(1)];
}

/** Points at these fractions of the contour's length (averaged over the photos), as vertex pairs and weights. */
function along(meshes: readonly PhotoMesh[], contour: readonly number[], fractions: readonly number[]): Entry[] {
  const u = contour.map(() => 0);
  for (const m of meshes) {
    const xy = (v: number) => [m.landmarks[3 * v] as number, m.landmarks[3 * v + 1] as number];
    const cumulative = [0];
    for (let k = 1; k < contour.length; k++) {
      const [x0, y0] = xy(contour[k - 1] as number) as [number, number];
      const [x1, y1] = xy(contour[k] as number) as [number, number];
      cumulative.push((cumulative[k - 1] as number) + Math.hypot(x1 - x0, y1 - y0));
    }
    const total = cumulative.at(-1) as number;
    cumulative.forEach((c, k) => (u[k] = (u[k] as number) + c / total / meshes.length));
  }
  return fractions.map((f) => {
    if (f <= 0) return [contour[0] as number, contour[0] as number, 0];
    if (f >= 1) return [contour.at(-1) as number, contour.at(-1) as number, 0];
    const k = u.findIndex((value, i) => i > 0 && value >= f) - 1;
    const t = Math.round(((f - (u[k] as number)) / ((u[k + 1] as number) - (u[k] as number))) * 100) / 100;
    return t === 0 ? [contour[k] as number, contour[k] as number, 0] : t === 1 ? [contour[k + 1] as number, contour[k + 1] as number, 0] : [contour[k] as number, contour[k + 1] as number, t];
  });
}

const steps = (n: number) => Array.from({ length: n }, (_, i) => i / (n - 1));

export function deriveMapping(meshes: readonly PhotoMesh[]): Entry[] {
  const rightUpperLid = [33, ...a('rightEyeUpper0'), 133];
  const rightLowerLid = a('rightEyeLower0'); // 33 ... 133
  const leftUpperLid = [362, ...[...a('leftEyeUpper0')].reverse(), 263];
  const leftLowerLid = [...a('leftEyeLower0')].reverse(); // 362 ... 263
  const upperOuterLip = [61, ...a('lipsUpperOuter'), 291];
  const lowerOuterLip = [...a('lipsLowerOuter')].reverse(); // 291 ... 61
  const upperInnerLip = [78, ...a('lipsUpperInner'), 308];
  const lowerInnerLip = [...a('lipsLowerInner')].reverse(); // 308 ... 78
  const bridge = [a('midwayBetweenEyes')[0] as number, 6, 197, 195, 5, 4, a('noseTip')[0] as number];
  const nostrils = [a('noseRightCorner')[0] as number, 97, a('noseBottom')[0] as number, 326, a('noseLeftCorner')[0] as number];
  return [
    ...along(meshes, jawPath(meshes), steps(17)), // 0-16
    ...along(meshes, a('rightEyebrowUpper').slice(1, 6), steps(5)), // 17-21: upper edge, outer end to inner end
    ...along(meshes, [...a('leftEyebrowUpper').slice(1, 6)].reverse(), steps(5)), // 22-26: inner end to outer end
    ...along(meshes, bridge, steps(4)), // 27-30: nasion to tip
    ...along(meshes, nostrils, steps(5)), // 31-35: under the nose, image left to right
    ...along(meshes, rightUpperLid, [0, 1 / 3, 2 / 3, 1]), // 36-39
    ...along(meshes, rightLowerLid, [2 / 3, 1 / 3]), // 40-41
    ...along(meshes, leftUpperLid, [0, 1 / 3, 2 / 3, 1]), // 42-45
    ...along(meshes, leftLowerLid, [2 / 3, 1 / 3]), // 46-47
    ...along(meshes, upperOuterLip, steps(7)), // 48-54
    ...along(meshes, lowerOuterLip, steps(7).slice(1, 6)), // 55-59
    ...along(meshes, upperInnerLip, steps(5)), // 60-64
    ...along(meshes, lowerInnerLip, steps(5).slice(1, 4)), // 65-67
  ];
}

/** The 68 points over each photo, the scheme's contours joined, the mesh faint beneath. */
async function draw(meshes: readonly PhotoMesh[], dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const groups = [[0, 17], [17, 22], [22, 27], [27, 31], [31, 36], [36, 42, true], [42, 48, true], [48, 60, true], [60, 68, true]] as const;
  const browser = await launchChromium();
  const S = 2;
  const page = await browser.newPage({ viewport: { width: PHOTO * S, height: PHOTO * S } });
  for (const m of meshes) {
    const p = mapToIbug68(m.landmarks);
    const mesh = Array.from({ length: 478 }, (_, i) => `<circle cx="${(m.landmarks[3 * i] as number) * S}" cy="${(m.landmarks[3 * i + 1] as number) * S}" r="1" fill="#7fd"/>`).join('');
    const lines = groups.map(([from, to, closed]) => {
      const pts = Array.from({ length: to - from }, (_, i) => `${(p[2 * (from + i)] as number) * S},${(p[2 * (from + i) + 1] as number) * S}`).join(' ');
      return `<${closed ? 'polygon' : 'polyline'} points="${pts}" fill="none" stroke="#ff0" stroke-width="1.2"/>`;
    }).join('');
    const dots = Array.from({ length: 68 }, (_, i) => `<circle cx="${(p[2 * i] as number) * S}" cy="${(p[2 * i + 1] as number) * S}" r="2.5" fill="#f22"/><text x="${(p[2 * i] as number) * S + 3}" y="${(p[2 * i + 1] as number) * S - 3}" font-size="9" fill="#fff">${i}</text>`).join('');
    const img = fs.readFileSync(m.file).toString('base64');
    await page.setContent(`<body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="${PHOTO * S}" height="${PHOTO * S}"><image href="data:image/jpeg;base64,${img}" width="${PHOTO * S}" height="${PHOTO * S}"/>${mesh}${lines}${dots}</svg></body>`);
    await page.screenshot({ path: path.join(dir, `${path.basename(path.dirname(m.file))}-${path.basename(m.file, '.jpg')}.png`) });
  }
  await browser.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { draw: { type: 'string' } } });
  const meshes = await meshOnPhotos(frlPhotos());
  const derived = deriveMapping(meshes);
  console.log(JSON.stringify(derived));
  const differs = derived.some((entry, i) => JSON.stringify(entry) !== JSON.stringify(IBUG68_FROM_MESH[i]));
  console.log(differs ? 'differs from src-main/core/vision/ibug68.ts: paste the line above there' : 'matches src-main/core/vision/ibug68.ts');
  if (values.draw) await draw(meshes, values.draw);
}

if (require.main === module) void main();
