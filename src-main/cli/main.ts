/**
 * `affect-studio`: the headless front end over the same core. Results go to stdout (JSON with `--json`),
 * errors to stderr with a non-zero exit code: 1 when the command failed, 2 when it was called wrongly.
 */
import path from 'node:path';
import { createStudioApi } from '../api/studioApi';
import { defaultConfigDir } from '../core/appDirs';
import { appVersion } from '../core/appVersion';
import { StudioError } from '../core/errors';
import { logUnexpected } from '../core/errorLog';
import { createProjectFolder } from '../core/app/projects';
import { salvageCommand } from './salvageCommand';
import { RecentProjects } from '../core/store/recentProjects';
import { startBrowserServer } from '../server/browserServer';
import { parse, UsageError, wholeOption, type CliIo, type Values } from './args';
import { agreementCommand, fuseCommand, reportCommand } from './agreementCommands';
import { exportCommand, importLabelsCommand } from './exportCommands';
import { importCommand, videosCommand } from './videoCommands';
import { analyzeCommand, facesCommand } from './analysisCommands';
import { encodersCommand } from './encoderCommands';
import { evaluateCommand } from './evaluateCommands';
import { scoreCommand } from './scoreCommand';
import { labelCommand, predictionsCommand, propagateCommand, trainCommand } from './modelCommands';
import { suggestCommand } from './suggestCommand';
import { personsCommand } from './personCommands';
import { actionsCommand } from './actionsCommand';
import { rendererDir } from '../server/rendererDir';

export const USAGE = `Usage: affect-studio <command> [options]

Commands:
  serve [--port N]                 run the studio in browser mode on 127.0.0.1 and print its URL
  project create <dir> [--name N]  create a new project in an empty or new folder
  project salvage <dir> <new-dir>  copy what is readable of a damaged project into a new one, and say what was lost
  import <project> <path>... [--no-analyze]
                                   import video files, folders of frames and AFEW-VA clips, then find the faces
                                   in each new video (once per video; --no-analyze leaves that for later)
  videos <project>                 list the project's videos
  analyze <project> [--video ID]   find, track and encode the face in every frame (all videos by default)
  faces <project> --video ID       per frame: face present, box, score, track
  encoders <project> [list | import FILE.onnx | use ID]
                                   the project's encoders; import a lab's own (its card beside it), checked on
                                   every execution provider; use: the encoder the next analysis runs with
  persons <project> --video ID     the video's persons: number, name, frames visible, coded or not
  actions <project> --video ID [--person N] [--traces smile,jawOpen] [--csv]
                                   facial-action traces per frame (smile, brow raise, brow lower, jaw open, eye
                                   blink by default, or any blendshape by name); empty where there is no face
  persons rename|merge|split|choose <project> --video ID --person N
                                   rename: --name TEXT; merge: --from M (M joins N, with its labels);
                                   split: --frame F or --track T (becomes a new person); choose: --coded on|off
  export <project> --format F --out PATH [--video ID [--person N]] [--annotator NAME] [--force]
                                   write labels as csv, json (a file) or afew-va, nova, elan, dataset (a folder);
                                   dataset: [--crop-size N] [--image-format png|jpeg] [--split 70,15,15] [--seed S]
                                   [--subjects FILE] [--predictions]
  import-labels <project> <file> [--format csv|afew-va] [--range MIN,MAX] [--annotator NAME] [--video ID]
                [--rater-kind human|import]
                                   add labels from a CSV, an AFEW-VA JSON or folder (clips go to the videos named
                                   like them); all rows or none; the raters it adds are an imported layer, or
                                   human raters (agreement counts them) with --rater-kind human
  agreement <project> [--video ID] [--annotator NAME]... [--model NAME]...
                                   ICC forms, Krippendorff's alpha, CCC, r, RMSE with bootstrap 95% intervals and
                                   Bland-Altman limits, per video and pooled, between the human annotators or the
                                   raters named (--model NAME: the model anchored on NAME's labels, away from them)
  fuse <project> [--method ewe|mean] [--video ID] [--annotator NAME]...
                                   save the annotators' fused labels as a "gold (EWE)" or "gold (mean)" layer
  report <project> --out FILE.html [--force] [--annotator NAME]... [--model NAME]...
                                   write the study report: videos, raters, labels, agreement (as for agreement)
                                   with intervals and plots, the model and its held-back score, in one HTML file
  evaluate --dataset PATH --support SPEC [--anchors same-video|any] [--draws N] [--seed S] [--range MIN,MAX] [--descriptor 1|2]
                                   few-shot V/A accuracy on labelled face images (CSV image,clip,frame,valence,
                                   arousal or an AFEW-VA folder); SPEC: first, random:K, every:K, fraction:P;
                                   descriptor 2 (default) adds the facial-action embedding, 1 leaves it out
  label <project> --video ID [--person N] --frame F --valence V --arousal A [--annotator NAME]
                                   label one frame (V, A in [-1, 1]); the annotator is created on first use
  train <project> [--annotator NAME]
                                   train the project's pair head on the annotator's labels and make it active
  propagate <project> [--video ID [--person N]] [--annotator NAME]
                                   predict every frame of one or all analysed videos and save it as their model run
  predictions <project> --video ID [--person N] [--annotator NAME]
                                   per frame: valence, arousal and their sd (the saved run, or computed if stale)
  suggest <project> --video ID [--person N] [--n 10] [--annotator NAME]
                                   the frames to label next and why (the first human annotator by default)
  score <project> --video ID [--person N] [--annotator NAME]
                                   how well the model predicts the video's labels it has not seen (CCC, RMSE):
                                   blocked cross-validation, labels within 2 s of a held-out one left out

Options:
  --person   a person of the video (see "persons"); label, predictions, suggest, export: the video's only person
             by default, an error naming them when it has several
  --json     machine-readable output on stdout
  --help     show this help
  --version  show the version
`;


