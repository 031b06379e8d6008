/**
 * Use cases for a project's annotators: list them, add one, rename one, pick one for batch work. Blind mode and the active
 * rater live in labels.ts.
 */
import { StudioError } from '../errors';
import type { AnnotatorId } from '../ids';
import { annotatorName, type Annotator } from '../store/annotatorStore';
import type { ProjectContext } from './projectContext';

export function listAnnotators(project: ProjectContext): Promise<Annotator[]> {
  return project.stores.annotators.list();
}

/** The annotator of that id, or a StudioError saying the project has none. */
export async function annotatorOf(project: ProjectContext, id: AnnotatorId): Promise<Annotator> {
  const annotator = await project.stores.annotators.get(id);
  if (!annotator) throw new StudioError(`This project has no annotator ${id}.`);
  return annotator;
}

/** A human annotator of that name, created on first use (the store checks and trims the name). */
export function addAnnotator(project: ProjectContext, name: string): Promise<Annotator> {
  return project.stores.annotators.ensure(name, 'human');
}

/**
 * Gives an annotator another name (labels keep pointing at the same annotator, so nothing else changes). A name
 * another annotator has is refused: names pick layers in exports, imports and agreement.
 */
export async function renameAnnotator(project: ProjectContext, id: AnnotatorId, name: string): Promise<Annotator> {
  const annotator = await annotatorOf(project, id);
  const wanted = annotatorName(name);
  const taken = (await project.stores.annotators.list()).find((other) => other.name === wanted && other.id !== id);
  if (taken) throw new StudioError(`This project already has an annotator named "${wanted}": choose another name for ${annotator.name}.`);
  return project.stores.annotators.rename(id, wanted);
}

/**
 * The annotator a batch command works for: the one named, which must exist, or else the project's first human
 * annotator. A wrong name is refused with the names there are.
 */
export async function chooseAnnotator(project: ProjectContext, name?: string): Promise<Annotator> {
  const annotators = await project.stores.annotators.list();
  if (name === undefined) {
    const first = annotators.find((annotator) => annotator.kind === 'human');
    if (!first) throw new StudioError('This project has no human annotator yet: give --annotator NAME (label creates it on first use).');
    return first;
  }
  const found = annotators.find((annotator) => annotator.name === name);
  if (!found) {
    const names = annotators.map((annotator) => `"${annotator.name}"`);
    throw new StudioError(`This project has no annotator "${name}"${names.length > 0 ? ` (it has ${names.join(', ')})` : ''}.`);
  }
  return found;
}
