/**
 * The one-line summary of a finished import, the same in the UI's job list and at the end of `affect-studio
 * import`: a warning (media that ends early) is easy to miss in a long list of paths, so it is counted here.
 * Pure (no Node imports) because the renderer uses it too.
 */
import type { ImportOutcome } from './importJob';

export function importSummary(outcomes: readonly Pick<ImportOutcome, 'error' | 'warning'>[]): string {
  const failed = outcomes.filter((outcome) => outcome.error).length;
  const warned = outcomes.filter((outcome) => !outcome.error && outcome.warning).length;
  return `done: ${outcomes.length - failed} imported${warned ? `, ${warned} with a warning` : ''}${failed ? `, ${failed} failed` : ''}`;
}
