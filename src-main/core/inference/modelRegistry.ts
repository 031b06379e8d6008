/**
 * Loads a model with its card and refuses it unless it is exactly the file the card describes (SHA-256) and
 * passes every contract check. A refused model changes nothing: its session is released and the error says
 * what is wrong, so a lab can fix its export.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type * as ort from './onnxRuntime';
import { StudioError } from '../errors';
import { cardPathFor, readModelCard, type ModelCard, type ModelRole } from './modelCard';
import { checkCardMatchesModel, checkRoleContract, fixedBatchOf, smokeTest } from './modelContract';
import { providerChain, SessionFactory, type CreateSession, type ExecutionProvider, type ProviderAttempt } from './executionProviders';

export class ModelRejectedError extends StudioError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${path.basename(file)} cannot be used: ${problems.join('; ')}.`);
    this.name = 'ModelRejectedError';
  }
}

export interface LoadedModel {
  file: string;
  card: ModelCard;
  sha256: string;
  session: ort.InferenceSession;
  inputName: string;
  provider: ExecutionProvider;
  failedProviders: ProviderAttempt[];
  /** Set when the model only accepts batches of exactly this size. */
  fixedBatch: number | null;
}

export interface LoadModelOptions {
  factory: SessionFactory;
  /** The role the caller will use it for; a card claiming another role is refused. */
  role?: ModelRole;
  /** Defaults to `<name>.card.json` beside the ONNX file. */
  cardFile?: string;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The card of a model file, refused unless it claims the role wanted and describes exactly this file. */
function cardFor(file: string, options: { role?: ModelRole; cardFile?: string }): { card: ModelCard; sha256: string } {
  if (!fs.existsSync(file)) throw new ModelRejectedError(file, ['the file does not exist']);
  const card = readModelCard(options.cardFile ?? cardPathFor(file));
  if (options.role && card.role !== options.role) {
    throw new ModelRejectedError(file, [`it is needed in the role "${options.role}" but its card gives the role "${card.role}"`]);
  }
  const sha256 = sha256File(file);
  if (sha256 !== card.sha256) {
    throw new ModelRejectedError(file, [`its SHA-256 is ${sha256} but its card says ${card.sha256}: the file is not the one the card describes`]);
  }
  return { card, sha256 };
}

/** Every check of docs/DESIGN.md §4 on an open session; the smoke run only once the inputs are known to be right. */
async function contractProblems(card: ModelCard, session: ort.InferenceSession): Promise<string[]> {
  const problems = [...checkCardMatchesModel(card, session), ...checkRoleContract(card, session)];
  // Running a model whose inputs are already known to be wrong would only add a confusing second error.
  if (problems.length === 0) problems.push(...(await smokeTest(card, session)));
  return [...new Set(problems)];
}

export async function loadModel(file: string, options: LoadModelOptions): Promise<LoadedModel> {
  const { card, sha256 } = cardFor(file, options);

  let opened;
  try {
    opened = await options.factory.open(file);
  } catch (error) {
    throw new ModelRejectedError(file, [`ONNX Runtime cannot load it as an ONNX model (${(error as Error).message.split('\n')[0]})`]);
  }
  const { session, provider, failed } = opened;
  const problems = await contractProblems(card, session);
  if (problems.length > 0) {
    await session.release();
    throw new ModelRejectedError(file, problems);
  }
  return {
    file,
    card,
    sha256,
    session,
    inputName: session.inputNames[0] as string,
    provider,
    failedProviders: failed,
    fixedBatch: fixedBatchOf(session),
  };
}

/** How a model fared on one execution provider of the chain: checked, or not present on this machine. */
export type ProviderCheck = { provider: ExecutionProvider; ok: true } | { provider: ExecutionProvider; ok: false; unavailable: string };

export interface CheckedModel {
  card: ModelCard;
  sha256: string;
  providers: ProviderCheck[];
}

/**
 * The whole contract check on every execution provider of the chain, each alone: the analysis uses the first one
 * that starts, so a model that loads or answers on the CPU but not on the accelerator (or the other way round)
 * would work on one machine and fail on the next. An accelerator that does not start here (no CUDA libraries) is
 * not the model's fault and is reported as unavailable; a model that fails on a provider that does start, or on
 * the CPU at all, is refused, naming the provider and why.
 */
export async function checkOnEveryProvider(
  file: string,
  options: { role?: ModelRole; cardFile?: string; chain?: readonly ExecutionProvider[]; create?: CreateSession } = {},
): Promise<CheckedModel> {
  const { card, sha256 } = cardFor(file, options);
  const providers: ProviderCheck[] = [];
  for (const provider of options.chain ?? providerChain()) {
    let session: ort.InferenceSession;
    try {
      session = (await new SessionFactory({ chain: [provider], create: options.create }).open(file)).session;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? '';
      if (provider === 'cpu') throw new ModelRejectedError(file, [`ONNX Runtime cannot load it as an ONNX model (${reason})`]);
      providers.push({ provider, ok: false, unavailable: reason });
      continue;
    }
    try {
      const problems = await contractProblems(card, session);
      if (problems.length > 0) throw new ModelRejectedError(file, problems.map((problem) => `on the ${provider} execution provider, ${problem}`));
    } finally {
      await session.release();
    }
    providers.push({ provider, ok: true });
  }
  return { card, sha256, providers };
}

/**
 * The shipped models folder: `models/` at the project root in development and in the build (both `src-main/` and
 * `dist-main/` sit beside it), and outside `app.asar` once packaged, because ORT reads files with native I/O.
 */
export function defaultModelsDir(): string {
  const dir = path.resolve(__dirname, '..', '..', '..', 'models');
  return dir.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
}

/** What a model is, for the API and the project's `models` table, without the session. */
export interface ModelInfo {
  name: string;
  version: string;
  role: ModelRole;
  file: string;
  sha256: string;
  embeddingDim: number | null;
  provider: ExecutionProvider;
}

export function modelInfo(model: LoadedModel): ModelInfo {
  return {
    name: model.card.name,
    version: model.card.version,
    role: model.card.role,
    file: model.file,
    sha256: model.sha256,
    embeddingDim: model.card.embeddingDim ?? null,
    provider: model.provider,
  };
}
