/**
 * `affect-studio evaluate`: few-shot accuracy of the studio and its baselines on a labelled face-image dataset,
 * and the held-back score the studio would show for the same support labels (to read beside the true accuracy).
 */
import { DESCRIPTOR_VERSIONS, LATEST_DESCRIPTOR_VERSION, type DescriptorVersion } from '../core/affect/descriptorLayout';
import { PREDICTORS, runFewshot } from '../core/affect/fewshot';
import { encodeImages, readLabelledImages } from '../core/affect/labelledImages';
import { rangeOption, UsageError, wholeOption, type CliIo, type Values } from './args';
import { heldBackHeadText } from './scoreCommand';

export async function evaluateCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`evaluate takes no positional arguments (got "${rest.join(' ')}")`);
  if (values.dataset === undefined) throw new UsageError('evaluate needs --dataset PATH (a CSV or an AFEW-VA folder)');
  if (values.support === undefined) throw new UsageError('evaluate needs --support SPEC (first, random:K, every:K or fraction:P)');
  const anchors = values.anchors ?? 'any';
  if (anchors !== 'any' && anchors !== 'same-video') throw new UsageError(`--anchors must be same-video or any, not "${anchors}"`);
  const draws = values.draws === undefined ? 10 : wholeOption('--draws', values.draws);
  if (draws < 1) throw new UsageError(`--draws must be 1 or more, not ${draws}`);
  const seed = values.seed === undefined ? 1 : wholeOption('--seed', values.seed);
  const descriptorVersion = values.descriptor === undefined ? LATEST_DESCRIPTOR_VERSION : wholeOption('--descriptor', values.descriptor);
  if (!DESCRIPTOR_VERSIONS.includes(descriptorVersion as DescriptorVersion)) {
    throw new UsageError(`--descriptor must be ${DESCRIPTOR_VERSIONS.join(' or ')} (2 adds the facial-action embedding), not ${descriptorVersion}`);
  }

  const images = readLabelledImages(values.dataset, rangeOption(values.range));
  const encoded = await encodeImages(images, { onProgress: (done, total) => !values.json && io.err(`\rencoding ${done}/${total}`) });
  if (!values.json && !encoded.fromCache) io.err('\n');
  const data = { items: images, embeddings: encoded.embeddings, probabilities: encoded.probabilities, actions: encoded.actions };
  const run = runFewshot(data, values.support, { draws, seed, anchors, descriptorVersion: descriptorVersion as DescriptorVersion });
  if (values.json) {
    io.out(JSON.stringify({ dataset: values.dataset, images: images.length, support: values.support, anchors, seed, descriptorVersion, ...run }) + '\n');
    return 0;
  }
  io.out(`descriptor version ${descriptorVersion}${descriptorVersion >= 2 ? ' (with the facial-action embedding)' : ' (without the facial-action embedding)'}\n`);
  const fmt = (s: { mean: number; sd: number } | undefined) => (s && Number.isFinite(s.mean) ? `${s.mean.toFixed(3)}±${s.sd.toFixed(3)}` : '   n/a     ');
  for (const group of ['all', 'clipHasSupport', 'clipWithoutSupport'] as const) {
    const n = run.draws[0]?.queries[group] ?? 0;
    io.out(`\nqueries: ${group} (${n} in draw 0), mean±sd over ${draws} draws\n`);
    io.out('predictor       CCC V         CCC A         PCC V         PCC A         RMSE V        RMSE A        SAGR V        SAGR A\n');
    for (const name of PREDICTORS) {
      const s = run.summary[name][group];
      if (!s) continue;
      const cells = [s.valence.ccc, s.arousal.ccc, s.valence.pcc, s.arousal.pcc, s.valence.rmse, s.arousal.rmse, s.valence.sagr, s.arousal.sagr].map(fmt);
      io.out(`${name.padEnd(15)} ${cells.join('  ')}\n`);
    }
  }
  io.out(`\nstudio's 90% band (±1.645 sd): share of queries inside it, mean±sd over ${draws} draws (calibrated: by the factors its held-back score fitted on the support labels)\n`);
  io.out('queries              valence       arousal       calibrated V  calibrated A\n');
  for (const group of ['all', 'clipHasSupport', 'clipWithoutSupport'] as const) {
    const b = run.band90[group];
    if (b) io.out(`${group.padEnd(20)} ${[b.valence, b.arousal, b.calibratedValence, b.calibratedArousal].map(fmt).join('  ')}\n`);
  }
  const held = run.heldBack;
  io.out(
    held
      ? `\nstudio's held-back score of the support labels (what the studio shows), mean±sd over draws: CCC V ${fmt(held.cccValence)}, A ${fmt(held.cccArousal)} · ` +
          `RMSE V ${fmt(held.rmseValence)}, A ${fmt(held.rmseArousal)} (${Math.round(held.labels.mean)} labels, ${Math.round(held.folds.mean)} folds, labels within ${held.neighbourhoodSec.mean} s of a held-out one left out, ` +
          `${headsText(held.retrainedPerFold.mean)})\n`
      : '\nstudio\'s held-back score: none (too few support labels)\n',
  );
  return 0;
}

/** The held-back heads of the draws in the studio's words; a draw with too few support labels to train used the prior. */
function headsText(retrainedShare: number): string {
  if (retrainedShare === 0 || retrainedShare === 1) return heldBackHeadText(retrainedShare === 1);
  return `${heldBackHeadText(true)} in ${Math.round(retrainedShare * 100)}% of draws, ${heldBackHeadText(false)} in the others`;
}
