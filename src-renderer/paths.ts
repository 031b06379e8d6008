/** Path helpers for display and form defaults; the main process validates every path it receives. */
export function joinPath(parent: string, child: string): string {
  const separator = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return parent.replace(/[\\/]+$/, '') + separator + child;
}

/** A folder name from a project name: readable, and safe on Windows, macOS and Linux. */
export function folderNameFor(projectName: string): string {
  return projectName.trim().replace(/[<>:"/\\|?*]/g, '-').replace(/\.+$/, '');
}
