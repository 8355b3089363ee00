/**
 * The free model check's trial run: the uploaded model predicts a small, fixed sample of the
 * competition's public split, with the declared preprocessing and with the two common others
 * (raw 0..255 and 1/255), so a model trained on raw pixels but declared as 1/255 (or the other
 * way round) is caught before it costs a submission. The student's choice is never changed: the
 * check only warns and names the fix.
 *
 * The sample is chosen in the web process (selectTrialSample, from the test set it already loads
 * for the misclassified gallery) and travels to the sandboxed child as bytes; the child runs
 * runTrial on the model it has just checked.
 */
import { z } from "zod";
import type { LoadedSubmission } from "@/lib/models/load";
import { predictImages } from "@/lib/models/predict";
import { describePreprocessing, preprocessingSchema, type Preprocessing } from "@/lib/models/preprocessing";
import { accuracy } from "@/lib/scoring/metrics";

/** How many public-split images the check tries (spread evenly over the public split, always the same ones). */
export const TRIAL_SAMPLE_SIZE = 200;

/**
 * When the check warns about preprocessing: the declared one scores near chance, i.e. less than
 * a tenth of the way from guessing (1/classes) to perfect, and another scores at least 30% of that
 * way better. For 10 classes: declared below 19%, the other at least 27 points higher.
 */
export const NEAR_CHANCE_FRACTION = 0.1;
export const FAR_BETTER_FRACTION = 0.3;

/** The pixels the child gets for the trial (NHWC bytes of `count` images and their labels). */
export const trialSampleSchema = z.object({
  images: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected the sample's pixels" }),
  labels: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected the sample's labels" }),
  count: z.number().int().positive(),
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  numClasses: z.number().int().min(2),
});
export type TrialSample = z.output<typeof trialSampleSchema>;

const trialRunSchema = z.object({ preprocessing: preprocessingSchema, correct: z.number().int().nonnegative(), accuracy: z.number().min(0).max(1) });

/** What the trial found: the declared preprocessing's accuracy first, then the others tried. */
export const trialResultSchema = z.object({
  examples: z.number().int().nonnegative(),
  split: z.literal("public"),
  declared: trialRunSchema,
  others: z.array(trialRunSchema),
  /** Plain-words warnings (the preprocessing advice); also added to the check's warnings. */
  warnings: z.array(z.string()),
  /** The model failed on the sample images (it would fail the same way when scored). */
  error: z.string().nullable(),
});
export type TrialResult = z.output<typeof trialResultSchema>;
export type TrialRun = z.output<typeof trialRunSchema>;

/** The public-split indices the trial uses: `size` of them, evenly spread, the same every time. */
export function trialIndices(publicIndices: ArrayLike<number>, size = TRIAL_SAMPLE_SIZE): Uint32Array {
  const n = Math.min(size, publicIndices.length);
  const step = publicIndices.length / n;
  return Uint32Array.from({ length: n }, (_, i) => publicIndices[Math.floor(i * step)]);
}

/** Copies the chosen images and labels out of the whole test set. */
export function selectTrialSample(
  test: { images: Uint8Array; labels: Uint8Array; shape: [number, number, number]; numClasses: number },
  publicIndices: ArrayLike<number>,
  size = TRIAL_SAMPLE_SIZE,
): TrialSample {
  const indices = trialIndices(publicIndices, size);
  const perImage = test.shape[0] * test.shape[1] * test.shape[2];
  const images = new Uint8Array(indices.length * perImage);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    images.set(test.images.subarray(index * perImage, (index + 1) * perImage), i * perImage);
    labels[i] = test.labels[index];
  });
  return { images, labels, count: indices.length, shape: test.shape, numClasses: test.numClasses };
}

const same = (a: Preprocessing, b: Preprocessing) => JSON.stringify(a) === JSON.stringify(b);

/** The form's, the CLI's and the API's names for a preprocessing, in the fix we name. */
function howToDeclare(p: Preprocessing): string {
  if (p === "raw") return 'preprocessing "raw" (on the form: "Raw pixels 0–255"; CLI: --preprocess raw; API: preprocessing=raw)';
  if (p === "1/255") return 'preprocessing "1/255" (on the form: "Scaled to 0–1 (x / 255)"; CLI: --preprocess 1/255; API: preprocessing=1/255)';
  return `preprocessing ${describePreprocessing(p)}`;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * The advice rule (one place): a warning when the declared preprocessing scores near chance and
 * another scores far better, naming that other one and how to declare it.
 */
export function preprocessingAdvice(examples: number, numClasses: number, declared: TrialRun, others: TrialRun[]): string[] {
  const chance = 1 / numClasses;
  const nearChance = declared.accuracy < chance + NEAR_CHANCE_FRACTION * (1 - chance);
  const best = [...others].sort((a, b) => b.accuracy - a.accuracy)[0];
  if (!nearChance || !best || best.accuracy - declared.accuracy < FAR_BETTER_FRACTION * (1 - chance)) return [];
  const trainedOn = best.preprocessing === "raw" ? "raw 0–255 pixels (not divided by 255)" : best.preprocessing === "1/255" ? "pixels divided by 255 (0–1)" : describePreprocessing(best.preprocessing);
  return [
    `On ${examples} images of the public split, your model scores ${percent(declared.accuracy)} with the declared preprocessing ${describePreprocessing(declared.preprocessing)}, about as good as guessing (${percent(chance)}), ` +
      `but ${percent(best.accuracy)} with ${describePreprocessing(best.preprocessing)}: it was probably trained on ${trainedOn}. ` +
      `Submit it with ${howToDeclare(best.preprocessing)}. Holdout does not change your choice for you.`,
  ];
}

/**
 * Predicts the sample with the model's resolved preprocessing and with raw and 1/255 (where
 * different), and gives the advice. Runs in the sandboxed child, on the model the check loaded.
 */
export async function runTrial(loaded: Pick<LoadedSubmission, "predictBatch" | "inputShape" | "numClasses" | "outputKind" | "preprocessing">, sample: TrialSample): Promise<TrialResult> {
  const candidates: Preprocessing[] = [loaded.preprocessing, ...(["raw", "1/255"] as const).filter((p) => !same(p, loaded.preprocessing))];
  const runs: TrialRun[] = [];
  try {
    for (const preprocessing of candidates) {
      const predictions = await predictImages(loaded, sample.images, sample.count, sample.shape, { preprocessing, batchSize: 100 });
      const share = accuracy(predictions.outputs, sample.labels, loaded.numClasses);
      runs.push({ preprocessing, correct: Math.round(share * sample.count), accuracy: share });
    }
  } catch (error) {
    const message = `Your model failed on sample images of the competition: ${(error as Error).message.split("\n")[0].slice(0, 300)}. It would fail the same way when scored; check that it runs in Keras on the competition's input shape.`;
    return { examples: sample.count, split: "public", declared: runs[0] ?? { preprocessing: loaded.preprocessing, correct: 0, accuracy: 0 }, others: runs.slice(1), warnings: [], error: message };
  }
  const [declared, ...others] = runs;
  return { examples: sample.count, split: "public", declared, others, warnings: preprocessingAdvice(sample.count, sample.numClasses, declared, others), error: null };
}
