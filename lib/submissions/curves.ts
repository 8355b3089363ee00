import type { EpochRecord } from "../../worker/protocol";

export interface CurveSummary {
  epochs: EpochRecord[];
  bestEpoch: number | null;
  overfitStartEpoch: number | null;
}

/** Placeholder until lib/training/overtraining lands: best epoch = lowest validation loss. */
export function summarizeCurves(epochs: EpochRecord[]): CurveSummary {
  let best: EpochRecord | undefined;
  for (const record of epochs) if (!best || record.valLoss < best.valLoss) best = record;
  return { epochs, bestEpoch: best?.epoch ?? null, overfitStartEpoch: null };
}
