import { DATASET_NAMES, verifyDataset } from "../../datasets";
import type { BuiltInDatasetId } from "../competitions/defaults";

/** Built-in datasets whose verified test data this machine has, so a demo competition can be scored. */
export async function availableBuiltInDatasets(): Promise<BuiltInDatasetId[]> {
  const available: BuiltInDatasetId[] = [];
  for (const name of DATASET_NAMES) {
    const report = await verifyDataset(name, { split: "test" }).catch(() => null);
    if (report?.ok) available.push(name);
  }
  return available;
}
