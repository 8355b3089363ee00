/**
 * The course's reference models for the benchmark, built fresh on each call (no work at import
 * time). The definitions live in lib/baselines/models.ts (the same ones instructors add as
 * baselines); each is built from its Keras JSON with the platform's own architecture loader.
 */
import type * as tf from "@tensorflow/tfjs";
import { kerasModelJson, REFERENCE_MODEL_DEFS, type ReferenceModelName } from "@/lib/baselines";
import { buildModelFromArchitecture } from "@/lib/models";

export type { ReferenceModelName };

export interface ReferenceModel {
  name: ReferenceModelName;
  description: string;
  inputShape: [number, number, number];
  numClasses: number;
  build: () => tf.LayersModel;
}

export const REFERENCE_MODELS: ReferenceModel[] = REFERENCE_MODEL_DEFS.map((def) => ({
  name: def.name,
  description: def.description,
  inputShape: def.inputShape,
  numClasses: def.numClasses,
  build: () => buildModelFromArchitecture(kerasModelJson(def, def.inputShape, def.numClasses)),
}));

export function referenceModel(name: ReferenceModelName): ReferenceModel {
  const found = REFERENCE_MODELS.find((m) => m.name === name);
  if (!found) throw new Error(`unknown reference model ${name}`);
  return found;
}
