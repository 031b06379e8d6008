/**
 * Use cases for a project's encoders: list them, import a lab's own (checked on every execution provider, copied
 * into the project, registered) and choose the one the next analysis uses. Analyses made before keep the encoder
 * they record.
 */
import path from 'node:path';
import { checkModelInProcess } from '../analysis/analysisClient';
import { copyEncoderIntoProject, encoderFilesToImport } from '../analysis/projectEncoders';
import { StudioError } from '../errors';
import { cardPathFor, DEFAULT_AFFECT_RANGE, predictsAffect, readModelCard, type ModelCard } from '../inference/modelCard';
import { defaultModelsDir } from '../inference/modelRegistry';
import type { ModelId } from '../store/modelStore';
import { describeEncoderInput } from '../vision/encoderInput';
import { DEFAULT_MODEL_FILES } from '../vision/facePipeline';
import type { ProjectContext } from './projectContext';

export interface EncoderView {
  /** Null for the shipped encoder until the project registers it (at its first analysis or import). */
  id: ModelId | null;
  name: string;
  version: string;
  /** The card's input in a few words (size, colour, layout, normalisation, crop margin). */
  input: string;
  embeddingDim: number | null;
  /** The scale its own valence/arousal outputs are on (its card's, [-1, 1] unless it says), or null when it has none. */
  affectRange: [number, number] | null;
  licence: string;
  active: boolean;
  builtIn: boolean;
}

function shippedEncoderCard(): { file: string; card: ModelCard } {
  const file = path.join(defaultModelsDir(), DEFAULT_MODEL_FILES.encoder);
  return { file, card: readModelCard(cardPathFor(file)) };
}

/** A card's licence as one short line: a lab's card may state it as text or as {weights, holder}. */
function licenceOf(card: ModelCard): string {
  const licence: unknown = card.licence;
  if (typeof licence === 'string' && licence.trim() !== '') return licence.trim();
  if (licence && typeof licence === 'object') {
    const { weights, holder } = licence as { weights?: unknown; holder?: unknown };
    if (typeof weights === 'string') return typeof holder === 'string' ? `${weights}, ${holder}` : weights;
  }
  return 'not stated on its card';
}

function view(card: ModelCard, id: ModelId | null, active: boolean, builtIn: boolean): EncoderView {
  const affectRange = predictsAffect(card) ? card.affectRange ?? DEFAULT_AFFECT_RANGE : null;
  return { id, name: card.name, version: card.version, input: describeEncoderInput(card), embeddingDim: card.embeddingDim ?? null, affectRange, licence: licenceOf(card), active, builtIn };
}

/** The project's encoders, oldest first; the shipped one is always among them, active until another is chosen. */
export async function listEncoders(project: ProjectContext): Promise<EncoderView[]> {
  const shipped = shippedEncoderCard();
  const rows = await project.stores.models.encoders();
  const views = rows.map((row) => view(JSON.parse(row.card) as ModelCard, row.id, row.active, row.sha256 === shipped.card.sha256));
  if (!rows.some((row) => row.sha256 === shipped.card.sha256)) views.unshift(view(shipped.card, null, !rows.some((row) => row.active), true));
  return views;
}

/**
 * Imports a lab's encoder (FILE.onnx with FILE.card.json beside it). Nothing is copied or registered unless the
 * card is valid and the model passes the contract check on every execution provider this machine would use. The
 * shipped encoder stays active: `useEncoder` chooses the imported one.
 */
export async function importEncoder(project: ProjectContext, onnxFile: string): Promise<EncoderView> {
  if (project.access.mode === 'read-only') throw new StudioError(`Not imported: this project is open read-only because ${project.access.reason}.`);
  const files = encoderFilesToImport(onnxFile);
  const checked = await checkModelInProcess(files.onnxFile, 'encoder');
  const relative = copyEncoderIntoProject(project.dir, files, checked.sha256);
  const shipped = shippedEncoderCard();
  // Registered first, so it keeps the active mark and stays in the list to go back to.
  await project.stores.models.registerEncoder({ name: shipped.card.name, version: shipped.card.version, sha256: shipped.card.sha256, card: JSON.stringify(shipped.card), file: shipped.file });
  const id = await project.stores.models.registerEncoder({ name: checked.card.name, version: checked.card.version, sha256: checked.sha256, card: JSON.stringify(checked.card), file: relative });
  const imported = (await listEncoders(project)).find((e) => e.id === id);
  if (!imported) throw new StudioError(`The encoder ${checked.card.name} was copied but is not registered: import it again.`);
  return imported;
}

/** Chooses the encoder the next analysis uses. */
export async function useEncoder(project: ProjectContext, id: ModelId): Promise<EncoderView[]> {
  await project.stores.models.activateEncoder(id);
  return listEncoders(project);
}
