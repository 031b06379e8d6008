import { beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({
  focused: null as object | null,
  dialog: { showOpenDialog: vi.fn() },
}));

vi.mock('electron', () => ({
  dialog: fake.dialog,
  BrowserWindow: { getFocusedWindow: () => fake.focused },
}));

import { chooseFolder } from './folderDialog';

describe('chooseFolder', () => {
  beforeEach(() => {
    fake.focused = null;
    fake.dialog.showOpenDialog.mockReset();
  });

  it('returns the chosen folder from a directory picker', async () => {
    fake.dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/data/project'] });
    await expect(chooseFolder('New project')).resolves.toBe('/data/project');
    expect(fake.dialog.showOpenDialog).toHaveBeenCalledWith({
      title: 'New project',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('returns null when the user cancels', async () => {
    fake.dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    await expect(chooseFolder('Open')).resolves.toBeNull();
  });

  it('is modal to the focused window', async () => {
    const window = {};
    fake.focused = window;
    fake.dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/x'] });
    await chooseFolder('Open');
    expect(fake.dialog.showOpenDialog.mock.calls[0]?.[0]).toBe(window);
  });
});
