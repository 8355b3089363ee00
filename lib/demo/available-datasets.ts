import { DATASET_NAMES, verifyDataset } from "@/lib/datasets";
import type { BuiltInDatasetId } from "@/lib/competitions/defaults";
import { AppError } from "@/lib/errors";

export interface DatasetAvailability {
  id: BuiltInDatasetId;
  /** Every file of the test split is present and matches its official checksum. */
  available: boolean;
  /** For the instructor (never a student): the command that fetches a missing dataset. */
  fetchCommand: string;
}

/**
 * Whether each built-in dataset's verified test files are on this machine (the data directory,
 * ../shared/datasets, Debian's packages: datasets/sources.ts, with its HOLDOUT_DATA_DIR,
 * HOLDOUT_SHARED_DIR and HOLDOUT_DEBIAN_DATASETS_DIR). A missing file counts as unavailable, not
 * just a corrupt one: a competition on it could score nothing.
 */
export async function builtInDatasetAvailability(): Promise<DatasetAvailability[]> {
  const out: DatasetAvailability[] = [];
  for (const name of DATASET_NAMES) {
    const report = await verifyDataset(name, { split: "test", requireAll: true }).catch(() => null);
    out.push({ id: name, available: report?.ok === true, fetchCommand: `npx holdout datasets fetch ${name}` });
  }
  return out;
}

/** Built-in datasets whose verified test data this machine has, so a demo competition can be scored. */
export async function availableBuiltInDatasets(): Promise<BuiltInDatasetId[]> {
  return (await builtInDatasetAvailability()).filter((entry) => entry.available).map((entry) => entry.id);
}

let cached: { at: number; value: Promise<DatasetAvailability[]> } | null = null;

/** builtInDatasetAvailability for pages: checked at most once a minute per process (verifying hashes the files). */
export function cachedDatasetAvailability(maxAgeMs = 60_000): Promise<DatasetAvailability[]> {
  if (!cached || Date.now() - cached.at > maxAgeMs) cached = { at: Date.now(), value: builtInDatasetAvailability() };
  return cached.value;
}

/**
 * For creating a competition (instructors only see this message): refuses a built-in dataset whose
 * verified test files this machine lacks, saying how to fetch it. Other ids pass (the competition
 * settings' own validation answers for those).
 */
export async function requireDatasetAvailable(datasetId: unknown): Promise<void> {
  const entry = (await cachedDatasetAvailability()).find((d) => d.id === datasetId);
  if (entry && !entry.available) {
    throw new AppError("UNPROCESSABLE", `The ${entry.id} dataset's verified test files are not on this server, so nothing could be scored. Fetch them on the server (${entry.fetchCommand}), then create the competition.`, { field: "datasetId" });
  }
}
