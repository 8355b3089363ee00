"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { Alert, buttonClass, Field, inputClass, secondaryButtonClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import { formatBytes } from "@/web/view/format";

export interface UploadFormProps {
  slug: string;
  allowedKinds: Array<"WEIGHTS" | "DEFINITION">;
  maxUploadBytes: number;
  maxEpochs: number;
  channels: number;
  /** Query string to keep on the submission page (the instructor's student preview). */
  keepQuery?: string;
  disabledReason?: string | null;
}

interface ServerProblem {
  status: number;
  title: string;
  message: string;
  items: string[];
}

/** What Holdout will probably make of a file, by name (the server decides). */
function describeFile(file: File): string {
  const name = file.name.toLowerCase();
  if (name === "model.json") return "TF.js model (topology + weights manifest)";
  if (name.endsWith(".bin")) return "TF.js weight shard";
  if (name.endsWith(".keras")) return "Keras model (.keras)";
  if (name.endsWith(".h5") || name.endsWith(".hdf5")) return "Keras HDF5 model (.h5)";
  if (name.endsWith(".csv")) return "training history (CSVLogger)";
  if (name.endsWith(".zip")) return "zip archive";
  if (name.endsWith(".json")) return name.includes("history") ? "training history (history.history)" : "JSON (architecture or history)";
  return "unknown file type";
}

/** The free model check's answer (POST /api/v1/competitions/{slug}/check, lib/submissions/model-check.ts). */
interface ModelCheckAnswer {
  ok: boolean;
  format: string | null;
  summary: { totalParams: number; layers: unknown[] } | null;
  trial: { examples: number; declared: TrialRun; others: TrialRun[]; error: string | null } | null;
  errors: string[];
  warnings: string[];
  remainingToday: number | null;
}
interface TrialRun {
  preprocessing: unknown;
  accuracy: number;
}

type ModelCheckState = { status: "checking" } | { status: "done"; answer: ModelCheckAnswer } | { status: "refused"; message: string };

const preprocessingName = (p: unknown) => (p === "raw" ? "raw pixels 0–255" : p === "1/255" ? "scaled to 0–1 (x / 255)" : "standardized (mean/std)");

