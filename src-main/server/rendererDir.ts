import path from 'node:path';

/** The built renderer (`vite build` output), two levels above this module in both `src-main` and `dist-main`. */
export function rendererDir(): string {
  return path.join(__dirname, '..', '..', 'dist-renderer');
}
