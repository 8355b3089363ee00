"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Alert, buttonClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

/** The canvas's size in pixels (CSS and bitmap alike, whatever the screen's pixel ratio): what the server receives. */
const SIDE = 280;
/** Thick strokes, as a pen on paper: about a tenth of the canvas, like MNIST's writers' pens relative to the digit. */
const STROKE = 20;

type AddDrawing = (drawing: { label: number; width: number; height: number; pixels: string }) => Promise<ActionResult<{ id: string; label: number; image: string; perClassCounts: number[]; drawnByYou: number }>>;

/** Grayscale bytes (one per pixel) of an RGBA canvas bitmap, base64. */
function grayscaleBase64(data: Uint8ClampedArray): string {
  const gray = new Uint8Array(data.length / 4);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
  let binary = "";
  for (let i = 0; i < gray.length; i += 0x8000) binary += String.fromCharCode(...gray.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Draw a digit with the mouse, a finger or a pen (pointer events), pick its label, save. The
 * canvas shows a white digit on black, as MNIST's images are; the raw pixels go to the server,
 * which does all the preprocessing, and the 28x28 result it stored is shown back.
 */
export function DrawDigit({ addDrawing, initialCounts, initialDrawnByYou }: { addDrawing: AddDrawing; initialCounts: number[]; initialDrawnByYou: number }) {
  const router = useRouter();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [inked, setInked] = useState(false);
  const [label, setLabel] = useState<number | null>(null);
  const [counts, setCounts] = useState(initialCounts);
  const [drawnByYou, setDrawnByYou] = useState(initialDrawnByYou);
  const [saving, setSaving] = useState(false);
  const [last, setLast] = useState<{ image: string; label: number }>();
  const [error, setError] = useState<string>();
  const [ready, setReady] = useState(false);

  function context(): CanvasRenderingContext2D | null {
    return canvasRef.current?.getContext("2d", { willReadFrequently: true }) ?? null;
  }

  function clear() {
    const ctx = context();
    if (!ctx) return;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, SIDE, SIDE);
    setInked(false);
  }

  useEffect(() => {
    clear();
    setReady(true);
  }, []);

  function point(event: React.PointerEvent<HTMLCanvasElement>) {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * SIDE) / rect.width, y: ((event.clientY - rect.top) * SIDE) / rect.height };
  }

  function stroke(from: { x: number; y: number }, to: { x: number; y: number }) {
    const ctx = context();
    if (!ctx) return;
    ctx.strokeStyle = "#fff";
    ctx.fillStyle = "#fff";
    ctx.lineWidth = STROKE;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    setInked(true);
  }

  function onPointerDown(event: React.PointerEvent<HTMLCanvasElement>) {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const at = point(event);
    drawing.current = at;
    stroke(at, at);
  }

  function onPointerMove(event: React.PointerEvent<HTMLCanvasElement>) {
    if (!drawing.current) return;
    // Coalesced events keep fast strokes smooth where the browser batches them.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    const rect = event.currentTarget.getBoundingClientRect();
    const points = events.length ? events.map((e) => ({ x: ((e.clientX - rect.left) * SIDE) / rect.width, y: ((e.clientY - rect.top) * SIDE) / rect.height })) : [point(event)];
    for (const at of points) {
      stroke(drawing.current, at);
      drawing.current = at;
    }
  }

  function onPointerUp() {
    drawing.current = null;
  }

  async function save() {
    const ctx = context();
    if (!ctx || label === null) return;
    setSaving(true);
    setError(undefined);
    const pixels = grayscaleBase64(ctx.getImageData(0, 0, SIDE, SIDE).data);
    const result = await addDrawing({ label, width: SIDE, height: SIDE, pixels });
    setSaving(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setCounts(result.data.perClassCounts);
    setDrawnByYou(result.data.drawnByYou);
    setLast({ image: result.data.image, label: result.data.label });
    clear();
    router.refresh();
  }

  return (
    <div className="space-y-4" data-ready={ready ? "true" : "false"}>
      <div className="flex flex-wrap items-start gap-6">
        <div className="space-y-2">
          <canvas
            ref={canvasRef}
            width={SIDE}
            height={SIDE}
            data-testid="digit-canvas"
            aria-label="Drawing area: draw one digit, large, filling most of the square"
            role="img"
            className="cursor-crosshair rounded-md border border-slate-300 bg-black"
            style={{ width: SIDE, height: SIDE, touchAction: "none" }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onPointerLeave={onPointerUp}
          />
          <button type="button" className={secondaryButtonClass} onClick={clear}>
            Clear
          </button>
        </div>
        <div className="space-y-3">
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-slate-800">Which digit is it?</legend>
            <div className="grid grid-cols-5 gap-1">
              {Array.from({ length: 10 }, (_, digit) => (
                <label key={digit} className={`flex h-10 w-10 cursor-pointer items-center justify-center rounded-md border text-lg ${label === digit ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}>
                  <input type="radio" name="digit-label" value={digit} checked={label === digit} onChange={() => setLabel(digit)} className="sr-only" aria-label={`Digit ${digit}`} />
                  {digit}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="button" className={buttonClass} disabled={!inked || label === null || saving} onClick={save}>
            {saving ? "Saving…" : "Save digit"}
          </button>
          {!inked && <p className="text-xs text-slate-500">Draw a digit first.</p>}
          {inked && label === null && <p className="text-xs text-slate-500">Choose which digit you drew.</p>}
          {last && (
            <div role="status" data-testid="digit-saved" className="flex items-center gap-2 text-sm text-green-800">
              <img src={last.image} alt={`The stored 28x28 image of your ${last.label}`} width={56} height={56} className="rounded border border-slate-300" style={{ imageRendering: "pixelated" }} />
              Saved a {last.label}, as the model will see it.
            </div>
          )}
          {error && <Alert kind="error">{error}</Alert>}
        </div>
      </div>
      <div>
        <p className="mb-1 text-sm text-slate-700">
          Digits per class <span className="text-slate-500">({counts.reduce((a, b) => a + b, 0)} in all, {drawnByYou} by you)</span>
        </p>
        <table className="text-sm" data-testid="digit-counts">
          <tbody>
            <tr>
              {counts.map((_, digit) => (
                <th key={digit} scope="col" className="w-10 border border-slate-200 px-2 py-1 text-center font-medium">
                  {digit}
                </th>
              ))}
            </tr>
            <tr>
              {counts.map((count, digit) => (
                <td key={digit} className="border border-slate-200 px-2 py-1 text-center tabular-nums">
                  {count}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
