/**
 * The list of recently opened projects, kept as a small JSON file in the studio's config folder. It is a
 * convenience: a missing or corrupt file means an empty list, never a failed start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../paths/atomicWrite';
import { isProjectFolder } from './projectFolder';

const MAX_RECENT = 20;

const StoredRecent = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));
type StoredRecent = z.infer<typeof StoredRecent>;

export interface RecentProjectEntry {
  path: string;
  name: string;
  openedAt: string;
  available: boolean;
}

export class RecentProjects {
  private readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, 'recent-projects.json');
  }

  list(): RecentProjectEntry[] {
    return this.read().map((entry) => ({ ...entry, available: isProjectFolder(entry.path) }));
  }

  remember(project: { path: string; name: string }): void {
    const rest = this.read().filter((entry) => entry.path !== project.path);
    const entry = { path: project.path, name: project.name, openedAt: new Date().toISOString() };
    this.write([entry, ...rest].slice(0, MAX_RECENT));
  }

  forget(projectPath: string): void {
    this.write(this.read().filter((entry) => entry.path !== projectPath));
  }

  private read(): StoredRecent {
    try {
      const parsed = StoredRecent.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  private write(entries: StoredRecent): void {
    writeFileAtomic(this.file, JSON.stringify(entries, null, 2) + '\n');
  }
}
