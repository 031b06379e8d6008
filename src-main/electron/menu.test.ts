import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

const fake = vi.hoisted(() => ({
  app: { isPackaged: true },
  Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
}));

vi.mock('electron', () => fake);

import { buildMenuTemplate, installMenu } from './menu';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

describe('application menu', () => {
  it('has no reload or developer tools in a packaged build', () => {
    const all = roles(buildMenuTemplate({ platform: 'linux', isPackaged: true }));
    expect(all).not.toContain('toggleDevTools');
    expect(all).not.toContain('reload');
    expect(all).not.toContain('forceReload');
    expect(all).toEqual(expect.arrayContaining(['fileMenu', 'editMenu', 'zoomIn', 'togglefullscreen', 'windowMenu']));
  });

  it('offers reload and developer tools while developing', () => {
    const all = roles(buildMenuTemplate({ platform: 'linux', isPackaged: false }));
    expect(all).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('puts About in the app menu on macOS and in Help elsewhere', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', isPackaged: true });
    expect(mac[0]?.role).toBe('appMenu');
    expect(roles(mac)).not.toContain('about');
    const linux = buildMenuTemplate({ platform: 'linux', isPackaged: true });
    expect(roles(linux)).not.toContain('appMenu');
    expect(roles(linux.filter((item) => item.role === 'help'))).toContain('about');
  });

  it('installs the menu built from the packaged template', () => {
    installMenu();
    const template = fake.Menu.buildFromTemplate.mock.calls[0]?.[0] as MenuItemConstructorOptions[];
    expect(roles(template)).not.toContain('toggleDevTools');
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledWith({ template });
  });
});
