/**
 * Side-by-side comparison of 2-4 submissions of one competition: training and validation curves,
 * best epoch and overtraining onset, public accuracy and loss (private ones only where the report
 * shows them), per-class accuracy, the confusion difference, and what differs in the settings.
 * Who may see which submission is decided by the report's own rule (submissionForViewer): their
 * own, labelled reference baselines, and for the course's staff anyone's. Per-class numbers and
 * confusion matrices come from the public split only, as on the report.
 */
import type { PrismaClient } from "@/lib/db";
import { competitionForUser } from "@/lib/competitions/access";
import { getDatasetSpec } from "@/lib/datasets/registry";
import type { CurveSummary } from "@/lib/evaluation/schemas";
import { AppError } from "@/lib/errors";
import { submissionForViewer, type SubmissionView } from "@/lib/submissions/queries";

export const MAX_COMPARED = 4;

export interface ComparedRun {
  id: string;
  /** "MLP" for a baseline; otherwise null (the page names it by owner and date). */
  baselineLabel: string | null;
  /** The submitter's name, for the course's staff; null for the viewer's own and for baselines. */
  owner: string | null;
  mine: boolean;
  createdAt: Date;
  status: SubmissionView["status"];
  kind: SubmissionView["kind"];
  publicScore: number | null;
  publicLoss: number | null;
  /** Only where the report shows it: after the close, or to the course's staff. */
  privateScore: number | null;
  curves: CurveSummary | null;
  /** Public-split accuracy per class (null where the report has none). */
  perClass: Array<number | null>;
  /** Public-split confusion matrix, rows = true class. */
  confusion: number[][] | null;
}

export interface SettingRow {
  field: string;
  values: string[];
  differs: boolean;
}

export interface Comparison {
  competition: { slug: string; title: string };
  classNames: string[];
  runs: ComparedRun[];
  /** For each run after the first: its confusion matrix minus the first one's (same public images). */
  confusionDiffs: Array<{ runId: string; diff: number[][] }>;
  settings: SettingRow[];
}

/** "a,b,c" or repeated ?ids= values: distinct ids in order, at most MAX_COMPARED. */
export function parseComparedIds(value: string | string[] | undefined | null): string[] {
  const raw = (Array.isArray(value) ? value : value ? [value] : []).flatMap((item) => item.split(","));
  const ids = [...new Set(raw.map((id) => id.trim()).filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)))];
  if (ids.length > MAX_COMPARED) throw new AppError("BAD_REQUEST", `Compare at most ${MAX_COMPARED} submissions at once (got ${ids.length}). Untick some and compare again.`);
  return ids;
}

const AUGMENTATION_WORDS: Record<string, (value: unknown) => string> = {
  horizontalFlip: () => "horizontal flip",
  rotationDegrees: (v) => `rotation ±${v}°`,
  widthShift: (v) => `width shift ±${Math.round(Number(v) * 1000) / 10} %`,
  heightShift: (v) => `height shift ±${Math.round(Number(v) * 1000) / 10} %`,
  zoom: (v) => `zoom ±${Math.round(Number(v) * 1000) / 10} %`,
  cropPadding: (v) => `random crop (pad ${v} px)`,
};

/** The augmentation that is on, in words ("none" when nothing is). Unknown settings are named by their key. */
export function describeAugmentationSettings(augmentation: unknown): string {
  if (!augmentation || typeof augmentation !== "object") return "none";
  const items = Object.entries(augmentation as Record<string, unknown>)
    .filter(([, value]) => value !== false && value !== 0 && value !== null && value !== undefined)
    .map(([key, value]) => (AUGMENTATION_WORDS[key] ?? ((v: unknown) => `${key} ${String(v)}`))(value));
  return items.length ? items.join(", ") : "none";
}

function preprocessingText(value: unknown): string {
  if (value === null || value === undefined) return "automatic (1/255)";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value && "mean" in value) return "mean/std";
  return String(value);
}

/** The model's layers in order (top level), as "Conv2D → MaxPooling2D → …". */
function architectureText(view: SubmissionView): string {
  const layers = view.report?.summary?.layers.filter((layer) => layer.depth === 0 && layer.type !== "InputLayer") ?? [];
  return layers.length ? layers.map((layer) => layer.type).join(" → ") : "–";
}