export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatchCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`affect-studio: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof StudioError) {
      io.err(`affect-studio: ${error.message}\n`);
      return 1;
    }
    io.err(`affect-studio: ${logUnexpected(defaultConfigDir(io.env), `affect-studio ${argv[0] ?? ''}`.trim(), error)}\n`);
    return 1;
  }
}

async function dispatchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    io.out(values.json ? JSON.stringify({ version: appVersion() }) + '\n' : `${appVersion()}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    io.out(USAGE);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const [command, ...rest] = positionals;
  switch (command) {
    case 'serve':
      return serve(values, rest, io);
    case 'project':
      return projectCommand(values, rest, io);
    case 'import':
      return importCommand(values, rest, io);
    case 'videos':
      return videosCommand(values, rest, io);
    case 'analyze':
      return analyzeCommand(values, rest, io);
    case 'faces':
      return facesCommand(values, rest, io);
    case 'persons':
      return personsCommand(values, rest, io);
    case 'encoders':
      return encodersCommand(values, rest, io);
    case 'actions':
      return actionsCommand(values, rest, io);
    case 'export':
      return exportCommand(values, rest, io);
    case 'import-labels':
      return importLabelsCommand(values, rest, io);
    case 'agreement':
      return agreementCommand(values, rest, io);
    case 'fuse':
      return fuseCommand(values, rest, io);
    case 'report':
      return reportCommand(values, rest, io);
    case 'evaluate':
      return evaluateCommand(values, rest, io);
    case 'label':
      return labelCommand(values, rest, io);
    case 'train':
      return trainCommand(values, rest, io);
    case 'propagate':
      return propagateCommand(values, rest, io);
    case 'predictions':
      return predictionsCommand(values, rest, io);
    case 'suggest':
      return suggestCommand(values, rest, io);
    case 'score':
      return scoreCommand(values, rest, io);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}


async function serve(values: Values, rest: string[], io: CliIo): Promise<number> {
  if (rest.length > 0) throw new UsageError(`serve takes no arguments (got "${rest.join(' ')}")`);
  const port = values.port === undefined ? 0 : wholeOption('--port', values.port);
  if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not ${port}`);

  const api = createStudioApi({ mode: 'browser', configDir: defaultConfigDir(io.env) });
  const server = await startBrowserServer({ api, rendererDir: rendererDir(), port }).catch((error: Error) => {
    throw new StudioError(`cannot start browser mode: ${error.message}`);
  });
  io.out(
    values.json
      ? JSON.stringify({ url: server.url, port: server.port }) + '\n'
      : `Affect Studio is running at ${server.url}\nOpen it in Chromium or Chrome on this machine. Press Ctrl+C to stop.\n`,
  );
  await io.untilStopped();
  await server.close();
  await api.close();
  return 0;
}

function projectCommand(values: Values, rest: string[], io: CliIo): number {
  const [sub, dir, ...extra] = rest;
  if (sub === 'salvage') return salvageCommand(values, rest.slice(1), io);
  if (sub !== 'create') throw new UsageError(sub === undefined ? 'project needs a subcommand' : `unknown project subcommand "${sub}"`);
  if (dir === undefined) throw new UsageError('project create needs a folder');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);

  const project = createProjectFolder(new RecentProjects(defaultConfigDir(io.env)), path.resolve(dir), values.name);
  io.out(values.json ? JSON.stringify(project) + '\n' : `Created project "${project.name}" in ${project.path}\n`);
  return 0;
}
