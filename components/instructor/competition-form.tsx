"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Markdown } from "@/components/markdown";
import { useIsClient } from "@/components/use-client";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { FormActionResult } from "@/web/view/form-action";
import type { CompetitionFormValues } from "@/web/view/competition-form";
import { getDatasetSpec, isDatasetName } from "@/lib/datasets/registry";
import type { TestSetPreview } from "@/lib/competitions/test-sets";
import { TestSetPreviewView, TestSetUpload } from "./test-set-upload";

export type { CompetitionFormValues };

export type SaveResult = FormActionResult<{ slug: string; needsRescore?: boolean; changed?: string[] }>;

const pad = (n: number) => String(n).padStart(2, "0");
/** ISO instant → "YYYY-MM-DDTHH:mm" in the browser's zone, for <input type="datetime-local">. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(value: string): string {
  if (!value) return "";
  const d = new Date(value); // parsed in the browser's zone
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/** "Fashion Week 2!" → "fashion-week-2". */
function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

const fieldId = (path: string) => `f-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;

/** Text to number for the JSON settings (grading, late policy): empty becomes null so the server names the field. */
const toNumber = (text: string): number | null => (text.trim() === "" ? null : Number(text));
/** For fields with defaults: empty is left out. */
const optional = (text: string): string | undefined => (text.trim() === "" ? undefined : text.trim());

function toInput(values: CompetitionFormValues, initial: CompetitionFormValues) {
  const uploadMb = toNumber(values.resourceLimits.maxUploadMb);
  const uploadUntouched = values.resourceLimits.maxUploadMb === initial.resourceLimits.maxUploadMb && initial.resourceLimits.uploadBytes;
  return {
    title: values.title,
    slug: values.slug,
    description: values.description,
    datasetId: values.datasetId,
    testSetId: values.testSetId || null,
    opensAt: values.opensAt,
    closesAt: values.closesAt,
    dailyLimit: optional(values.dailyLimit),
    maxFinalSelections: optional(values.maxFinalSelections),
    publicFraction: optional(values.publicFraction),
    splitSeed: optional(values.splitSeed),
    allowedKinds: values.allowedKinds,
    trainingBudget: {
      maxEpochs: optional(values.trainingBudget.maxEpochs),
      maxSeconds: optional(values.trainingBudget.maxSeconds),
      maxParams: optional(values.trainingBudget.maxParams),
      // Empty: the whole training split (the key is left out, so a cleared limit is removed).
      maxTrainExamples: optional(values.trainingBudget.maxTrainExamples),
    },
    resourceLimits: {
      maxUploadBytes: uploadUntouched
        ? initial.resourceLimits.uploadBytes
        : uploadMb === null
          ? undefined
          : Number.isFinite(uploadMb)
            ? String(Math.round(uploadMb * 1024 * 1024))
            : values.resourceLimits.maxUploadMb,
      maxParams: optional(values.resourceLimits.maxParams),
      maxFlops: optional(values.resourceLimits.maxFlops),
      memoryMb: optional(values.resourceLimits.memoryMb),
      timeoutSeconds: optional(values.resourceLimits.timeoutSeconds),
    },
    gradingScheme:
      values.gradingKind === "linear"
        ? { kind: "linear", baseline: toNumber(values.linear.baseline), target: toNumber(values.linear.target), maxPoints: toNumber(values.linear.maxPoints) }
        : { kind: "thresholds", thresholds: values.thresholds.map((t) => ({ minScore: toNumber(t.minScore), points: toNumber(t.points) })) },
    latePolicy: values.lateKind === "none" ? { kind: "none" } : { kind: "penalty", perDayFraction: toNumber(values.late.perDayFraction), maxDays: toNumber(values.late.maxDays) },
    teamSizeLimit: optional(values.teamSizeLimit),
    teamMergeDeadline: values.teamMergeDeadline || null,
    probingGuard: values.probingGuard,
  };
}

/** Error paths from the server → the form field showing them (maxUploadBytes is entered in MB). */
function displayPath(path: string): string {
  if (path === "resourceLimits.maxUploadBytes") return "resourceLimits.maxUploadMb";
  if (path.startsWith("gradingScheme.") && !path.startsWith("gradingScheme.thresholds")) return path.replace("gradingScheme.", "linear.");
  if (path.startsWith("latePolicy.") && path !== "latePolicy") return path.replace("latePolicy.", "late.");
  return path;
}

const parseFraction = (text: string): number | null => (text.trim() === "" ? 0.3 : Number.isFinite(Number(text)) ? Number(text) : null);
const parseSeed = (text: string): number | null => (text.trim() !== "" && Number.isInteger(Number(text)) ? Number(text) : null);
/** What a test set must look like for a competition on this dataset (the shape and classes its models have). */
function expectedFor(datasetId: string) {
  if (!isDatasetName(datasetId)) return null;
  const spec = getDatasetSpec(datasetId);
  return { shape: spec.shape, numClasses: spec.numClasses, title: spec.title };
}

export function CompetitionForm({
  mode,
  initial,
  datasets,
  testSets,
  save,
  hasSubmissions = false,
  courseId,
  attachedPreview = null,
}: {
  mode: "create" | "edit";
  initial: CompetitionFormValues;
  datasets: Array<{ id: string; title: string; baseline: number; target: number }>;
  testSets: Array<{ id: string; name: string; count: number }>;
  save: (input: Record<string, unknown>, force: boolean) => Promise<SaveResult>;
  hasSubmissions?: boolean;
  /** The course the competition belongs to: test sets are uploaded into it. */
  courseId: string;
  /** The preview of the test set attached now (edit mode). */
  attachedPreview?: TestSetPreview | null;
}) {
  const router = useRouter();
  const isClient = useIsClient();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string[] | null>(null);
  const [force, setForce] = useState(false);
  const [previewDescription, setPreviewDescription] = useState(false);
  // New competitions: the slug follows the title until the instructor edits it.
  const [slugTouched, setSlugTouched] = useState(mode === "edit" || initial.slug !== "");
  const [pending, startTransition] = useTransition();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [sets, setSets] = useState(testSets);
  const testSetLocked = mode === "edit" && hasSubmissions ? "This competition has submissions, scored on its current hidden test set: the test set can no longer be replaced." : null;

  /** Create: the uploaded set becomes the form's test set (saved with the competition). Edit: attached at once. */
  async function attachUploaded(preview: TestSetPreview): Promise<string | null> {
    const entry = { id: preview.testSet.id, name: preview.testSet.name, count: preview.testSet.count };
    setSets((current) => (current.some((t) => t.id === entry.id) ? current : [...current, entry]));
    if (mode === "create") {
      set("testSetId", entry.id);
      return null;
    }
    const result = await save({ testSetId: entry.id }, false);
    if (!result.ok) return result.error;
    set("testSetId", entry.id);
    router.refresh();
    return null;
  }
  const zone = isClient ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";

  function set<K extends keyof CompetitionFormValues>(key: K, value: CompetitionFormValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
  }
  function setIn<K extends "trainingBudget" | "resourceLimits" | "linear" | "late">(key: K, field: keyof CompetitionFormValues[K], value: string) {
    setValues((current) => ({ ...current, [key]: { ...current[key], [field]: value } }));
  }

  /** A new dataset brings its suggested linear grading, unless the instructor already changed it. */
  function changeDataset(datasetId: string) {
    const before = datasets.find((d) => d.id === values.datasetId);
    const after = datasets.find((d) => d.id === datasetId);
    setValues((current) => {
      const untouched = before && Number(current.linear.baseline) === before.baseline && Number(current.linear.target) === before.target;
      return { ...current, datasetId, ...(untouched && after ? { linear: { ...current.linear, baseline: String(after.baseline), target: String(after.target) } } : {}) };
    });
  }

  const err = (path: string) => errors[path];
  const described = (path: string, hint?: boolean) => {
    const ids = [err(path) ? `${fieldId(path)}-error` : null, hint ? `${fieldId(path)}-hint` : null].filter(Boolean).join(" ");
    return { "aria-invalid": err(path) ? true : undefined, "aria-describedby": ids || undefined };
  };
  const ErrorText = ({ path }: { path: string }) =>
    err(path) ? (
      <p id={`${fieldId(path)}-error`} className="text-sm text-red-700">
        {err(path)}
      </p>
    ) : null;
  const Hint = ({ path, children }: { path: string; children: React.ReactNode }) => (
    <p id={`${fieldId(path)}-hint`} className="text-xs text-slate-600">
      {children}
    </p>
  );
  const inputCls = (path: string) => `${inputClass} ${err(path) ? "border-red-500 ring-1 ring-red-300" : ""}`;

  function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setSuccess(null);
    startTransition(async () => {
      const result = await save(toInput(values, initial), force);
      if (result.ok) {
        setErrors({});
        setSummary(null);
        setConflict(null);
        setForce(false);
        if (mode === "create") {
          router.push(`/c/${result.data.slug}`);
          return;
        }
        setSuccess(
          result.data.changed && result.data.changed.length === 0
            ? "Nothing changed."
            : `Saved.${result.data.needsRescore ? " Scores depend on what you changed: rescore all submissions on the All submissions page." : ""}`,
        );
        if (result.data.slug !== initial.slug) router.push(`/c/${result.data.slug}/manage`);
        else router.refresh();
        return;
      }
      const mapped: Record<string, string> = {};
      for (const [path, message] of Object.entries(result.fieldErrors)) if (path) mapped[displayPath(path)] = message;
      if (result.code === "CONFLICT" && Array.isArray(result.details?.fields)) setConflict(result.details.fields as string[]);
      setErrors(mapped);
      setSummary(result.error);
      requestAnimationFrame(() => summaryRef.current?.focus());
    });
  }

  const errorList = Object.entries(errors);
  const dataset = datasets.find((d) => d.id === values.datasetId);

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-8" data-ready={isClient ? "true" : undefined}>
      <div ref={summaryRef} tabIndex={-1} className="outline-none">
        {summary && (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900" data-testid="form-errors">
            <p className="font-semibold">{errorList.length > 1 ? `Fix these ${errorList.length} problems and save again:` : summary}</p>
            {errorList.length > 1 && (
              <ul className="mt-1 list-disc pl-5">
                {errorList.map(([path, message]) => (
                  <li key={path}>
                    <a href={`#${fieldId(path)}`} className="underline">
                      {message}
                    </a>
                  </li>
                ))}
              </ul>
            )}
            {conflict && (
              <label className="mt-3 flex items-start gap-2 font-medium">
                <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} className="mt-0.5 size-4 accent-red-700" />
                Change it anyway; I will rescore all submissions afterwards.
              </label>
            )}
          </div>
        )}
        {success && (
          <div role="status" className="rounded-md border border-green-200 bg-green-50 px-4 py-3 text-sm text-green-800">
            {success}
          </div>
        )}
      </div>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Basics</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={fieldId("title")} className="block text-sm font-medium">
              Title
            </label>
            <input id={fieldId("title")} value={values.title} onChange={(e) => {
                const title = e.target.value;
                setValues((current) => ({ ...current, title, ...(slugTouched ? {} : { slug: slugify(title) }) }));
              }} className={inputCls("title")} required maxLength={120} {...described("title")} />
            <ErrorText path="title" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("slug")} className="block text-sm font-medium">
              Address (slug)
            </label>
            <div className="flex items-center gap-1">
              <span className="text-sm text-slate-600">/c/</span>
              <input id={fieldId("slug")} value={values.slug} onChange={(e) => {
                  setSlugTouched(true);
                  set("slug", e.target.value.toLowerCase());
                }} className={inputCls("slug")} required {...described("slug", true)} />
            </div>
            <Hint path="slug">Lowercase letters, digits and dashes, e.g. cifar10-spring.</Hint>
            <ErrorText path="slug" />
          </div>
        </div>
        <div className="space-y-1">
          <div className="flex items-center justify-between">
            <label htmlFor={fieldId("description")} className="block text-sm font-medium">
              Description
            </label>
            <button type="button" onClick={() => setPreviewDescription((v) => !v)} className="text-sm text-indigo-700 underline" aria-pressed={previewDescription}>
              {previewDescription ? "Edit" : "Preview"}
            </button>
          </div>
          {previewDescription ? (
            <div className="min-h-32 rounded-md border border-slate-200 bg-slate-50 p-3" aria-live="polite">
              {values.description.trim() ? <Markdown source={values.description} /> : <p className="text-sm text-slate-600">Nothing to preview.</p>}
            </div>
          ) : (
            <textarea id={fieldId("description")} rows={8} value={values.description} onChange={(e) => set("description", e.target.value)} className={`${inputCls("description")} font-mono`} {...described("description", true)} />
          )}
          <Hint path="description">Markdown: # headings, paragraphs, - lists, `code`, ``` code blocks, **bold**, [links](https://…). HTML is shown as text.</Hint>
          <ErrorText path="description" />
        </div>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Data</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <div className="space-y-1">
            <label htmlFor={fieldId("datasetId")} className="block text-sm font-medium">
              Dataset
            </label>
            <select id={fieldId("datasetId")} value={values.datasetId} onChange={(e) => changeDataset(e.target.value)} className={inputCls("datasetId")} {...described("datasetId")}>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </select>
            <ErrorText path="datasetId" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("testSetId")} className="block text-sm font-medium">
              Hidden test set
            </label>
            <select id={fieldId("testSetId")} value={values.testSetId} onChange={(e) => set("testSetId", e.target.value)} disabled={Boolean(testSetLocked)} className={inputCls("testSetId")} {...described("testSetId")}>
              <option value="">The dataset&apos;s official test set</option>
              {sets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.count.toLocaleString("en-US")} images)
                </option>
              ))}
            </select>
            <ErrorText path="testSetId" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("publicFraction")} className="block text-sm font-medium">
              Public fraction
            </label>
            <input id={fieldId("publicFraction")} inputMode="decimal" value={values.publicFraction} onChange={(e) => set("publicFraction", e.target.value)} className={inputCls("publicFraction")} {...described("publicFraction", true)} />
            <Hint path="publicFraction">0.05–0.95; 0.3 scores 30 % of the test set publicly.</Hint>
            <ErrorText path="publicFraction" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("splitSeed")} className="block text-sm font-medium">
              Split seed
            </label>
            <input id={fieldId("splitSeed")} inputMode="numeric" value={values.splitSeed} onChange={(e) => set("splitSeed", e.target.value)} className={inputCls("splitSeed")} {...described("splitSeed", true)} />
            <Hint path="splitSeed">{mode === "create" ? "Leave empty for a random one." : "Decides which test images are public."}</Hint>
            <ErrorText path="splitSeed" />
          </div>
        </div>
        {mode === "edit" && hasSubmissions && (
          <p className="text-sm text-amber-900">This competition has submissions: changing the dataset, public fraction or seed changes every score and needs a rescore.</p>
        )}
        {attachedPreview && values.testSetId === attachedPreview.testSet.id && (
          <details className="text-sm">
            <summary className="cursor-pointer font-medium">The attached test set: {attachedPreview.testSet.name}</summary>
            <div className="mt-2">
              <TestSetPreviewView preview={attachedPreview} publicFraction={parseFraction(values.publicFraction)} splitSeed={parseSeed(values.splitSeed)} expected={expectedFor(values.datasetId)} />
            </div>
          </details>
        )}
        <TestSetUpload
          courseId={courseId}
          publicFraction={parseFraction(values.publicFraction)}
          splitSeed={parseSeed(values.splitSeed)}
          expected={expectedFor(values.datasetId)}
          locked={testSetLocked}
          onAttach={attachUploaded}
        />
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Schedule and rules</legend>
        <p className="text-sm text-slate-600">Times are in your time zone ({zone}).</p>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {(["opensAt", "closesAt"] as const).map((key) => (
            <div key={key} className="space-y-1">
              <label htmlFor={fieldId(key)} className="block text-sm font-medium">
                {key === "opensAt" ? "Opens" : "Closes (deadline)"}
              </label>
              <input
                id={fieldId(key)}
                type="datetime-local"
                value={isClient ? toLocalInput(values[key]) : ""}
                onChange={(e) => set(key, fromLocalInput(e.target.value))}
                className={inputCls(key)}
                required
                {...described(key)}
              />
              <ErrorText path={key} />
            </div>
          ))}
          <div className="space-y-1">
            <label htmlFor={fieldId("dailyLimit")} className="block text-sm font-medium">
              Daily submission limit
            </label>
            <input id={fieldId("dailyLimit")} type="number" min={1} max={100} value={values.dailyLimit} onChange={(e) => set("dailyLimit", e.target.value)} className={inputCls("dailyLimit")} {...described("dailyLimit")} />
            <ErrorText path="dailyLimit" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("maxFinalSelections")} className="block text-sm font-medium">
              Final selections per student
            </label>
            <input id={fieldId("maxFinalSelections")} type="number" min={1} max={10} value={values.maxFinalSelections} onChange={(e) => set("maxFinalSelections", e.target.value)} className={inputCls("maxFinalSelections")} {...described("maxFinalSelections")} />
            <ErrorText path="maxFinalSelections" />
          </div>
        </div>
        <fieldset className="space-y-1" aria-describedby={err("allowedKinds") ? `${fieldId("allowedKinds")}-error` : undefined}>
          <legend id={fieldId("allowedKinds")} className="text-sm font-medium">
            Allowed kinds
          </legend>
          <div className="flex flex-wrap gap-4">
            {(["WEIGHTS", "DEFINITION"] as const).map((kind) => (
              <label key={kind} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-indigo-600"
                  checked={values.allowedKinds.includes(kind)}
                  onChange={(e) => set("allowedKinds", e.target.checked ? [...values.allowedKinds, kind] : values.allowedKinds.filter((k) => k !== kind))}
                />
                {kind === "WEIGHTS" ? "Trained models (weights)" : "Architectures Holdout trains (definitions)"}
              </label>
            ))}
          </div>
          <ErrorText path="allowedKinds" />
        </fieldset>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Training budget (definitions)</legend>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {(
            [
              ["maxEpochs", "Maximum epochs"],
              ["maxSeconds", "Maximum seconds"],
              ["maxParams", "Maximum parameters"],
              ["maxTrainExamples", "Maximum training examples"],
            ] as const
          ).map(([key, label]) => {
            const path = `trainingBudget.${key}`;
            return (
              <div key={key} className="space-y-1">
                <label htmlFor={fieldId(path)} className="block text-sm font-medium">
                  {label}
                </label>
                <input
                  id={fieldId(path)}
                  inputMode="numeric"
                  value={values.trainingBudget[key]}
                  placeholder={key === "maxTrainExamples" ? "all" : undefined}
                  onChange={(e) => setIn("trainingBudget", key, e.target.value)}
                  className={inputCls(path)}
                  {...described(path, key === "maxTrainExamples")}
                />
                {key === "maxTrainExamples" && <Hint path={path}>Empty: the whole training split. A number: an evenly spread subset of that many (for CPU-only servers).</Hint>}
                <ErrorText path={path} />
              </div>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Limits</legend>
        <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
          {(
            [
              ["maxUploadMb", "Upload size (MB)"],
              ["maxParams", "Model parameters"],
              ["maxFlops", "FLOPs per image"],
              ["memoryMb", "Memory (MB)"],
              ["timeoutSeconds", "Evaluation time (s)"],
            ] as const
          ).map(([key, label]) => {
            const path = `resourceLimits.${key}`;
            return (
              <div key={key} className="space-y-1">
                <label htmlFor={fieldId(path)} className="block text-sm font-medium">
                  {label}
                </label>
                <input id={fieldId(path)} inputMode="decimal" value={values.resourceLimits[key]} onChange={(e) => setIn("resourceLimits", key, e.target.value)} className={inputCls(path)} {...described(path)} />
                <ErrorText path={path} />
              </div>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Grading</legend>
        <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="Grading scheme">
          {(
            [
              ["linear", "Linear from a baseline to a target"],
              ["thresholds", "Thresholds (points per score level)"],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="flex items-center gap-2">
              <input type="radio" name="gradingKind" className="accent-indigo-600" checked={values.gradingKind === kind} onChange={() => set("gradingKind", kind)} />
              {label}
            </label>
          ))}
        </div>
        <ErrorText path="gradingScheme" />
        {values.gradingKind === "linear" ? (
          <div className="grid gap-4 sm:grid-cols-3">
            {(
              [
                ["baseline", "Baseline score (0 points)"],
                ["target", "Target score (full points)"],
                ["maxPoints", "Full points"],
              ] as const
            ).map(([key, label]) => {
              const path = `linear.${key}`;
              return (
                <div key={key} className="space-y-1">
                  <label htmlFor={fieldId(path)} className="block text-sm font-medium">
                    {label}
                  </label>
                  <input id={fieldId(path)} inputMode="decimal" value={values.linear[key]} onChange={(e) => setIn("linear", key, e.target.value)} className={inputCls(path)} {...described(path)} />
                  <ErrorText path={path} />
                </div>
              );
            })}
            {dataset && (
              <p className="text-xs text-slate-600 sm:col-span-3">
                Scores are accuracies from 0 to 1. Suggested for {dataset.title}: baseline {dataset.baseline}, target {dataset.target}.
              </p>
            )}
          </div>
        ) : (
          <div className="space-y-2">
            <table className="text-sm">
              <caption className="sr-only">Thresholds</caption>
              <thead>
                <tr className="text-left text-slate-700">
                  <th scope="col" className="pr-3 font-medium">
                    Minimum score
                  </th>
                  <th scope="col" className="pr-3 font-medium">
                    Points
                  </th>
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {values.thresholds.map((row, index) => (
                  <tr key={index}>
                    {(["minScore", "points"] as const).map((key) => {
                      const path = `gradingScheme.thresholds.${index}.${key}`;
                      return (
                        <td key={key} className="py-1 pr-3 align-top">
                          <input
                            id={fieldId(path)}
                            aria-label={`Threshold ${index + 1} ${key === "minScore" ? "minimum score" : "points"}`}
                            inputMode="decimal"
                            value={row[key]}
                            onChange={(e) => set("thresholds", values.thresholds.map((t, i) => (i === index ? { ...t, [key]: e.target.value } : t)))}
                            className={`${inputCls(path)} w-32`}
                            {...described(path)}
                          />
                          <ErrorText path={path} />
                        </td>
                      );
                    })}
                    <td className="py-1 align-top">
                      <button type="button" className="rounded px-2 py-2 text-sm text-red-700 hover:bg-red-50" onClick={() => set("thresholds", values.thresholds.filter((_, i) => i !== index))} aria-label={`Remove threshold ${index + 1}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" className={secondaryButtonClass} onClick={() => set("thresholds", [...values.thresholds, { minScore: "", points: "" }])}>
              Add threshold
            </button>
            <ErrorText path="gradingScheme.thresholds" />
          </div>
        )}
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Late policy</legend>
        <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="Late policy">
          {(
            [
              ["none", "No late submissions"],
              ["penalty", "Accept late work with a penalty"],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="flex items-center gap-2">
              <input type="radio" name="lateKind" className="accent-indigo-600" checked={values.lateKind === kind} onChange={() => set("lateKind", kind)} />
              {label}
            </label>
          ))}
        </div>
        <ErrorText path="latePolicy" />
        {values.lateKind === "penalty" && (
          <div className="grid gap-4 sm:grid-cols-3">
            <div className="space-y-1">
              <label htmlFor={fieldId("late.perDayFraction")} className="block text-sm font-medium">
                Penalty per day (fraction)
              </label>
              <input id={fieldId("late.perDayFraction")} inputMode="decimal" value={values.late.perDayFraction} onChange={(e) => setIn("late", "perDayFraction", e.target.value)} className={inputCls("late.perDayFraction")} {...described("late.perDayFraction", true)} />
              <Hint path="late.perDayFraction">0.1 = 10 % of the points lost per started day.</Hint>
              <ErrorText path="late.perDayFraction" />
            </div>
            <div className="space-y-1">
              <label htmlFor={fieldId("late.maxDays")} className="block text-sm font-medium">
                Days accepted after the deadline
              </label>
              <input id={fieldId("late.maxDays")} inputMode="numeric" value={values.late.maxDays} onChange={(e) => setIn("late", "maxDays", e.target.value)} className={inputCls("late.maxDays")} {...described("late.maxDays")} />
              <ErrorText path="late.maxDays" />
            </div>
          </div>
        )}
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold">Teams</legend>
        <p className="text-sm text-slate-600">
          With a limit above 1, students form teams on the competition page and invite classmates with a code. A team shares one daily limit, one final selection and one
          grade.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={fieldId("teamSizeLimit")} className="block text-sm font-medium">
              Team size limit
            </label>
            <input id={fieldId("teamSizeLimit")} type="number" min={1} max={20} value={values.teamSizeLimit} onChange={(e) => set("teamSizeLimit", e.target.value)} className={inputCls("teamSizeLimit")} {...described("teamSizeLimit", true)} />
            <Hint path="teamSizeLimit">1 = individual work (no teams).</Hint>
            <ErrorText path="teamSizeLimit" />
          </div>
          <div className="space-y-1">
            <label htmlFor={fieldId("teamMergeDeadline")} className="block text-sm font-medium">
              Team deadline
            </label>
            <input
              id={fieldId("teamMergeDeadline")}
              type="datetime-local"
              value={isClient ? toLocalInput(values.teamMergeDeadline) : ""}
              onChange={(e) => set("teamMergeDeadline", fromLocalInput(e.target.value))}
              className={inputCls("teamMergeDeadline")}
              {...described("teamMergeDeadline", true)}
            />
            <Hint path="teamMergeDeadline">After this, teams cannot be formed, joined or left. Empty: until the close.</Hint>
            <ErrorText path="teamMergeDeadline" />
          </div>
        </div>
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-base font-semibold">Probing guard</legend>
        <label className="flex items-start gap-2 text-sm">
          <input id={fieldId("probingGuard")} type="checkbox" checked={values.probingGuard} onChange={(e) => set("probingGuard", e.target.checked)} className="mt-0.5 size-4" />
          <span>
            <span className="font-medium">Show a new public score only when it is clearly better</span> (the Ladder, Blum &amp; Hardt 2015). A student&apos;s public board
            score moves only when a submission beats their best shown score by more than 1/√n of the public split (1.8 points for 3,000 public images).
          </span>
        </label>
        <p className="text-sm text-slate-600">
          Trade-off: students who submit many small variants can no longer climb the board on lucky noise, so the public ranking stays closer to the private one and the
          shake-up at the close is smaller; but genuine small improvements do not show on the board either, which some students find discouraging. Each report still
          shows that submission&apos;s own public accuracy and says why the board did or did not move. Off by default; it applies to submissions scored while it is on.
        </p>
      </fieldset>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
        <button type="submit" className={buttonClass} disabled={pending || !isClient}>
          {pending ? "Saving…" : mode === "create" ? "Create competition" : "Save changes"}
        </button>
        <p className="text-sm text-slate-600">Everything is checked on the server; problems appear next to their fields.</p>
      </div>
    </form>
  );
}