function settingsRows(views: SubmissionView[], runs: ComparedRun[]): SettingRow[] {
  const settings = views.map((view) => (view.kind === "DEFINITION" && view.trainingSettings && typeof view.trainingSettings === "object" ? (view.trainingSettings as Record<string, unknown>) : null));
  const fromSettings = (key: string, format: (value: unknown) => string = (v) => String(v)) => settings.map((s) => (s ? (s[key] === undefined ? "–" : format(s[key])) : "n/a (trained by the student)"));
  const rows: Array<{ field: string; values: string[] }> = [
    { field: "Kind", values: views.map((view) => (view.kind === "DEFINITION" ? "definition (trained by Holdout)" : "trained model (uploaded)")) },
    { field: "Architecture", values: views.map(architectureText) },
    { field: "Parameters", values: views.map((view) => (view.report?.summary ? view.report.summary.totalParams.toLocaleString("en") : "–")) },
    { field: "Preprocessing", values: views.map((view) => preprocessingText(view.preprocessing)) },
    { field: "Optimizer", values: fromSettings("optimizer") },
    { field: "Learning rate", values: fromSettings("learningRate") },
    { field: "Batch size", values: fromSettings("batchSize") },
    { field: "Epochs asked", values: fromSettings("epochs") },
    { field: "Epochs trained", values: runs.map((run) => (run.curves ? String(run.curves.epochs.length) : "–")) },
    { field: "Validation split", values: fromSettings("validationSplit") },
    { field: "Early stopping", values: fromSettings("earlyStoppingPatience", (v) => (v ? `patience ${v}` : "off")) },
    { field: "Augmentation", values: fromSettings("augmentation", describeAugmentationSettings) },
  ];
  return rows.map((row) => ({ ...row, differs: new Set(row.values).size > 1 }));
}

/**
 * The comparison of the given submissions, as `viewerId` may see them. Any id the viewer may not
 * see is the same 404 as on its report page; ids of another competition are refused.
 */
export async function compareSubmissions(prisma: PrismaClient, viewerId: string, slug: string, ids: string[]): Promise<Comparison> {
  const { competition } = await competitionForUser(prisma, slug, viewerId);
  const views: SubmissionView[] = [];
  for (const id of ids.slice(0, MAX_COMPARED)) {
    const view = await submissionForViewer(prisma, id, viewerId);
    if (view.competition.id !== competition.id) throw new AppError("NOT_FOUND", "No such submission in this competition. Pick submissions from this competition's page or leaderboard.");
    views.push(view);
  }
  const spec = getDatasetSpec(competition.datasetId);
  const runs: ComparedRun[] = views.map((view) => {
    const metrics = view.report?.metrics ?? null;
    const confusion = view.report?.confusion ?? metrics?.confusion ?? null;
    const mine = view.viewerIsOwner;
    return {
      id: view.id,
      baselineLabel: view.baselineLabel,
      owner: view.baselineLabel || mine ? null : view.user.name,
      mine,
      createdAt: view.createdAt,
      status: view.status,
      kind: view.kind,
      publicScore: view.score?.public ?? null,
      publicLoss: view.score?.publicLoss ?? null,
      privateScore: view.score?.private ?? null,
      curves: view.report?.curves ?? null,
      perClass: metrics?.perClass.map((row) => (Number.isFinite(row.accuracy) ? row.accuracy : null)) ?? [],
      confusion: confusion && confusion.length ? confusion : null,
    };
  });
  const classNames = views.map((view) => view.report?.splitInfo?.classNames ?? []).find((names) => names.length > 0) ?? spec.classNames;
  const first = runs[0]?.confusion;
  const confusionDiffs = first
    ? runs.slice(1).flatMap((run) => (run.confusion && run.confusion.length === first.length ? [{ runId: run.id, diff: run.confusion.map((row, i) => row.map((cell, j) => cell - first[i][j])) }] : []))
    : [];
  return { competition: { slug: competition.slug, title: competition.title }, classNames, runs, confusionDiffs, settings: settingsRows(views, runs) };
}

export interface CompareCandidate {
  id: string;
  baselineLabel: string | null;
  owner: string | null;
  mine: boolean;
  createdAt: Date;
  publicScore: number | null;
}

/**
 * What the viewer may pick from: scored submissions that are theirs, the labelled baselines, and,
 * for the course's staff, everyone's (the latest 200).
 */
export async function compareCandidates(prisma: PrismaClient, viewerId: string, slug: string): Promise<CompareCandidate[]> {
  const { competition, isStaff } = await competitionForUser(prisma, slug, viewerId);
  const rows = await prisma.submission.findMany({
    where: {
      competitionId: competition.id,
      status: "SCORED",
      ...(isStaff ? {} : { OR: [{ userId: viewerId }, { isBaseline: true, baselineLabel: { not: null } }] }),
    },
    select: { id: true, userId: true, baselineLabel: true, isBaseline: true, createdAt: true, user: { select: { name: true } }, score: { select: { publicScore: true } } },
    orderBy: [{ createdAt: "desc" }],
    take: 200,
  });
  return rows
    .map((row) => {
      const baselineLabel = row.isBaseline ? row.baselineLabel : null;
      const mine = row.userId === viewerId && !baselineLabel;
      return { id: row.id, baselineLabel, owner: baselineLabel || mine ? null : row.user.name, mine, createdAt: row.createdAt, publicScore: row.score?.publicScore ?? null };
    })
    .sort((a, b) => Number(b.baselineLabel !== null) - Number(a.baselineLabel !== null));
}
