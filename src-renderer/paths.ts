/** Path helpers for display and form defaults; the main process validates every path it receives. */
export function joinPath(parent: string, child: string): string {
  const separator = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return parent.replace(/[\\/]+$/, '') + separator + child;
}

/** A folder name from a project name: readable, and safe on Windows, macOS and Linux. */
export function folderNameFor(projectName: string): string {
  return projectName.trim().replace(/[<>:"/\\|?*]/g, '-').replace(/\.+$/, '');
}

/** The folder a path is in (the path itself when it has no parent). */
export function parentPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut > 0 ? trimmed.slice(0, cut) : trimmed || path;
}
