/**
 * Runs one API action for a store, showing its failure in the store's `error` instead of throwing into Vue
 * (where it would vanish into the console). True when the action succeeded.
 */
export async function reportFailure(store: { error: string | null }, action: () => Promise<unknown>): Promise<boolean> {
  store.error = null;
  try {
    await action();
    return true;
  } catch (error) {
    store.error = error instanceof Error ? error.message : String(error);
    return false;
  }
}
