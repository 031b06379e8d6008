/**
 * Text from a user or a file as it may appear in a message, which is one line on a terminal or in the studio: a
 * hostile or damaged file must not be able to break the line, reorder it (direction marks) or send terminal
 * escapes, nor flood the screen with a megabyte "value".
 */

const SHOWN_CHARS = 40;
const MESSAGE_CHARS = 300;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** A value quoted for a message: `"0x10"`, escaped, cut to a readable length. */
export function shownText(text: string): string {
  const cut = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
  return JSON.stringify(cut).replace(UNSAFE, escapeChar);
}

/** Foreign prose (a parser's own error, which quotes the input) made safe to put inside a one-line message. */
export function oneLineText(text: string): string {
  const cut = text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
  return cut.replace(UNSAFE, escapeChar);
}

/** Where a schema check failed (`frames.00012.valence`), with any odd key from the file quoted. */
export function issuePath(path: readonly PropertyKey[], whole = '(top level)'): string {
  if (path.length === 0) return whole;
  return path.map((key) => (/^[\w-]{1,40}$/.test(String(key)) ? String(key) : shownText(String(key)))).join('.');
}

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
