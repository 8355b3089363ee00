/**
 * The one path from uploaded files to a ready TF.js model, shared by validation, the worker
 * and the CLI:
 *
 *   detect format -> read architecture (+ weight index) -> choose the input shape ->
 *   analyze (shapes, params, FLOPs) -> check limits and dataset compatibility ->
 *   read and check weights -> build -> copy weights -> one trial prediction.
 *
 * Everything that can be refused is refused before the model is built, so a hostile or
 * broken upload costs little. Problems are SubmissionErrors (see ./errors.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { fail, formatCount, SubmissionError, WarningList, type ModelValidationWarning } from "./errors";
import { detectSubmission, FORMAT_LABELS, type DetectedSubmission, type SubmissionFile, type SubmissionFormat } from "./files";
import { readKerasArchive } from "./formats/keras-archive";
import { readKerasH5, type KerasModelFile } from "./formats/keras-h5";
import { loadGraphModel, ManifestNameSource, parseTfjsModelJson, readTfjsWeights } from "./formats/tfjs";
import { analyzeGraphModel, estimateGraphFlops } from "./graph-model";
import { parseKerasModelConfig, type ModelSpec, type Shape } from "./keras/config";
import { analyzeModel, buildTfModel, formatShape, type ModelAnalysis } from "./keras/model";
import type { TranslateContext } from "./keras/layers";
import { resolveLimits, type SubmissionLimits } from "./limits";
import { describeImageShape, resolveDatasetShape, type DatasetShape } from "./datasets";
import { parsePreprocessing, pixelLookupTables, resolvePreprocessing, type Preprocessing } from "./preprocessing";
import { summarizeGraphAnalysis, summarizeLayersAnalysis, formatFlops, type ModelSummary } from "./summary";
import { assignWeights, readAndCheckWeights, weightsFit, type WeightSource } from "./weights";
import { geometricAugmentationAfterWeights, registerHoldoutLayers } from "./layers";
import { checkScoringCost, layersModelCost, scoringBatchSize, type ScoringBudget } from "./cost";

export type OutputKind = "probabilities" | "logits" | "scores";

export interface LoadSubmissionOptions {
  /** The competition's dataset ("mnist", "fashion-mnist", "cifar10") or its shape. */
  dataset?: string | DatasetShape;
  /** Declared preprocessing; when omitted it is "1/255", or "raw" for models with a Rescaling layer. */
  preprocessing?: Preprocessing | string;
  limits?: Partial<SubmissionLimits>;
  /** "weights" (default): a trained model to score. "architecture": the definition track, any stored weights are ignored. */
  track?: "weights" | "architecture";
  /** The scoring job's test-set size, time, memory and engine speed: refuse what cannot finish in them. */
  scoring?: ScoringBudget;
}

export interface LoadedSubmission {
  format: SubmissionFormat;
  formatLabel: string;
  kerasVersion: string | null;
  kind: "layers" | "graph";
  model: tf.LayersModel | tf.GraphModel;
  /** What the model takes per example, without the batch dimension. */
  inputShape: number[];
  numClasses: number;
  outputKind: OutputKind;
  /** The preprocessing actually used (declared, or the default for this model). */
  preprocessing: Preprocessing;
  summary: ModelSummary;
  warnings: ModelValidationWarning[];
  /** With a scoring budget: the batch that keeps scoring under the job's memory cap (see ./cost.ts). */
  scoringBatchSize?: number;
  /** Runs a batch shaped [n, ...inputShape]; resolves to [n, numClasses]. The caller disposes both. */
  predictBatch(x: tf.Tensor): Promise<tf.Tensor>;
  dispose(): void;
}

export async function loadSubmissionModel(files: SubmissionFile[], opts: LoadSubmissionOptions = {}): Promise<LoadedSubmission> {
  const warnings = new WarningList();
  try {
    return await load(files, opts, warnings);
  } catch (error) {
    // Keep what was noticed before the failure (e.g. "double scaling") for the report.
    if (error instanceof SubmissionError) error.warnings = warnings.items;
    throw error;
  }
}

