"use client";

import { useId, useMemo, useState } from "react";
import { splitPublicPrivate } from "@/lib/datasets/splits";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { TestSetPreview } from "@/lib/competitions/test-sets";

/**
 * The competition form's hidden-test-set upload: files go to POST /api/v1/test-sets with upload
 * progress, the server parses them with the same parser the API and CLI use, and the answer is
 * shown as a preview (class counts, sample images, size and channels, the public/private split
 * this competition's public fraction gives) before the instructor attaches it.
 */

/** The words of an API error answer ({ error, message, errors: [...] }), or of a broken connection. */
function problemText(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(body.errors) ? body.errors.filter((item): item is string => typeof item === "string") : [];
    const message = typeof body.message === "string" ? body.message : "";
    if (errors.length && errors.every((item) => message.includes(item))) return message;
    return [message, ...errors].filter(Boolean).join(" ");
  } catch {
    return status === 0 ? "The upload did not reach the server. Check your connection and try again." : `The server answered ${status}. Try again in a minute.`;
  }
}

/** Per-class public/private counts for a public fraction: stratified quotas depend only on the class counts, not the seed. */
export function splitCounts(perClassCounts: number[], publicFraction: number, seed: number) {
  const labels = new Uint8Array(perClassCounts.reduce((a, b) => a + b, 0));
  let at = 0;
  perClassCounts.forEach((count, label) => {
    labels.fill(label, at, at + count);
    at += count;
  });
  const split = splitPublicPrivate(labels, { seed, publicFraction, numClasses: perClassCounts.length });
  return split.counts;
}

