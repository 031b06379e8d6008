/**
 * An error whose message is meant for the user: it names the problem and, where it can, what to do.
 * Anything else that escapes the core is a bug and is reported as an internal error.
 */
export class StudioError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudioError';
  }
}
