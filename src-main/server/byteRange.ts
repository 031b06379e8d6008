/**
 * HTTP Range for media files (RFC 9110 §14), shared by browser mode and Electron's app protocol: a media element
 * seeks by asking for the bytes it needs, and without 206 answers Chromium cannot seek an audio file at all.
 * One range per request (what media elements send); anything else gets the whole file.
 */

/** Inclusive byte offsets, as Content-Range writes them. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The range asked for in a file of `size` bytes: null for the whole file, 'unsatisfiable' for a 416. */
export function requestedRange(header: string | undefined | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    // "bytes=-N": the last N bytes.
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** The headers of a 206 (or, without a range, 200) answer for this file. */
export function rangeHeaders(range: ByteRange | null, size: number): Record<string, string> {
  if (range === null) return { 'Accept-Ranges': 'bytes', 'Content-Length': String(size) };
  return { 'Accept-Ranges': 'bytes', 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${size}` };
}