export function TestSetPreviewView({ preview, publicFraction, splitSeed, expected }: { preview: TestSetPreview; publicFraction: number | null; splitSeed: number | null; expected?: { shape: number[]; numClasses: number; title: string } | null }) {
  const set = preview.testSet;
  const counts = useMemo(() => {
    if (preview.split && (publicFraction === null || publicFraction === preview.split.publicFraction)) return preview.split;
    if (publicFraction === null || !(publicFraction >= 0 && publicFraction <= 1)) return null;
    const c = splitCounts(set.perClassCounts, publicFraction, splitSeed ?? 0);
    return { publicFraction, public: c.public, private: c.private, perClass: c.perClass };
  }, [preview.split, publicFraction, splitSeed, set.perClassCounts]);
  const most = Math.max(1, ...set.perClassCounts);
  const mismatch =
    expected && set.shape.join("x") !== expected.shape.join("x")
      ? `These images are ${set.shape.join("x")}, but ${expected.title} models take ${expected.shape.join("x")}: it cannot be attached to this competition.`
      : expected && set.classNames.length !== expected.numClasses
        ? `This set has ${set.classNames.length} classes, but ${expected.title} models predict ${expected.numClasses}: it cannot be attached to this competition.`
        : null;
  return (
    <div className="space-y-4 rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="test-set-preview">
      <div>
        <p className="font-semibold">{set.name}</p>
        <dl className="mt-1 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-600">Images</dt>
            <dd className="font-medium tabular-nums" data-testid="test-set-count">
              {set.count.toLocaleString("en-US")}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Image size</dt>
            <dd className="font-medium" data-testid="test-set-size">
              {set.height}×{set.width} px
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Channels</dt>
            <dd className="font-medium">{set.channels === 1 ? "1 (greyscale)" : `${set.channels} (RGB)`}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Public / private</dt>
            <dd className="font-medium tabular-nums" data-testid="test-set-split">
              {counts ? `${counts.public.toLocaleString("en-US")} / ${counts.private.toLocaleString("en-US")}` : "—"}
            </dd>
          </div>
        </dl>
      </div>
      {mismatch && (
        <p className="text-sm text-red-700" role="alert">
          {mismatch}
        </p>
      )}
      {preview.warnings.length > 0 && (
        <ul className="list-disc pl-5 text-sm text-amber-900">
          {preview.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      <table className="w-full text-sm" data-testid="test-set-classes">
        <caption className="sr-only">Images per class, and how the split divides them</caption>
        <thead>
          <tr className="text-left text-slate-700">
            <th scope="col" className="pr-3 font-medium">
              Class
            </th>
            <th scope="col" className="pr-3 font-medium">
              Images
            </th>
            <th scope="col" className="w-1/2 pr-3 font-medium">
              <span className="sr-only">Bar</span>
            </th>
            <th scope="col" className="pr-3 font-medium">
              Public
            </th>
            <th scope="col" className="font-medium">
              Private
            </th>
          </tr>
        </thead>
        <tbody>
          {set.classNames.map((name, label) => (
            <tr key={label}>
              <td className="pr-3">
                {label === Number(name) ? name : `${label} ${name}`}
              </td>
              <td className="pr-3 tabular-nums">{set.perClassCounts[label] ?? 0}</td>
              <td className="pr-3">
                <div className="h-2 rounded bg-indigo-500" style={{ width: `${Math.round(((set.perClassCounts[label] ?? 0) / most) * 100)}%` }} />
              </td>
              <td className="pr-3 tabular-nums">{counts?.perClass[label]?.public ?? "—"}</td>
              <td className="tabular-nums">{counts?.perClass[label]?.private ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <p className="mb-2 text-sm font-medium">Sample images</p>
        <div className="space-y-1" data-testid="test-set-samples">
          {preview.samples.map((sample) => (
            <div key={sample.label} className="flex items-center gap-2">
              <span className="w-20 truncate text-xs text-slate-600">{sample.className}</span>
              {sample.images.map((src, i) => (
                <img key={i} src={src} alt={`${sample.className} sample ${i + 1}`} width={40} height={40} className="size-10 border border-slate-300 bg-black object-contain" style={{ imageRendering: "pixelated" }} />
              ))}
            </div>
          ))}
        </div>
        {preview.samples.length < set.classNames.length && <p className="mt-1 text-xs text-slate-600">Samples of the first {preview.samples.length} classes.</p>}
      </div>
    </div>
  );
}

export function TestSetUpload({
  courseId,
  publicFraction,
  splitSeed,
  expected,
  locked,
  onAttach,
}: {
  courseId: string;
  publicFraction: number | null;
  splitSeed: number | null;
  expected: { shape: number[]; numClasses: number; title: string } | null;
  /** Why no set can be attached now (the competition has submissions), or null. */
  locked: string | null;
  onAttach: (preview: TestSetPreview) => Promise<string | null>;
}) {
  const id = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<"idle" | "uploading" | "checking" | "attaching">("idle");
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<TestSetPreview | null>(null);
  const [attached, setAttached] = useState<string | null>(null);
  const busy = phase !== "idle";

  function upload() {
    setError(null);
    setPreview(null);
    setAttached(null);
    if (files.length === 0) {
      setError("Choose the test set's files first: an IDX pair, CIFAR-10 .bin files, or a zip of PNG folders named by class.");
      return;
    }
    const body = new FormData();
    if (name.trim()) body.set("name", name.trim());
    for (const file of files) body.append("files", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/test-sets?course=${encodeURIComponent(courseId)}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => {
      setProgress(1);
      setPhase("checking");
    };
    xhr.onerror = () => {
      setPhase("idle");
      setError(problemText(0, ""));
    };
    xhr.onload = () => {
      setPhase("idle");
      if (xhr.status === 201) {
        try {
          setPreview(JSON.parse(xhr.responseText) as TestSetPreview);
          return;
        } catch {
          /* fall through */
        }
      }
      setError(problemText(xhr.status, xhr.responseText));
    };
    setPhase("uploading");
    setProgress(0);
    xhr.send(body);
  }

  async function attach() {
    if (!preview) return;
    setPhase("attaching");
    setError(null);
    const problem = await onAttach(preview);
    setPhase("idle");
    if (problem) setError(problem);
    else setAttached(preview.testSet.name);
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  const fileError = error ? `${id}-error` : undefined;
  return (
    <div className="space-y-3" data-testid="test-set-upload">
      {locked ? (
        <p className="text-sm text-slate-700">{locked}</p>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            <div className="space-y-1">
              <label htmlFor={`${id}-files`} className="block text-sm font-medium">
                Upload a hidden test set
              </label>
              <input
                id={`${id}-files`}
                type="file"
                multiple
                disabled={busy}
                onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
                className="block w-full text-sm file:mr-3 file:rounded file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:text-indigo-800"
                aria-invalid={error ? true : undefined}
                aria-describedby={[`${id}-hint`, fileError].filter(Boolean).join(" ")}
              />
              <p id={`${id}-hint`} className="text-xs text-slate-600">
                An IDX pair (images + labels, raw or .gz), CIFAR-10 .bin files, or a .zip of PNG images in folders named by class; optionally a classes.txt with one class name per line. Up to 256 MB.
              </p>
            </div>
            <div className="space-y-1">
              <label htmlFor={`${id}-name`} className="block text-sm font-medium">
                Test set name (optional)
              </label>
              <input id={`${id}-name`} value={name} maxLength={100} disabled={busy} onChange={(e) => setName(e.target.value)} className={inputClass} />
            </div>
          </div>
          <button type="button" className={secondaryButtonClass} onClick={upload} disabled={busy}>
            {phase === "uploading" ? "Uploading…" : phase === "checking" ? "Checking…" : "Upload and preview"}
          </button>
          {progress !== null && phase !== "idle" && (
            <div className="space-y-1" data-testid="test-set-progress">
              <div className="flex justify-between text-sm">
                <label htmlFor={`${id}-progress`} className="font-medium">
                  {phase === "uploading" ? "Uploading" : "Checking the files on the server"}
                </label>
                <span className="tabular-nums text-slate-600">{percent} %</span>
              </div>
              <progress id={`${id}-progress`} max={100} value={percent} className="h-2 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-indigo-600" />
            </div>
          )}
        </>
      )}
      {error && (
        <p id={fileError} role="alert" className="text-sm text-red-700" data-testid="test-set-error">
          {error}
        </p>
      )}
      {preview && (
        <>
          <TestSetPreviewView preview={preview} publicFraction={publicFraction} splitSeed={splitSeed} expected={expected} />
          {attached ? (
            <p role="status" className="text-sm text-green-800">
              Attached “{attached}”.
            </p>
          ) : (
            <button type="button" className={buttonClass} onClick={attach} disabled={busy}>
              {phase === "attaching" ? "Attaching…" : "Attach this test set"}
            </button>
          )}
        </>
      )}
    </div>
  );
}
