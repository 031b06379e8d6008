/**
 * The media files this process lets its pages fetch by URL (a video file, its prepared sound), each under a random key:
 * `media/<key>.<ext>`. A URL never carries a path, so no request can name a file that the API did not hand out,
 * and a key cannot be guessed. Browser mode serves these behind its token cookie, Electron through `app://studio/`.
 */
import crypto from 'node:crypto';
import path from 'node:path';

export const MEDIA_PREFIX = 'media/';

export class MediaFiles {
  private readonly fileByName = new Map<string, string>();
  private readonly nameByFile = new Map<string, string>();

  /** The page-relative URL of `file` (an absolute path the core produced); the same file keeps its URL. */
  publish(file: string): string {
    let name = this.nameByFile.get(file);
    if (name === undefined) {
      name = `${crypto.randomBytes(18).toString('base64url')}${path.extname(file).toLowerCase()}`;
      this.nameByFile.set(file, name);
      this.fileByName.set(name, file);
    }
    return `${MEDIA_PREFIX}${name}`;
  }

  /** The file a URL path (`media/<key>.<ext>`, without the leading slash) stands for, or null. */
  resolve(relativeUrlPath: string): string | null {
    if (!relativeUrlPath.startsWith(MEDIA_PREFIX)) return null;
    return this.fileByName.get(relativeUrlPath.slice(MEDIA_PREFIX.length)) ?? null;
  }
}