/** The check's result under the chosen files: the trial's accuracy, warnings (with the fix they name) and errors. */
function ModelCheckPanel({ state }: { state: ModelCheckState }) {
  if (state.status === "checking") {
    return (
      <p role="status" data-testid="model-check" data-state="checking" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
        Checking your model (free: nothing is stored, no submission is used)…
      </p>
    );
  }
  if (state.status === "refused") {
    return (
      <p role="status" data-testid="model-check" data-state="refused" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
        The free check did not run: {state.message}
      </p>
    );
  }
  const { answer } = state;
  const trial = answer.trial;
  const tone = !answer.ok ? "border-red-200 bg-red-50 text-red-900" : answer.warnings.length > 0 ? "border-amber-300 bg-amber-50 text-amber-950" : "border-green-200 bg-green-50 text-green-900";
  return (
    <div role="status" data-testid="model-check" data-state={answer.ok ? (answer.warnings.length > 0 ? "warning" : "passed") : "failed"} className={`rounded-md border px-4 py-3 text-sm ${tone}`}>
      <p className="font-semibold">{answer.ok ? (answer.warnings.length > 0 ? "Check passed, with warnings" : "Check passed") : "An upload of these files would be refused"}</p>
      {answer.ok && answer.format && (
        <p className="mt-1">
          {answer.format}
          {answer.summary ? `, ${answer.summary.layers.length} layers, ${answer.summary.totalParams.toLocaleString("en-US")} parameters` : ""}.
        </p>
      )}
      {trial && !trial.error && (
        <p className="mt-1" data-testid="model-check-trial">
          On {trial.examples} images of the public split: <strong className="tabular-nums">{(trial.declared.accuracy * 100).toFixed(1)} %</strong> with {preprocessingName(trial.declared.preprocessing)}
          {trial.others.length > 0 && ` (${trial.others.map((run) => `${(run.accuracy * 100).toFixed(1)} % with ${preprocessingName(run.preprocessing)}`).join("; ")})`}.
        </p>
      )}
      {(answer.errors.length > 0 || answer.warnings.length > 0) && (
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {answer.errors.map((item, index) => (
            <li key={`e${index}`} className="whitespace-pre-wrap">
              {item}
            </li>
          ))}
          {answer.warnings.map((item, index) => (
            <li key={`w${index}`} className="whitespace-pre-wrap">
              {item}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-2 text-xs opacity-80">This check is free: nothing was stored{answer.remainingToday !== null ? ` and you still have ${answer.remainingToday} submissions today` : ""}.</p>
    </div>
  );
}

const STATUS_TITLES: Record<number, string> = {
  400: "The submission was refused",
  401: "You are signed out",
  403: "You cannot submit here",
  404: "The competition was not found",
  413: "The upload is too large",
  415: "Unsupported upload",
  422: "Your files did not pass the checks",
  429: "No submissions left for now",
  503: "Holdout is busy",
};

function problemFrom(status: number, text: string): ServerProblem {
  let body: ({ error?: unknown; message?: unknown; details?: unknown } & Record<string, unknown>) | null = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: a proxy's error page */
  }
  const items: string[] = [];
  const details = body?.details;
  const collect = (value: unknown) => {
    if (typeof value === "string") items.push(value);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const message = typeof record.message === "string" ? record.message : null;
      if (message) {
        const where = typeof record.file === "string" ? record.file : typeof record.location === "string" ? record.location : typeof record.path === "string" ? record.path : null;
        const hint = typeof record.hint === "string" ? ` ${record.hint}` : "";
        items.push(`${where ? `${where}: ` : ""}${message}${hint}`);
      }
    }
  };
  // The API spreads an error's details into the body ({ error, message, errors: [...] }); accept a details object too.
  const sources = [body, details].filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v));
  if (Array.isArray(details)) details.forEach(collect);
  for (const record of sources) for (const key of ["errors", "issues", "problems"]) if (Array.isArray(record[key])) (record[key] as unknown[]).forEach(collect);
  let message = typeof body?.message === "string" ? body.message.trim() : "";
  // A 422's message often repeats its list (joined by newlines): then show only the list.
  if (items.length > 0 && message && items.every((item) => message.includes(item))) message = "";
  if (!message && items.length === 0) {
    message =
      status === 0
        ? "The upload did not reach Holdout (a network problem, or the connection dropped). Check your connection and try again."
        : status >= 500
          ? "Something went wrong on Holdout's side. Try again in a minute; if it keeps happening, tell your instructor."
          : `The server answered with status ${status}.`;
  }
  return { status, title: STATUS_TITLES[status] ?? (status === 0 ? "The upload failed" : "The submission was refused"), message, items: [...new Set(items)] };
}

export function UploadForm({ slug, allowedKinds, maxUploadBytes, maxEpochs, channels, keepQuery = "", disabledReason }: UploadFormProps) {
  const router = useRouter();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [kind, setKind] = useState<"WEIGHTS" | "DEFINITION">(allowedKinds[0] ?? "WEIGHTS");
  const [preprocessing, setPreprocessing] = useState<"1/255" | "raw" | "standardize">("1/255");
  const [earlyStopping, setEarlyStopping] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<"idle" | "uploading" | "checking" | "done">("idle");
  const [problem, setProblem] = useState<ServerProblem | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);
  const isClient = useIsClient();
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const formRef = useRef<HTMLFormElement>(null);
  const [modelCheck, setModelCheck] = useState<ModelCheckState | null>(null);

  // The free model check runs as soon as files are chosen, and again when the kind or the
  // preprocessing changes (the previous one is abandoned). It never changes the choices.
  useEffect(() => {
    if (files.length === 0 || totalBytes > maxUploadBytes) {
      setModelCheck(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const body = new FormData();
      body.set("kind", kind === "WEIGHTS" ? "weights" : "definition");
      if (preprocessing === "standardize") {
        const form = formRef.current ? new FormData(formRef.current) : null;
        const list = (name: string) => String(form?.get(name) ?? "").split(/[\s,;]+/).filter(Boolean).join(",");
        if (!list("mean") || !list("std")) {
          setModelCheck({ status: "refused", message: "enter the mean and std to check the model with them." });
          return;
        }
        body.set("preprocessing", `mean=${list("mean")};std=${list("std")}`);
      } else body.set("preprocessing", preprocessing);
      for (const file of files) body.append("files", file, file.name);
      setModelCheck({ status: "checking" });
      try {
        const response = await fetch(`/api/v1/competitions/${encodeURIComponent(slug)}/check`, { method: "POST", body, headers: { Accept: "application/json" }, signal: controller.signal });
        const text = await response.text();
        if (response.ok) setModelCheck({ status: "done", answer: (JSON.parse(text) as { check: ModelCheckAnswer }).check });
        else {
          const problem = problemFrom(response.status, text);
          setModelCheck({ status: "refused", message: [problem.message, ...problem.items].filter(Boolean).join(" ") });
        }
      } catch (error) {
        if (!controller.signal.aborted) setModelCheck({ status: "refused", message: `Holdout could not be reached (${(error as Error).message}). You can still submit.` });
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [files, kind, preprocessing, slug, totalBytes, maxUploadBytes]);

  // Files chosen before the page finished loading (before React listened) still count.
  useEffect(() => {
    const early = inputRef.current?.files;
    if (early && early.length > 0) {
      const list = Array.from(early);
      setFiles((current) => (current.length > 0 ? current : list));
      inputRef.current!.value = "";
    }
  }, []);
  const busy = phase === "uploading" || phase === "checking" || phase === "done";

  function addFiles(list: FileList | null) {
    if (!list || list.length === 0) return;
    // Copy now: the input is cleared right after, and the updater below runs later.
    const incoming = Array.from(list);
    setProblem(null);
    setClientError(null);
    setFiles((current) => {
      const byName = new Map(current.map((file) => [file.name, file]));
      for (const file of incoming) byName.set(file.name, file);
      return [...byName.values()];
    });
  }

  function showProblem(next: ServerProblem) {
    setProblem(next);
    setPhase("idle");
    setProgress(null);
    requestAnimationFrame(() => errorRef.current?.focus());
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    setClientError(null);
    if (files.length === 0) {
      setClientError("Choose your model files first: drop them on the box or use “Choose files”.");
      requestAnimationFrame(() => errorRef.current?.focus());
      return;
    }
    if (totalBytes > maxUploadBytes) {
      setClientError(`The files add up to ${formatBytes(totalBytes)}, more than this competition's limit of ${formatBytes(maxUploadBytes)}. Save a smaller model, or leave out files Holdout does not need.`);
      requestAnimationFrame(() => errorRef.current?.focus());
      return;
    }
    const form = new FormData(event.currentTarget);
    const body = new FormData();
    body.set("kind", kind === "WEIGHTS" ? "weights" : "definition");
    if (preprocessing === "standardize") {
      const list = (name: string) => String(form.get(name) ?? "").split(/[\s,;]+/).filter(Boolean).join(",");
      body.set("preprocessing", `mean=${list("mean")};std=${list("std")}`);
    } else body.set("preprocessing", preprocessing);
    const note = String(form.get("note") ?? "").trim();
    if (note) body.set("note", note);
    if (kind === "DEFINITION") {
      const number = (name: string) => {
        const text = String(form.get(name) ?? "").trim();
        return text === "" ? undefined : Number(text);
      };
      const settings = {
        optimizer: String(form.get("optimizer") ?? "adam"),
        learningRate: number("learningRate"),
        batchSize: number("batchSize"),
        epochs: number("epochs"),
        validationSplit: number("validationSplit"),
        earlyStoppingPatience: earlyStopping ? (number("patience") ?? null) : null,
        augmentation: {
          horizontalFlip: form.get("horizontalFlip") === "on",
          rotationDegrees: number("rotationDegrees") ?? 0,
          widthShift: number("widthShift") ?? 0,
          heightShift: number("heightShift") ?? 0,
          zoom: number("zoom") ?? 0,
          cropPadding: number("cropPadding") ?? 0,
        },
      };
      body.set("trainingSettings", JSON.stringify(settings));
    }
    for (const file of files) body.append("files", file, file.name);

    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/competitions/${encodeURIComponent(slug)}/submissions`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => {
      setProgress(1);
      setPhase("checking");
    };
    xhr.onerror = () => showProblem(problemFrom(0, ""));
    xhr.onabort = () => showProblem({ status: 0, title: "The upload was cancelled", message: "Nothing was sent. Submit again when you are ready.", items: [] });
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        try {
          const answer = JSON.parse(xhr.responseText) as { submission?: { id?: string } };
          const submissionId = answer.submission?.id;
          if (submissionId) {
            setPhase("done");
            router.push(`/c/${slug}/submissions/${submissionId}${keepQuery}`);
            return;
          }
        } catch {
          /* fall through */
        }
        showProblem({ status: xhr.status, title: "The submission was stored, but the answer was unreadable", message: "Find it under “Your submissions” on the competition page.", items: [] });
        return;
      }
      showProblem(problemFrom(xhr.status, xhr.responseText));
    };
    setPhase("uploading");
    setProgress(0);
    xhr.send(body);
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-6" noValidate aria-describedby={disabledReason ? `${id}-disabled` : undefined} data-ready={isClient ? "true" : undefined}>
      {disabledReason && (
        <div id={`${id}-disabled`}>
          <Alert kind="info">{disabledReason}</Alert>
        </div>
      )}
      <div ref={errorRef} tabIndex={-1} className="outline-none" aria-live="assertive">
        {clientError && <Alert>{clientError}</Alert>}
        {problem && (
          <div role="alert" data-testid="upload-error" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
            <p className="font-semibold">{problem.title}</p>
            {problem.message && <p className="mt-1 whitespace-pre-wrap">{problem.message}</p>}
            {problem.items.length > 0 && (
              <ul className="mt-2 list-disc space-y-1 pl-5">
                {problem.items.map((item, index) => (
                  <li key={index} className="whitespace-pre-wrap">
                    {item}
                  </li>
                ))}
              </ul>
            )}
            {problem.status !== 429 && problem.status !== 0 && <p className="mt-2 text-red-800">Nothing was stored, and it does not count against your daily limit. Fix the files and submit again.</p>}
          </div>
        )}
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">What are you submitting?</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {(["WEIGHTS", "DEFINITION"] as const).map((value) => {
            const allowed = allowedKinds.includes(value);
            return (
              <label
                key={value}
                className={`flex cursor-pointer gap-3 rounded-md border p-3 text-sm ${kind === value ? "border-indigo-500 bg-indigo-50 ring-1 ring-indigo-500" : "border-slate-300 bg-white"} ${allowed ? "" : "cursor-not-allowed opacity-60"}`}
              >
                <input type="radio" name="kind" value={value} checked={kind === value} disabled={!allowed || busy} onChange={() => setKind(value)} className="mt-0.5 accent-indigo-600" />
                <span>
                  <span className="block font-medium">{value === "WEIGHTS" ? "A trained model" : "An architecture for Holdout to train"}</span>
                  <span className="block text-slate-600">
                    {value === "WEIGHTS" ? "model.keras, model.h5, or TF.js model.json + .bin shards; optionally your history.json / CSV log." : "Keras model JSON (model.to_json()) or an untrained .keras/.h5; Holdout trains it with your settings."}
                    {!allowed && " Not allowed in this competition."}
                  </span>
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>

      <div className="space-y-2">
        <input
          ref={inputRef}
          id={`${id}-files`}
          name="files"
          type="file"
          multiple
          accept=".json,.bin,.keras,.h5,.hdf5,.csv,.zip"
          disabled={busy}
          className="peer sr-only"
          aria-describedby={`${id}-files-hint`}
          onChange={(event) => {
            addFiles(event.target.files);
            event.target.value = "";
          }}
        />
        <label
          htmlFor={`${id}-files`}
          onDragEnter={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            if (!busy) addFiles(e.dataTransfer.files);
          }}
          data-testid="drop-zone"
          className={`flex cursor-pointer flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-6 py-10 text-center transition peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 ${
            dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white hover:border-indigo-400"
          }`}
        >
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-8 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <span className="text-sm font-medium text-slate-800">Drop your model files here, or <span className="text-indigo-700 underline">choose files</span></span>
          <span id={`${id}-files-hint`} className="text-xs text-slate-600">
            .keras, .h5, model.json with its .bin shards, architecture JSON, and optionally a Keras history (.json or CSVLogger .csv). Up to {formatBytes(maxUploadBytes)} in all.
          </span>
        </label>
        {files.length > 0 && (
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white text-sm" aria-label="Chosen files">
            {files.map((file) => (
              <li key={file.name} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
                <span>
                  <span className="font-mono">{file.name}</span> <span className="text-slate-600">· {formatBytes(file.size)} · {describeFile(file)}</span>
                </span>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => setFiles((current) => current.filter((f) => f !== file))}
                  className="rounded px-2 py-0.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
                  aria-label={`Remove ${file.name}`}
                >
                  Remove
                </button>
              </li>
            ))}
            <li className="px-3 py-2 text-right text-xs text-slate-600">Total {formatBytes(totalBytes)}</li>
          </ul>
        )}
        {modelCheck && <ModelCheckPanel state={modelCheck} />}
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-preprocessing`} label="Input preprocessing" hint="What your model expects its pixels to be, as in your notebook.">
          <select
            id={`${id}-preprocessing`}
            name="preprocessing"
            value={preprocessing}
            disabled={busy}
            onChange={(e) => setPreprocessing(e.target.value as typeof preprocessing)}
            className={inputClass}
            aria-describedby={`${id}-preprocessing-hint`}
          >
            <option value="1/255">Scaled to 0–1 (x / 255)</option>
            <option value="raw">Raw pixels 0–255</option>
            <option value="standardize">Standardized per channel: (x / 255 − mean) / std</option>
          </select>
        </Field>
        {preprocessing === "standardize" && (
          <div className="grid grid-cols-2 gap-2">
            <Field id={`${id}-mean`} label="Mean" hint={channels === 3 ? "3 values, e.g. 0.49, 0.48, 0.45" : "e.g. 0.1307"}>
              <input id={`${id}-mean`} name="mean" required disabled={busy} className={inputClass} placeholder={channels === 3 ? "0.49, 0.48, 0.45" : "0.1307"} aria-describedby={`${id}-mean-hint`} />
            </Field>
            <Field id={`${id}-std`} label="Std" hint={channels === 3 ? "3 values, e.g. 0.25, 0.24, 0.26" : "e.g. 0.3081"}>
              <input id={`${id}-std`} name="std" required disabled={busy} className={inputClass} placeholder={channels === 3 ? "0.25, 0.24, 0.26" : "0.3081"} aria-describedby={`${id}-std-hint`} />
            </Field>
          </div>
        )}
      </div>

      {kind === "DEFINITION" && (
        <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Training settings</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field id={`${id}-optimizer`} label="Optimizer">
              <select id={`${id}-optimizer`} name="optimizer" defaultValue="adam" disabled={busy} className={inputClass}>
                <option value="adam">Adam</option>
                <option value="sgd">SGD</option>
                <option value="rmsprop">RMSprop</option>
              </select>
            </Field>
            <Field id={`${id}-learningRate`} label="Learning rate">
              <input id={`${id}-learningRate`} name="learningRate" type="number" step="any" min="0" max="1" defaultValue="0.001" disabled={busy} className={inputClass} />
            </Field>
            <Field id={`${id}-batchSize`} label="Batch size">
              <input id={`${id}-batchSize`} name="batchSize" type="number" min="1" max="1024" defaultValue="32" disabled={busy} className={inputClass} />
            </Field>
            <Field id={`${id}-epochs`} label="Epochs" hint={`At most ${maxEpochs} in this competition.`}>
              <input id={`${id}-epochs`} name="epochs" type="number" min="1" max={maxEpochs} defaultValue={Math.min(10, maxEpochs)} disabled={busy} className={inputClass} aria-describedby={`${id}-epochs-hint`} />
            </Field>
            <Field id={`${id}-validationSplit`} label="Validation split" hint="Fraction held out, 0–0.5.">
              <input id={`${id}-validationSplit`} name="validationSplit" type="number" step="0.05" min="0" max="0.5" defaultValue="0.1" disabled={busy} className={inputClass} aria-describedby={`${id}-validationSplit-hint`} />
            </Field>
            <div className="space-y-1">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
                <input type="checkbox" checked={earlyStopping} onChange={(e) => setEarlyStopping(e.target.checked)} disabled={busy} className="size-4 accent-indigo-600" />
                Early stopping
              </label>
              {earlyStopping && (
                <>
                  <label htmlFor={`${id}-patience`} className="block text-xs text-slate-700">
                    Patience (epochs without a better validation loss)
                  </label>
                  <input id={`${id}-patience`} name="patience" type="number" min="1" max="100" defaultValue="3" disabled={busy} className={inputClass} />
                </>
              )}
            </div>
          </div>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-800">Data augmentation</legend>
            <div className="grid gap-4 sm:grid-cols-4">
              <label className="flex items-center gap-2 self-end pb-2 text-sm">
                <input type="checkbox" name="horizontalFlip" disabled={busy} className="size-4 accent-indigo-600" /> Horizontal flip
              </label>
              <Field id={`${id}-rotation`} label="Rotation (±degrees)">
                <input id={`${id}-rotation`} name="rotationDegrees" type="number" min="0" max="180" defaultValue="0" disabled={busy} className={inputClass} />
              </Field>
              <Field id={`${id}-widthShift`} label="Width shift (fraction)">
                <input id={`${id}-widthShift`} name="widthShift" type="number" step="0.05" min="0" max="0.5" defaultValue="0" disabled={busy} className={inputClass} />
              </Field>
              <Field id={`${id}-heightShift`} label="Height shift (fraction)">
                <input id={`${id}-heightShift`} name="heightShift" type="number" step="0.05" min="0" max="0.5" defaultValue="0" disabled={busy} className={inputClass} />
              </Field>
              <Field id={`${id}-zoom`} label="Zoom (± fraction)">
                <input id={`${id}-zoom`} name="zoom" type="number" step="0.05" min="0" max="0.5" defaultValue="0" disabled={busy} className={inputClass} />
              </Field>
              <Field id={`${id}-cropPadding`} label="Random crop: padding (px)" hint="CIFAR-10 recipe: pad with black, crop back at random (4 is usual).">
                <input id={`${id}-cropPadding`} name="cropPadding" type="number" step="1" min="0" max="16" defaultValue="0" disabled={busy} className={inputClass} aria-describedby={`${id}-cropPadding-hint`} />
              </Field>
            </div>
            <p className="mt-2 text-xs text-slate-600">Applied to each training batch only; validation and scoring see the images as they are. Keras augmentation layers in your model (RandomFlip, RandomTranslation, RandomRotation, RandomZoom, RandomCrop) also act while Holdout trains it.</p>
          </fieldset>
        </fieldset>
      )}

      <Field id={`${id}-note`} label="Note (optional)" hint="For yourself: what you changed in this model. Up to 500 characters.">
        <textarea id={`${id}-note`} name="note" rows={2} maxLength={500} disabled={busy} className={inputClass} aria-describedby={`${id}-note-hint`} />
      </Field>

      {progress !== null && (
        <div className="space-y-1" data-testid="upload-progress">
          <div className="flex justify-between text-sm">
            <label htmlFor={`${id}-progress`} className="font-medium">
              {phase === "uploading" ? "Uploading" : phase === "checking" ? "Checking your files on the server" : phase === "done" ? "Submitted" : "Upload"}
            </label>
            <span className="tabular-nums text-slate-600">{percent} %</span>
          </div>
          <progress id={`${id}-progress`} max={100} value={percent} className="h-2 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-indigo-600" />
          <p role="status" className="sr-only">
            {phase === "checking" ? "Upload complete; checking the files." : phase === "done" ? "Submitted. Opening the submission." : ""}
          </p>
        </div>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonClass} disabled={!isClient || busy || Boolean(disabledReason)}>
          {phase === "uploading" ? "Uploading…" : phase === "checking" ? "Checking…" : phase === "done" ? "Submitted" : "Submit"}
        </button>
        {files.length > 0 && !busy && (
          <button type="button" className={secondaryButtonClass} onClick={() => setFiles([])}>
            Clear files
          </button>
        )}
      </div>
    </form>
  );
}
