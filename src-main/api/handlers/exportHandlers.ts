/** Labels out (every export format) and in (CSV, AFEW-VA): each starts a job over the use cases the CLI calls. */
import { previewAfewVaImport, previewLabelImport, startExport, startLabelImport } from '../../core/app/exports';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function exportHandlers({ sessions }: ApiServices) {
  return {
    'exports.write': async ({ project, ...request }) => ({ jobId: await startExport(sessions.get(project), request) }),
    'labels.import': async ({ project, ...request }) => ({ jobId: await startLabelImport(sessions.get(project), request) }),
    'labels.checkImport': ({ project, ...request }) => previewLabelImport(sessions.get(project), request),
    'labels.checkAfewVa': ({ project, ...request }) => previewAfewVaImport(sessions.get(project), request),
  } satisfies Partial<Handlers>;
}
