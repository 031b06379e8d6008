import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from './projectFolder';
import { RecentProjects } from './recentProjects';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-recent-'));

describe('recent projects', () => {
  it('lists the most recently opened first, once each', () => {
    const recent = new RecentProjects(tempDir());
    recent.remember({ path: '/a', name: 'A' });
    recent.remember({ path: '/b', name: 'B' });
    recent.remember({ path: '/a', name: 'A' });
    expect(recent.list().map((entry) => entry.path)).toEqual(['/a', '/b']);
  });

  it('marks a project whose folder has gone as unavailable instead of dropping it', () => {
    const root = tempDir();
    const recent = new RecentProjects(tempDir());
    const project = createProject(path.join(root, 'p'));
    recent.remember(project);
    expect(recent.list()[0]?.available).toBe(true);
    fs.rmSync(project.path, { recursive: true });
    expect(recent.list()[0]).toMatchObject({ path: project.path, available: false });
  });

  it('treats a corrupt list as empty and repairs it on the next write', () => {
    const configDir = tempDir();
    fs.writeFileSync(path.join(configDir, 'recent-projects.json'), '{ not json');
    const recent = new RecentProjects(configDir);
    expect(recent.list()).toEqual([]);
    recent.remember({ path: '/c', name: 'C' });
    expect(new RecentProjects(configDir).list().map((entry) => entry.name)).toEqual(['C']);
  });

  it('forgets a project without touching its folder', () => {
    const root = tempDir();
    const recent = new RecentProjects(tempDir());
    const project = createProject(path.join(root, 'p'));
    recent.remember(project);
    recent.forget(project.path);
    expect(recent.list()).toEqual([]);
    expect(fs.existsSync(project.path)).toBe(true);
  });
});
