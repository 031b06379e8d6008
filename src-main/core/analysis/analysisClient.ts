/**
 * Main's side of the analysis process: starts it (a child process, see analysisProcess.ts for why), sends the
 * request, and yields its messages until it is done. Aborting kills it at once; a crash of the child becomes an
 * error that carries the last lines it printed.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { StudioError } from '../errors';
import type { ModelRole } from '../inference/modelCard';
import type { AnalysisMessage, AnalysisRequest, ModelChecked, ModelsReady } from './analysisProtocol';

/** `.ts` when running from source (tests, benchmarks: the child needs tsx), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

export async function* runAnalysisProcess(request: AnalysisRequest, signal?: AbortSignal): AsyncGenerator<AnalysisMessage> {
  signal?.throwIfAborted();
  const child = fork(path.join(__dirname, `analysisProcess${OWN_EXTENSION}`), [], {
    serialization: 'advanced',
    execArgv: OWN_EXTENSION === '.ts' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const queue: AnalysisMessage[] = [];
  let wake: (() => void) | null = null;
  // Set from the 'exit' listener; a holder object, because TypeScript does not see closures assign a `let`.
  const ended: { exit: { code: number | null; signal: NodeJS.Signals | null } | null } = { exit: null };
  let stderr = '';
  const poke = () => {
    wake?.();
    wake = null;
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('message', (message: AnalysisMessage) => {
    queue.push(message);
    poke();
  });
  child.on('exit', (code, sig) => {
    ended.exit = { code, signal: sig };
    poke();
  });
  const abort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', abort, { once: true });
  try {
    child.send(request);
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (message.type === 'error') throw new StudioError(message.message);
        yield message;
        if (message.type === 'done') return;
        continue;
      }
      signal?.throwIfAborted();
      const exited = ended.exit;
      if (exited) {
        const how = exited.signal ? `was killed (${exited.signal})` : `exited with code ${exited.code}`;
        throw new StudioError(`The analysis process ${how} before it finished.${lastLines(stderr)}`);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    if (!ended.exit) child.kill('SIGKILL');
  }
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 ? ` Its last output: ${lines.slice(-3).join(' | ')}` : '';
}

/**
 * Loads and checks the face models in the analysis process, once per models folder and encoder (a project's own,
 * or the shipped one when `encoderFile` is undefined), and says what is in use.
 */
const probes = new Map<string, Promise<ModelsReady>>();

export function probeFaceModels(modelsDir: string, encoderFile?: string): Promise<ModelsReady> {
  const key = `${modelsDir}\0${encoderFile ?? ''}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = (async () => {
      for await (const message of runAnalysisProcess({ type: 'probe', modelsDir, encoderFile })) if (message.type === 'ready') return message;
      throw new StudioError('The analysis process ended without loading the models.');
    })();
    // A failure is not cached: the user may fix the models folder and ask again.
    probe.catch(() => probes.delete(key));
    probes.set(key, probe);
  }
  return probe;
}

/** The contract check of a model file on every execution provider, in the analysis process; throws what is wrong. */
export async function checkModelInProcess(file: string, role: ModelRole): Promise<ModelChecked> {
  for await (const message of runAnalysisProcess({ type: 'check', file, role })) if (message.type === 'checked') return message;
  throw new StudioError('The analysis process ended without checking the model.');
}
