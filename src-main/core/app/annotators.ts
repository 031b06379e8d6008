/** Use cases for a project's annotators: list them, add one. Blind mode and the active rater live in labels.ts. */
import type { Annotator } from '../store/annotatorStore';
import type { ProjectContext } from './projectContext';

export function listAnnotators(project: ProjectContext): Promise<Annotator[]> {
  return project.stores.annotators.list();
}

/** A human annotator of that name, created on first use (the store checks and trims the name). */
export function addAnnotator(project: ProjectContext, name: string): Promise<Annotator> {
  return project.stores.annotators.ensure(name, 'human');
}
