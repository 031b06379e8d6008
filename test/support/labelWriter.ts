/**
 * Child process for the crash test: appends labels as fast as it can and, after each commit returns, prints
 * what it was told was saved. The parent kills it with SIGKILL at random moments.
 * Usage: labelWriter <projectDb> <videoId> <annotatorId> <frameCount> <seed>
 */
import { appendLabel, appendLabels, type LabelValue } from '../../src-main/core/store/labelStore';
import { openProjectDb } from '../../src-main/core/store/projectDb';
import type { AnnotatorId, PersonId, VideoId } from '../../src-main/core/ids';

const [file, video, annotator, frames, seedText] = process.argv.slice(2);
const db = openProjectDb(file as string, { create: false });
let seed = Number(seedText);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const label = (): LabelValue => ({
  videoId: Number(video) as VideoId,
  personId: 1 as PersonId,
  annotatorId: Number(annotator) as AnnotatorId,
  frameIndex: Math.floor(random() * Number(frames)),
  valence: Math.round((random() * 2 - 1) * 1000) / 1000,
  arousal: Math.round((random() * 2 - 1) * 1000) / 1000,
  origin: 'manual',
});
const report = (id: number, value: LabelValue) =>
  process.stdout.write(`${id} ${value.frameIndex} ${value.valence} ${value.arousal}\n`);

for (;;) {
  if (random() < 0.2) {
    // A batch (as a live trace or an import writes): all of it is committed, or none.
    const batch = Array.from({ length: 50 }, label);
    appendLabels(db, batch).forEach((id, i) => report(id, batch[i] as LabelValue));
  } else {
    const value = label();
    report(appendLabel(db, value), value);
  }
}
