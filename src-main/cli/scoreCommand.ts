/**
 * `affect-studio score <project> --video ID [--annotator NAME] [--json]`: the held-back score of a video's labels
 * (core/affect/heldBack.ts, the same function and worker the studio's Score button uses): blocked cross-validation
 * in time blocks, leaving out every label within 2 s of a held-out one. The annotator is --annotator NAME if given,
 * else the project's first human annotator.
 */
import { heldBackInWorker, MIN_HELD_BACK_LABELS } from '../core/affect/heldBack';
import { StudioError } from '../core/errors';
import { requireVideo } from '../core/ingest/videoAccess';
import { getAnalysis } from '../core/store/analysisStore';
import { listAnnotators } from '../core/store/annotatorStore';
import { UsageError, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { openSession } from './openSession';

export async function scoreCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError('score needs a project folder and --video ID');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('score needs --video ID');

  const session = await openSession(project, io);
  try {
    const video = requireVideo(session, videoId);
    if (!getAnalysis(session.db, videoId)?.finishedAt) throw new StudioError(`${video.displayName} (video ${videoId}) has not been analysed yet: run "affect-studio analyze" first.`);
    const annotators = listAnnotators(session.db);
    const name = values.annotator?.[0];
    const annotator = name === undefined ? annotators.find((a) => a.kind === 'human') : annotators.find((a) => a.name === name);
    if (!annotator) {
      throw new StudioError(
        name === undefined
          ? 'This project has no human annotator yet: label some frames first, or name one with --annotator NAME.'
          : `This project has no annotator "${name}"${annotators.length > 0 ? ` (it has ${annotators.map((a) => `"${a.name}"`).join(', ')})` : ''}.`,
      );
    }
    const input = session.predictor.heldBackInput(videoId, annotator.id);
    const score = await heldBackInWorker(input);
    if (values.json) {
      io.out(JSON.stringify({ videoId, annotator: annotator.name, heldBack: score }) + '\n');
      return 0;
    }
    if (!score) {
      io.out(`no held-back score for video ${videoId}: ${annotator.name} has ${input.own.length} labels on frames with a face, at least ${MIN_HELD_BACK_LABELS} are needed\n`);
      return 0;
    }
    io.out(
      `held-back score of video ${videoId} (${video.displayName}) for ${annotator.name}: ` +
        `CCC V ${score.cccValence.toFixed(2)}, A ${score.cccArousal.toFixed(2)} · RMSE ${score.rmseValence.toFixed(2)} / ${score.rmseArousal.toFixed(2)} ` +
        `(${score.labels} labels, ${score.folds} folds, labels within ${score.neighbourhoodSec} s of a held-out one left out)\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}
