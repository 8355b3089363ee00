import type { BuiltInDatasetId } from "../competitions/defaults";

/** Built-in datasets whose test data this machine has (so a demo competition can be scored). */
export async function availableBuiltInDatasets(): Promise<BuiltInDatasetId[]> {
  // Wired to the datasets registry once it lands; until then, nothing is claimed available.
  return [];
}
