/**
 * Serves the built renderer on `app://studio/...` instead of `file://`, so the page has a real origin of its own,
 * gets the same Content-Security-Policy as in browser mode, and cannot read anything outside the renderer folder
 * except the media files the API handed out (`app://studio/media/<key>`, api/mediaFiles.ts), served with Range.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { protocol } from 'electron';
import type { MediaFiles } from '../api/mediaFiles';
import { rangeHeaders, requestedRange } from '../server/byteRange';
import { isInside } from '../core/paths/userPath';
import { CONTENT_SECURITY_POLICY } from '../server/contentSecurityPolicy';
import { contentTypeOf } from '../server/contentTypes';
import { rendererDir } from '../server/rendererDir';
import { APP_SCHEME, isAppUrl } from './appUrl';

/**
 * Must run before the app is ready: only then may a custom scheme get a real origin, fetch and secure context.
 * `stream` lets <audio> play from the scheme (Electron buffers whole responses otherwise and media cannot seek).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function installAppProtocol(media: MediaFiles, root: string = rendererDir()): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root, media));
}

/** The file an app URL names inside `root`, or null when it is not an app URL or would escape `root`. */
export function resolveAppFile(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  // Strip the leading slashes, or path.resolve would treat the URL path as absolute and leave the root.
  const trimmed = relative.replace(/^[/\\]+/, '');
  const file = path.resolve(root, trimmed === '' ? 'index.html' : trimmed);
  return isInside(root, file) ? file : null;
}

export function createAppRequestHandler(root: string, media: MediaFiles): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
    const published = isAppUrl(request.url) ? media.resolve(new URL(request.url).pathname.replace(/^\/+/, '')) : null;
    if (published !== null) return mediaResponse(published, request);
    const file = resolveAppFile(root, request.url);
    if (file === null) return plain(404, 'Not found.');
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(await fs.readFile(file));
    } catch {
      // Missing files and directories alike: the page learns nothing about the disk beyond "not here".
      return plain(404, 'Not found.');
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  };
}

/** A published media file, whole or the one byte range asked for, streamed: only what the player reads is read. */
async function mediaResponse(file: string, request: Request): Promise<Response> {
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return plain(404, 'Not found.');
    size = stat.size;
  } catch {
    return plain(404, 'Not found.');
  }
  const range = requestedRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}`, 'Cache-Control': 'no-store' } });
  const body = request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file, range ?? {})) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: range === null ? 200 : 206,
    headers: { ...rangeHeaders(range, size), 'Content-Type': contentTypeOf(file), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
  });
}

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
