/**
 * `affect-studio suggest <project> --video ID [--person N] [--n 10] [--annotator NAME] [--json]`: which frames of a
 * person (the video's only one by default) to label next, with the reason for each (core/active/suggest.ts, through the nextSuggestions use case, exactly what
 * the studio shows). The annotator is --annotator NAME if given, else the project's first human annotator; a
 * project without one gets the first batch of a video with no labels.
 */
import { chosenPerson } from '../core/app/persons';
import { nextSuggestions } from '../core/app/predictions';
import { getAnalysis } from '../core/store/analysisStore';
import { StudioError } from '../core/errors';
import type { AnnotatorId } from '../core/ids';
import { requireVideo } from '../core/ingest/videoAccess';
import { listAnnotators } from '../core/store/annotatorStore';
import { openSession } from './openSession';
import { UsageError, wholeOption, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { personOption } from './personCommands';

export const DEFAULT_SUGGESTIONS = 10;

export async function suggestCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError('suggest needs a project folder and --video ID');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('suggest needs --video ID');
  const count = values.n === undefined ? DEFAULT_SUGGESTIONS : wholeOption('--n', values.n);
  if (count < 1) throw new UsageError(`--n must be 1 or more, not ${count}`);
  const personId = personOption(values);

  const session = await openSession(project, io);
  try {
    const video = requireVideo(session.db, videoId);
    if (!getAnalysis(session.db, videoId)?.finishedAt) throw new StudioError(`${video.displayName} (video ${videoId}) has not been analysed yet: run "affect-studio analyze" first.`);
    const annotators = listAnnotators(session.db);
    const name = values.annotator?.[0];
    const annotator = name === undefined ? annotators.find((a) => a.kind === 'human') : annotators.find((a) => a.name === name);
    if (name !== undefined && !annotator) {
      throw new StudioError(`This project has no annotator "${name}"${annotators.length > 0 ? ` (it has ${annotators.map((a) => `"${a.name}"`).join(', ')})` : ''}.`);
    }
    const person = await chosenPerson(session, videoId, personId);
    // No annotator yet means no labels yet: any id that matches none gives the first batch.
    const suggestions = await nextSuggestions(session, videoId, person.personId, (annotator?.id ?? 0) as AnnotatorId, count);
    if (values.json) {
      io.out(JSON.stringify({ videoId, person: { id: person.personId, name: person.name }, annotator: annotator?.name ?? null, suggestions }) + '\n');
      return 0;
    }
    if (suggestions.length === 0) {
      io.out(`nothing to suggest for video ${videoId}: every frame with a face is labelled\n`);
      return 0;
    }
    io.out(`next frames to label in video ${videoId} (${video.displayName}), ${person.name}${annotator ? ` for ${annotator.name}` : ''}:\nframe\tscore\twhy\n`);
    for (const s of suggestions) io.out(`${s.frameIndex}\t${s.score.toFixed(3)}\t${s.reasons.join('; ')}\n`);
    return 0;
  } finally {
    await session.close();
  }
}
