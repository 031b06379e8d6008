/** A count with its noun in the right number ("1 label", "2 labels"), so no screen or command says "1 labels". Pure: the renderer uses it too. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? singular : plural}`;
}
