/**
 * Reads the files of a MediaPipe `.task` bundle, which is a plain zip archive. A zip reader of a few dozen lines
 * (central directory, stored or deflated entries, CRC checked) is smaller than any dependency, and the tool must
 * refuse a damaged bundle rather than convert garbage.
 */
import zlib from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** Entry name -> contents, in archive order. */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes plus a comment of at most 64 KiB.
  let end = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== CENTRAL_FILE_HEADER) throw new Error(`damaged zip: central directory entry ${i} is unreadable`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localAt = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    if (view.getUint32(localAt, true) !== LOCAL_FILE_HEADER) throw new Error(`damaged zip: no local header for '${name}'`);
    const dataAt = localAt + 30 + view.getUint16(localAt + 26, true) + view.getUint16(localAt + 28, true);
    const stored = bytes.subarray(dataAt, dataAt + compressedSize);
    let data: Uint8Array;
    // A copy, not a view: a Buffer's slice() shares memory, so an in-place edit of one file could reach another.
    if (method === 0) data = new Uint8Array(stored);
    else if (method === 8) data = new Uint8Array(zlib.inflateRawSync(stored));
    else throw new Error(`'${name}' uses zip compression method ${method}; only stored and deflate are supported`);
    if (data.byteLength !== size || zlib.crc32(data) !== crc) throw new Error(`damaged zip: '${name}' fails its size or CRC check`);
    files.set(name, data);
  }
  return files;
}
