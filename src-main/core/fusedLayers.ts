/**
 * The names of the fused gold layers agreement saves, in a module of their own (no imports) so that exports and
 * the renderer's dialogs (through the API contract) recognise a gold layer by the one list that names them.
 */

/** Fused layers are named "gold (<method>)"; they are left out of agreement unless asked for by name. */
export const FUSION_METHODS = { mean: 'gold (mean)', ewe: 'gold (EWE)' } as const;
export type FusionMethod = keyof typeof FUSION_METHODS;

/** Whether an annotator's layer is a fused gold layer. */
export function isFusedLayer(name: string): boolean {
  return (Object.values(FUSION_METHODS) as string[]).includes(name);
}
