import { analyzeCurves } from "@/lib/training/overtraining";
import type { CurveSummary, EpochRecord } from "./schemas";

/** Best epoch, onset of overtraining and generalization gap, for curves recorded or uploaded. */
export function summarizeCurves(source: CurveSummary["source"], epochs: EpochRecord[], extra: Pick<CurveSummary, "stoppedEarly" | "stopReason" | "scoredEpoch" | "restoredBestWeights" | "augmentation"> = {}): CurveSummary {
  const analysis = analyzeCurves(
    epochs.map((record) => ({
      epoch: record.epoch,
      loss: record.loss,
      valLoss: record.valLoss ?? Number.NaN,
      acc: record.accuracy ?? undefined,
      valAcc: record.valAccuracy ?? undefined,
    })),
  );
  return {
    source,
    epochs,
    bestEpoch: analysis.bestEpoch,
    overfitStartEpoch: analysis.overfitStartEpoch,
    generalizationGap: epochs.map((record) => (record.valLoss === null || !Number.isFinite(record.valLoss) ? null : record.valLoss - record.loss)),
    ...extra,
  };
}