async function load(files: SubmissionFile[], opts: LoadSubmissionOptions, warnings: WarningList): Promise<LoadedSubmission> {
  registerHoldoutLayers();
  const limits = resolveLimits(opts.limits);
  const dataset = opts.dataset ? resolveDatasetShape(opts.dataset) : null;
  const declared = opts.preprocessing === undefined ? undefined : parsePreprocessing(opts.preprocessing);
  const track = opts.track ?? "weights";
  const detected = detectSubmission(files, limits, warnings);

  if (detected.format === "tfjs-graph") {
    if (track === "architecture") {
      fail("UNSUPPORTED_FORMAT", `${detected.name} is a TF.js graph model: a frozen graph has no Keras architecture to train.`, {
        location: detected.name,
        hint: "Submit the architecture as Keras JSON (model.to_json()) or a .keras file.",
      });
    }
    return loadGraphSubmission(detected, dataset, declared, limits, warnings);
  }

  const keras = await readKerasModel(detected, limits, warnings, track);
  try {
    if (track === "weights" && !keras.source) {
      fail("ARCHITECTURE_ONLY", `${detected.name} holds only the model's architecture, not its trained weights.`, {
        location: detected.name,
        hint: "Submit the trained model: model.save('model.keras') after model.fit(...).",
      });
    }
    const loaded = await loadLayersSubmission(detected, keras, dataset, declared, limits, warnings, opts.scoring);
    // A definition is trained: refuse now (at upload) what training would refuse later.
    const misplaced = track === "architecture" && loaded.model instanceof tf.LayersModel ? geometricAugmentationAfterWeights(loaded.model) : null;
    if (misplaced) {
      loaded.dispose();
      fail("UNSUPPORTED_LAYER", `Layer '${misplaced.layer}' (${misplaced.className}) comes after '${misplaced.after}', a layer with weights: Holdout trains random rotation, translation and zoom layers only before every layer with weights.`, {
        location: `layer '${misplaced.layer}'`,
        hint: "Move it to the start of the model, right after the input, as Keras' examples do.",
      });
    }
    return loaded;
  } finally {
    keras.release();
  }
}

async function readKerasModel(detected: Exclude<DetectedSubmission, { format: "tfjs-graph" }>, limits: SubmissionLimits, warnings: WarningList, track: "weights" | "architecture"): Promise<KerasModelFile> {
  const withWeights = track === "weights";
  const ignoreWeights = (file: KerasModelFile): KerasModelFile => {
    if (file.source) warnings.add("WEIGHTS_IGNORED", `${detected.name}: stored weights are ignored (definition track: only the architecture is used).`, { location: detected.name });
    return { ...file, source: null };
  };
  switch (detected.format) {
    case "keras-archive":
      return readKerasArchive(detected.entries, detected.name, { maxJsonDepth: limits.maxJsonDepth, maxParams: limits.maxParams, withWeights });
    case "keras-h5": {
      const file = await readKerasH5(detected.data, detected.name, { maxJsonDepth: limits.maxJsonDepth, maxParams: limits.maxParams });
      return withWeights ? file : ignoreWeights(file);
    }
    case "tfjs-layers": {
      const modelJson = parseTfjsModelJson(detected.modelJson, detected.name, { maxJsonDepth: limits.maxJsonDepth, maxParams: limits.maxParams });
      const spec = parseKerasModelConfig(modelJson.topology, `${detected.name} > modelTopology`);
      const kerasVersion = typeof (modelJson.topology as Record<string, unknown>).keras_version === "string" ? String((modelJson.topology as Record<string, unknown>).keras_version) : null;
      if (!withWeights) return { spec, source: null, kerasVersion, release: () => {} };
      const weights = readTfjsWeights(modelJson, detected.files, warnings);
      const shardNames = [...new Set(modelJson.groups.flatMap((g) => g.paths))].join(", ");
      return { spec, source: new ManifestNameSource(shardNames || detected.name, weights.weights), kerasVersion, release: () => {} };
    }
    case "keras-json":
      return { spec: parseKerasModelConfig(detected.json, detected.name), source: null, kerasVersion: null, release: () => {} };
  }
}

