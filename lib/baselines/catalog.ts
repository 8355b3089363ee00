/**
 * The reference baselines an instructor can add to a competition with one click, as the lecture
 * teaches them: on 28x28 grayscale data an MLP with dropout and a LeNet-style CNN; on 32x32 colour
 * data the course's CIFAR-10 CNN without and with data augmentation. Each is a definition (a
 * reference model + training settings) that the worker trains like any student's definition.
 */
import { trainingSettingsSchema, type TrainingSettings } from "@/lib/models/training-settings";
import { referenceModelDef, type ReferenceModelDef, type ReferenceModelName } from "./models";

export type BaselineId = "mlp" | "cnn" | "cnn-augmented";

export interface BaselineDef {
  id: BaselineId;
  /** The leaderboard row's label. */
  label: string;
  /** What it is, in one line (manage page, starter files). */
  description: string;
  model: ReferenceModelDef;
  /** Training settings as the lecture uses them; epochs are capped by the competition's budget. */
  settings: TrainingSettings;
}

/** The data a competition's models see: image shape (height, width, channels) and class count. */
export interface BaselineData {
  shape: [number, number, number];
  numClasses: number;
}

const settings = (input: Record<string, unknown>): TrainingSettings => trainingSettingsSchema.parse(input);

function baseline(id: BaselineId, label: string, description: string, model: ReferenceModelName, trainingSettings: Record<string, unknown>): BaselineDef {
  return { id, label, description, model: referenceModelDef(model), settings: settings(trainingSettings) };
}

const GRAYSCALE_28: BaselineDef[] = [
  baseline("mlp", "MLP", "Multilayer perceptron 784-512-512-512 with dropout 0.2 (the lecture's MNIST MLP)", "mnist-mlp", { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 10, validationSplit: 0.1 }),
  baseline("cnn", "CNN", "LeNet-style CNN: conv 5x5x6, pool, conv 5x5x16, pool, dense 120-84", "lenet5", { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 10, validationSplit: 0.1 }),
];

const COLOUR_32: BaselineDef[] = [
  baseline("cnn", "CNN", "The course's CIFAR-10 CNN: 3 blocks of 2 conv 3x3 + batch norm, pool, dropout (32/64/128 filters), dense 512", "cifar-cnn", { optimizer: "adam", learningRate: 0.001, batchSize: 64, epochs: 20, validationSplit: 0.1 }),
  baseline("cnn-augmented", "CNN + augmentation", "The same CNN trained with data augmentation: horizontal flips and shifts of up to 10% of the image", "cifar-cnn", {
    optimizer: "adam",
    learningRate: 0.001,
    batchSize: 64,
    epochs: 20,
    validationSplit: 0.1,
    augmentation: { horizontalFlip: true, widthShift: 0.1, heightShift: 0.1 },
  }),
];

/** The baselines offered for this data (none for a shape the lecture has no model for). */
export function baselinesFor(data: BaselineData): BaselineDef[] {
  const [h, w, c] = data.shape;
  if (h === 28 && w === 28 && c === 1) return GRAYSCALE_28;
  if (h === 32 && w === 32 && c === 3) return COLOUR_32;
  return [];
}

export function findBaseline(data: BaselineData, id: string): BaselineDef | null {
  return baselinesFor(data).find((candidate) => candidate.id === id) ?? null;
}

/** The baseline's settings within a competition's training budget (epochs capped at maxEpochs). */
export function settingsWithinBudget(def: BaselineDef, budget: { maxEpochs: number }): TrainingSettings {
  return { ...def.settings, epochs: Math.min(def.settings.epochs, budget.maxEpochs) };
}
