/**
 * Which videos show the same person, for the dataset split: a CSV with a `subject` column and a `video_id` or
 * `video` column (the video's name or file name, as label imports match it). Videos not listed are their own group.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import type { Db } from '../store/projectDb';
import { listVideos } from '../store/videoStore';
import { shownText } from '../shownText';
import { parseCsv } from './csv';

export function readSubjectsFile(db: Db, file: string): Map<VideoId, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StudioError(`Cannot read the subjects file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...records] = parseCsv(text);
  const columns = (header?.fields ?? []).map((f) => f.trim().toLowerCase());
  const subjectAt = columns.indexOf('subject');
  const idAt = columns.indexOf('video_id');
  const nameAt = columns.indexOf('video');
  if (subjectAt < 0 || (idAt < 0 && nameAt < 0)) {
    throw new StudioError(`${file}: the subjects file needs a "subject" column and a "video_id" or "video" column.`);
  }
  const videos = listVideos(db);
  const result = new Map<VideoId, string>();
  const problems: string[] = [];
  for (const { line, fields } of records) {
    const subject = (fields[subjectAt] ?? '').trim();
    const key = ((idAt >= 0 ? fields[idAt] : fields[nameAt]) ?? '').trim();
    const video = idAt >= 0 ? videos.find((v) => String(v.id) === key) : videos.find((v) => v.displayName === key || path.basename(v.path) === key);
    if (subject === '') problems.push(`line ${line}: no subject`);
    else if (!video) problems.push(`line ${line}: this project has no video ${shownText(key)}`);
    else if (result.has(video.id) && result.get(video.id) !== subject) problems.push(`line ${line}: ${video.displayName} is given two subjects`);
    else result.set(video.id, subject);
  }
  if (problems.length > 0) throw new StudioError(`${file}:\n${problems.slice(0, 20).join('\n')}`);
  return result;
}
