/** The native folder picker behind the API's `dialog.chooseFolder`. */
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';

export async function chooseFolder(title: string): Promise<string | null> {
  const options: OpenDialogOptions = { title, properties: ['openDirectory', 'createDirectory'] };
  // Attached to the focused window the picker is modal to it, so the UI cannot be used behind it.
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