async function loadLayersSubmission(
  detected: DetectedSubmission,
  keras: KerasModelFile,
  dataset: DatasetShape | null,
  declared: Preprocessing | undefined,
  limits: SubmissionLimits,
  warnings: WarningList,
  scoring: ScoringBudget | undefined,
): Promise<LoadedSubmission> {
  const ctx: TranslateContext = { warnings };
  const analysis = chooseInputShape(keras.spec, keras.source, dataset, ctx, limits);
  checkLimits(analysis.totalParams, analysis.flopsPerExample, limits);
  // Before any weight is read or anything built: a model that cannot be scored in time or memory.
  const cost = layersModelCost(analysis);
  if (scoring) checkScoringCost(cost, scoring);
  const numClasses = checkCompatibility(analysis.inputShape, analysis.outputShape, dataset, warnings);
  const outputKind = outputKindOf(analysis.outputActivation, warnings);
  const preprocessing = resolvePreprocessing(declared, analysis.rescalingLayers, warnings);
  if (dataset) pixelLookupTables(preprocessing, dataset.shape[2]); // refuses mean/std of the wrong length now, not at scoring

  let weights: Map<string, Float32Array[]> | null = null;
  if (keras.source) {
    const checked = readAndCheckWeights(analysis, keras.source);
    if (checked.errors.length > 0) throw new SubmissionError(checked.errors);
    if (checked.unclaimed.length > 0) {
      warnings.add("UNUSED_WEIGHTS", `${keras.source.fileName} stores weights that no layer of the model uses (${checked.unclaimed.slice(0, 5).join(", ")}${checked.unclaimed.length > 5 ? ", ..." : ""}).`, {
        location: keras.source.fileName,
      });
    }
    weights = checked.values;
  }

  const built = buildTfModel(keras.spec, analysis.inputShape, ctx);
  const model = built.model;
  try {
    if (weights) assignWeights(built, analysis, weights);
    const predictBatch = async (x: tf.Tensor) => tf.tidy(() => (model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor).reshape([x.shape[0], numClasses]));
    await trialPrediction(predictBatch, analysis.inputShape);
    return {
      format: detected.format,
      formatLabel: FORMAT_LABELS[detected.format],
      kerasVersion: keras.kerasVersion,
      kind: "layers",
      model,
      inputShape: analysis.inputShape,
      numClasses,
      outputKind,
      preprocessing,
      summary: summarizeLayersAnalysis(analysis, FORMAT_LABELS[detected.format], outputKind),
      warnings: warnings.items,
      scoringBatchSize: scoring ? scoringBatchSize(cost, scoring.memoryMb) : undefined,
      predictBatch,
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The model's input shape: the declared one (unknown sizes filled from the dataset), or for a
 * model that declares none, the first of the dataset's layouts ((28, 28, 1), (28, 28), (784))
 * that fits its stored weights and yields one score per class.
 */
function chooseInputShape(spec: ModelSpec, source: WeightSource | null, dataset: DatasetShape | null, ctx: TranslateContext, limits: SubmissionLimits): ModelAnalysis {
  const declared = spec.declaredInputShape;
  if (declared && declared.every((d) => d !== null)) return analyzeModel(spec, declared as number[], ctx, limits.maxLayers);
  if (!dataset) {
    fail("NO_INPUT_SHAPE", `Model '${spec.name}' ${declared ? `declares an input shape with unknown sizes ${formatShape([null, ...declared])}` : "declares no input shape"}, and no dataset was given to infer it from.`, {
      hint: "Declare the input, e.g. keras.Input(shape=(28, 28, 1)), or choose the competition's dataset.",
    });
  }
  if (declared) return analyzeModel(spec, fillUnknownDims(declared, dataset), ctx, limits.maxLayers);
  const [h, w, c] = dataset.shape;
  const candidates = [[h, w, c], ...(c === 1 ? [[h, w]] : []), [h * w * c]];
  let fallback: ModelAnalysis | null = null;
  let firstFailure: unknown = null;
  for (const candidate of candidates) {
    let analysis: ModelAnalysis;
    try {
      analysis = analyzeModel(spec, candidate, ctx, limits.maxLayers);
    } catch (error) {
      if (!(error instanceof SubmissionError)) throw error;
      firstFailure ??= error;
      continue;
    }
    fallback ??= analysis;
    const fits = (!source || weightsFit(analysis, source)) && outputMatches(analysis.outputShape, dataset.numClasses);
    if (fits) {
      ctx.warnings.add("INPUT_SHAPE_INFERRED", `Model '${spec.name}' declares no input shape; it was built for input ${formatShape([null, ...candidate])} (${dataset.name} images${source ? ", consistent with its weights" : ""}).`, {
        hint: "Declare the input shape (keras.Input(shape=...)) to make this explicit.",
      });
      return analysis;
    }
  }
  if (!fallback) throw firstFailure;
  // Nothing fits: keep the first buildable layout so that the checks that follow name the
  // exact mismatch (a weight shape, the output size).
  ctx.warnings.add("INPUT_SHAPE_INFERRED", `Model '${spec.name}' declares no input shape; it was assumed to take ${formatShape([null, ...fallback.inputShape])} (${dataset.name} images), but its weights or output do not fit any ${dataset.name} layout.`, {
    hint: "Declare the input shape (keras.Input(shape=...)) and train the model on this dataset.",
  });
  return fallback;
}

function fillUnknownDims(declared: Shape, dataset: DatasetShape): number[] {
  const [h, w, c] = dataset.shape;
  const defaults = declared.length === 3 ? [h, w, c] : declared.length === 2 ? (c === 1 ? [h, w] : [h * w, c]) : declared.length === 1 ? [h * w * c] : [];
  return declared.map((d, i) => {
    if (d !== null) return d;
    if (defaults[i] === undefined) fail("NO_INPUT_SHAPE", `The model's input shape ${formatShape([null, ...declared])} has unknown sizes that cannot be inferred.`, { hint: "Declare the full input shape." });
    return defaults[i];
  });
}

function outputMatches(outputShape: Shape, numClasses: number): boolean {
  const dims = outputShape.slice(1);
  return dims.length > 0 && dims.every((d) => d !== null) && dims[dims.length - 1] === numClasses && dims.reduce<number>((a, d) => a * (d as number), 1) === numClasses;
}

function checkLimits(params: number, flops: number | null, limits: SubmissionLimits): void {
  if (params > limits.maxParams) {
    fail("TOO_MANY_PARAMS", `The model has ${formatCount(params)} parameters; the limit is ${formatCount(limits.maxParams)}.`, { hint: "Use fewer or narrower layers (e.g. pooling before Flatten)." });
  }
  if (flops !== null && flops > limits.maxFlopsPerExample) {
    fail("TOO_MANY_FLOPS", `The model needs about ${formatFlops(flops)} per image; the limit is ${formatFlops(limits.maxFlopsPerExample)}.`, {
      hint: "Downsample earlier (pooling/strides) or use fewer filters.",
    });
  }
}

/** Checks the model fits the dataset's images and classes; returns the number of classes it outputs. */
function checkCompatibility(inputShape: number[], outputShape: Shape, dataset: DatasetShape | null, warnings: WarningList): number {
  const outputDims = outputShape.slice(1);
  const outputWidth = outputDims[outputDims.length - 1];
  if (!dataset) {
    if (typeof outputWidth !== "number") fail("OUTPUT_INCOMPATIBLE", `The model's output shape ${formatShape(outputShape)} has unknown sizes.`);
    return outputWidth;
  }
  const [h, w, c] = dataset.shape;
  const values = inputShape.reduce((a, b) => a * b, 1);
  if (values !== h * w * c) {
    fail(
      "INPUT_INCOMPATIBLE",
      `The model takes input of shape ${formatShape([null, ...inputShape])} (${formatCount(values)} values per example), but ${dataset.name} images are ${describeImageShape(dataset)} (${formatCount(h * w * c)} values).`,
      { hint: `Build the model for ${dataset.name}: keras.Input(shape=(${h}, ${w}, ${c})) (or (${h * w * c},) for a flat MLP).` },
    );
  }
  if (inputShape.length === 3 && c > 1 && inputShape[0] === c && inputShape[2] !== c) {
    warnings.add("CHANNELS_FIRST_SUSPECTED", `The model takes ${formatShape([null, ...inputShape])}, which looks channels-first; Holdout feeds ${dataset.name} images channels-last (${h}, ${w}, ${c}).`, {
      hint: `Train with channels-last input (${h}, ${w}, ${c}).`,
    });
  }
  if (!outputMatches(outputShape, dataset.numClasses)) {
    fail(
      "OUTPUT_INCOMPATIBLE",
      `The model outputs ${formatShape(outputShape)} per batch, but ${dataset.name} has ${dataset.numClasses} classes: it must output ${dataset.numClasses} scores per image.`,
      { hint: `End the model with Dense(${dataset.numClasses}, activation="softmax").` },
    );
  }
  return dataset.numClasses;
}

function outputKindOf(activation: string, warnings: WarningList): OutputKind {
  if (activation === "softmax") return "probabilities";
  if (activation === "linear") {
    warnings.add("LOGITS_OUTPUT", "The model's last layer has no softmax: its outputs are treated as logits (softmax is applied for probabilities and the loss).");
    return "logits";
  }
  warnings.add(
    "UNUSUAL_OUTPUT_ACTIVATION",
    `The model ends with a ${activation} activation rather than softmax: its outputs are normalized to sum to 1 for the loss, as Keras' categorical cross-entropy does.`,
    { hint: 'For classification, end with Dense(10, activation="softmax").' },
  );
  return "scores";
}

/** Runs two blank examples through the model, so runtime failures surface at validation. */
async function trialPrediction(predictBatch: (x: tf.Tensor) => Promise<tf.Tensor>, inputShape: number[]): Promise<void> {
  const x = tf.zeros([2, ...inputShape]);
  try {
    const y = await predictBatch(x);
    y.dispose();
  } catch (error) {
    if (error instanceof SubmissionError) throw error;
    fail("EXECUTION_FAILED", `The model fails when run on an image: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "Check that the model runs in TensorFlow.js (supported layers/ops) and re-export it.",
    });
  } finally {
    x.dispose();
  }
}

async function loadGraphSubmission(
  detected: Extract<DetectedSubmission, { format: "tfjs-graph" }>,
  dataset: DatasetShape | null,
  declared: Preprocessing | undefined,
  limits: SubmissionLimits,
  warnings: WarningList,
): Promise<LoadedSubmission> {
  const modelJson = parseTfjsModelJson(detected.modelJson, detected.name, { maxJsonDepth: limits.maxJsonDepth, maxParams: limits.maxParams });
  const weights = readTfjsWeights(modelJson, detected.files, warnings);
  checkGraphWeightsFinite(weights.weights);
  const model = await loadGraphModel(modelJson, weights);
  try {
    const analysis = analyzeGraphModel(model, modelJson.topology, weights.weightSpecs);
    const declaredShape = analysis.declaredInputShape;
    let inputShape: number[];
    if (declaredShape.every((d) => d !== null)) inputShape = declaredShape as number[];
    else if (dataset) inputShape = fillUnknownDims(declaredShape, dataset);
    else fail("NO_INPUT_SHAPE", `The graph model's input shape ${formatShape([null, ...declaredShape])} has unknown sizes and no dataset was given.`, { hint: "Choose the competition's dataset." });
    checkLimits(analysis.totalParams, null, limits);
    const outputShape = analysis.outputShape.length > 1 && analysis.outputShape.slice(1).every((d) => d !== null) ? analysis.outputShape : await probeGraphOutputShape(model, inputShape);
    analysis.outputShape = outputShape;
    const numClasses = checkCompatibility(inputShape, outputShape, dataset, warnings);
    const flops = estimateGraphFlops(model, analysis, inputShape, weights.weightSpecs);
    checkLimits(analysis.totalParams, flops, limits);
    const outputKind = outputKindOf(analysis.outputActivation, warnings);
    const preprocessing = resolvePreprocessing(declared, [], warnings);
    if (dataset) pixelLookupTables(preprocessing, dataset.shape[2]);
    const predictBatch = async (x: tf.Tensor): Promise<tf.Tensor> => {
      let raw: tf.Tensor;
      try {
        raw = model.predict(x) as tf.Tensor;
      } catch (error) {
        // Graphs with control flow or dynamic shapes only run asynchronously.
        if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
        raw = (await model.executeAsync(x)) as tf.Tensor;
      }
      const reshaped = raw.reshape([x.shape[0], numClasses]);
      if (reshaped !== raw) raw.dispose();
      return reshaped;
    };
    await trialPrediction(predictBatch, inputShape);
    const formatLabel = FORMAT_LABELS["tfjs-graph"];
    return {
      format: "tfjs-graph",
      formatLabel,
      kerasVersion: null,
      kind: "graph",
      model,
      inputShape,
      numClasses,
      outputKind,
      preprocessing,
      summary: summarizeGraphAnalysis(analysis, inputShape, flops, formatLabel, outputKind),
      warnings: warnings.items,
      predictBatch,
      dispose: () => model.dispose(),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Graph signatures often leave the output shape unknown: run one blank example to see it. */
async function probeGraphOutputShape(model: tf.GraphModel, inputShape: number[]): Promise<Shape> {
  const x = tf.zeros([1, ...inputShape]);
  let y: tf.Tensor | null = null;
  let failure: unknown;
  try {
    try {
      y = model.predict(x) as tf.Tensor;
    } catch (error) {
      if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
      y = (await model.executeAsync(x)) as tf.Tensor;
    }
    return [null, ...y.shape.slice(1)];
  } catch (error) {
    failure = error;
  } finally {
    x.dispose();
    y?.dispose();
  }
  fail("EXECUTION_FAILED", `The graph model fails when run on an image: ${failure instanceof Error ? failure.message : String(failure)}`, {
    hint: "Check that every op of the graph is supported by TensorFlow.js and re-export it.",
  });
}

function checkGraphWeightsFinite(weights: Array<{ spec: { name: string; dtype: string; quantization?: unknown; elements: number }; bytes: Uint8Array }>): void {
  const errors = [];
  for (const { spec, bytes } of weights) {
    if (spec.dtype !== "float32" || spec.quantization) continue;
    const values = new Float32Array(bytes.slice().buffer, 0, spec.elements);
    let bad = 0;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
    if (bad > 0) {
      errors.push({
        code: "WEIGHT_NOT_FINITE" as const,
        message: `Weight "${spec.name}" contains ${formatCount(bad)} NaN or infinite value(s): training diverged.`,
        location: `weight "${spec.name}"`,
        hint: "Lower the learning rate and train again; check that the training loss stays finite.",
      });
    }
  }
  if (errors.length > 0) throw new SubmissionError(errors);
}
