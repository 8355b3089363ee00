import type { Competition } from "@/lib/db";
import { BUILT_IN_DATASETS, DEFAULT_LATE_POLICY, DEFAULT_RESOURCE_LIMITS, DEFAULT_TRAINING_BUDGET, type BuiltInDatasetId } from "@/lib/competitions/defaults";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { jsonRecord } from "./competition";

/** The competition form's fields as the browser edits them (strings, as inputs hold them). */
export interface CompetitionFormValues {
  title: string;
  slug: string;
  description: string;
  datasetId: string;
  testSetId: string;
  /** ISO instants; shown and edited in the viewer's time zone. */
  opensAt: string;
  closesAt: string;
  dailyLimit: string;
  maxFinalSelections: string;
  publicFraction: string;
  splitSeed: string;
  allowedKinds: Array<"WEIGHTS" | "DEFINITION">;
  /** maxTrainExamples: "" trains on the whole training split. */
  trainingBudget: { maxEpochs: string; maxSeconds: string; maxParams: string; maxTrainExamples: string };
  /** The upload limit is edited in MB; `uploadBytes` keeps the stored byte count so an untouched limit is sent back exactly. */
  resourceLimits: { maxUploadMb: string; maxParams: string; maxFlops: string; memoryMb: string; timeoutSeconds: string; uploadBytes?: string };
  gradingKind: "linear" | "thresholds";
  linear: { baseline: string; target: string; maxPoints: string };
  thresholds: Array<{ minScore: string; points: string }>;
  lateKind: "none" | "penalty";
  late: { perDayFraction: string; maxDays: string };
  /** "1" = individual work. */
  teamSizeLimit: string;
  /** ISO instant, or "" for "until the close". */
  teamMergeDeadline: string;
  probingGuard: boolean;
}

const text = (value: unknown, fallback: unknown = ""): string => (value === undefined || value === null ? String(fallback ?? "") : String(value));

export function datasetChoices() {
  return (Object.keys(BUILT_IN_DATASETS) as BuiltInDatasetId[]).map((id) => ({ id, ...BUILT_IN_DATASETS[id] }));
}

/** A new competition's form: opens at the next full hour, closes two weeks later, the dataset's suggested grading. */
export function defaultFormValues(now = new Date()): CompetitionFormValues {
  const opens = new Date(now);
  opens.setUTCMinutes(0, 0, 0);
  opens.setUTCHours(opens.getUTCHours() + 1);
  const closes = new Date(opens.getTime() + 14 * 24 * 3600 * 1000);
  const dataset = BUILT_IN_DATASETS.mnist;
  return {
    title: "",
    slug: "",
    description: "",
    datasetId: "mnist",
    testSetId: "",
    opensAt: opens.toISOString(),
    closesAt: closes.toISOString(),
    dailyLimit: "5",
    maxFinalSelections: "2",
    publicFraction: "0.3",
    splitSeed: "",
    allowedKinds: ["WEIGHTS", "DEFINITION"],
    trainingBudget: { maxEpochs: text(DEFAULT_TRAINING_BUDGET.maxEpochs), maxSeconds: text(DEFAULT_TRAINING_BUDGET.maxSeconds), maxParams: text(DEFAULT_TRAINING_BUDGET.maxParams), maxTrainExamples: "" },
    resourceLimits: {
      maxUploadMb: text(DEFAULT_RESOURCE_LIMITS.maxUploadBytes / (1024 * 1024)),
      maxParams: text(DEFAULT_RESOURCE_LIMITS.maxParams),
      maxFlops: text(DEFAULT_RESOURCE_LIMITS.maxFlops),
      memoryMb: text(DEFAULT_RESOURCE_LIMITS.memoryMb),
      timeoutSeconds: text(DEFAULT_RESOURCE_LIMITS.timeoutSeconds),
    },
    gradingKind: "linear",
    linear: { baseline: text(dataset.baseline), target: text(dataset.target), maxPoints: "100" },
    thresholds: [
      { minScore: "0.9", points: "50" },
      { minScore: "0.98", points: "100" },
    ],
    lateKind: DEFAULT_LATE_POLICY.kind,
    late: { perDayFraction: "0.1", maxDays: "3" },
    teamSizeLimit: "1",
    teamMergeDeadline: "",
    probingGuard: false,
  };
}

/** The stored competition in the form's shape (stored {} JSON settings show the defaults). */
export function formValuesFromCompetition(competition: Competition): CompetitionFormValues {
  const defaults = defaultFormValues();
  const budget = trainingBudgetOf(competition);
  const limits = resourceLimitsOf(competition);
  const grading = jsonRecord(competition.gradingScheme);
  const late = jsonRecord(competition.latePolicy);
  const dataset = BUILT_IN_DATASETS[competition.datasetId as BuiltInDatasetId] ?? BUILT_IN_DATASETS.mnist;
  const thresholds = Array.isArray(grading.thresholds)
    ? (grading.thresholds as Array<{ minScore?: unknown; points?: unknown }>).map((t) => ({ minScore: text(t.minScore), points: text(t.points) }))
    : defaults.thresholds;
  return {
    title: competition.title,
    slug: competition.slug,
    description: competition.description,
    datasetId: competition.datasetId,
    testSetId: competition.testSetId ?? "",
    opensAt: competition.opensAt.toISOString(),
    closesAt: competition.closesAt.toISOString(),
    dailyLimit: text(competition.dailyLimit),
    maxFinalSelections: text(competition.maxFinalSelections),
    publicFraction: text(competition.publicFraction),
    splitSeed: text(competition.splitSeed),
    allowedKinds: competition.allowedKinds,
    trainingBudget: { maxEpochs: text(budget.maxEpochs), maxSeconds: text(budget.maxSeconds), maxParams: text(budget.maxParams), maxTrainExamples: budget.maxTrainExamples === undefined ? "" : text(budget.maxTrainExamples) },
    resourceLimits: {
      maxUploadMb: text(Math.round((Number(limits.maxUploadBytes) / (1024 * 1024)) * 100) / 100),
      maxParams: text(limits.maxParams),
      maxFlops: text(limits.maxFlops),
      memoryMb: text(limits.memoryMb),
      timeoutSeconds: text(limits.timeoutSeconds),
      uploadBytes: text(limits.maxUploadBytes),
    },
    gradingKind: grading.kind === "thresholds" ? "thresholds" : "linear",
    linear: {
      baseline: text(grading.kind === "linear" ? grading.baseline : dataset.baseline),
      target: text(grading.kind === "linear" ? grading.target : dataset.target),
      maxPoints: text(grading.kind === "linear" ? grading.maxPoints : 100),
    },
    thresholds,
    lateKind: late.kind === "penalty" ? "penalty" : "none",
    late: { perDayFraction: text(late.perDayFraction ?? late.perDay, "0.1"), maxDays: text(late.maxDays, "3") },
    teamSizeLimit: text(competition.teamSizeLimit),
    teamMergeDeadline: competition.teamMergeDeadline?.toISOString() ?? "",
    probingGuard: competition.probingGuard,
  };
}
