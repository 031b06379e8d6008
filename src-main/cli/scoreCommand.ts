/**
 * `affect-studio score <project> --video ID [--person N] [--annotator NAME] [--json]`: the held-back score of a
 * person's labels (the video's only person by default)
 * (core/affect/heldBack.ts, the same function and worker the studio's Score button uses): blocked cross-validation
 * in time blocks, leaving out every label within 2 s of a held-out one. The annotator is --annotator NAME if given,
 * else the project's first human annotator.
 */
import { chooseAnnotator } from '../core/app/annotators';
import { videoHeldBackScore } from '../core/app/models';
import { chosenPerson } from '../core/app/persons';
import { videoOf } from '../core/app/videos';
import { UsageError, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { openSession } from './openSession';
import { personOption } from './personCommands';
import { counted } from '../core/counted';

export async function scoreCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError('score needs a project folder and --video ID');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('score needs --video ID');
  const personId = personOption(values);

  const session = await openSession(project, io);
  try {
    const video = await videoOf(session, videoId);
    const annotator = await chooseAnnotator(session, values.annotator?.[0]);
    const person = await chosenPerson(session, videoId, personId);
    const { score, labels, minimum } = await videoHeldBackScore(session, videoId, person.personId, annotator.id);
    if (values.json) {
      io.out(JSON.stringify({ videoId, annotator: annotator.name, heldBack: score }) + '\n');
      return 0;
    }
    if (!score) {
      io.out(`no held-back score for video ${videoId}: ${annotator.name} has ${counted(labels, 'label')} on frames with a face, at least ${minimum} are needed\n`);
      return 0;
    }
    io.out(
      `held-back score of video ${videoId} (${video.displayName}) for ${annotator.name}: ` +
        `CCC V ${score.cccValence.toFixed(2)}, A ${score.cccArousal.toFixed(2)} · RMSE ${score.rmseValence.toFixed(2)} / ${score.rmseArousal.toFixed(2)} ` +
        `(${counted(score.labels, 'label')}, ${counted(score.folds, 'fold')}, labels within ${score.neighbourhoodSec} s of a held-out one left out, ${heldBackHeadText(score.retrainedPerFold)})\n` +
        `90% band (±1.645 sd) held ${bandText(score.band90.coverage)} of the held-back labels` +
        (score.band90.calibratedCoverage ? `, ${bandText(score.band90.calibratedCoverage)} calibrated on the other folds\n` : '; too few of them to calibrate\n'),
    );
    return 0;
  } finally {
    await session.close();
  }
}

const bandText = (c: { valence: number; arousal: number }) => `V ${Math.round(c.valence * 100)}%, A ${Math.round(c.arousal * 100)}%`;

/** Which head the score used, as `score` and `evaluate` print it (the studio's model panel says the same). */
export function heldBackHeadText(retrainedPerFold: boolean): string {
  return retrainedPerFold ? 'head retrained per fold' : 'prior head';
}
