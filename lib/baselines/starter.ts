/**
 * Starter files: each baseline a competition offers, as Keras JSON (`model.to_json()`, also
 * uploadable as a definition) and as a short Keras script that trains it and saves a model Holdout
 * accepts. Both are written from the same definition the worker trains.
 */
import type { Competition, TestSet } from "@/lib/db";
import { trainingBudgetOf } from "@/lib/competitions/schema";
import { AppError } from "@/lib/errors";
import { competitionBaselineData } from "./add";
import { baselinesFor, findBaseline, settingsWithinBudget } from "./catalog";
import { kerasModelJson } from "./keras";
import { kerasScript } from "./script";

export type StarterFormat = "json" | "py";

export interface StarterFile {
  baselineId: string;
  label: string;
  description: string;
  /** File names under /api/v1/competitions/{slug}/starter/. */
  json: string;
  py: string;
}

type StarterCompetition = Pick<Competition, "slug" | "datasetId" | "trainingBudget"> & { testSet?: Pick<TestSet, "shape" | "classNames"> | null };

export function starterFiles(competition: StarterCompetition): StarterFile[] {
  return baselinesFor(competitionBaselineData(competition)).map((def) => ({ baselineId: def.id, label: def.label, description: def.description, json: `${def.id}.json`, py: `${def.id}.py` }));
}

/** One starter file by name ("cnn.json", "mlp.py"), or a 404 naming the ones there are. */
export function starterFile(competition: StarterCompetition, fileName: string): { fileName: string; contentType: string; body: string } {
  const match = /^([a-z0-9-]+)\.(json|py)$/.exec(fileName);
  const data = competitionBaselineData(competition);
  const def = match ? findBaseline(data, match[1]) : null;
  if (!match || !def) {
    const names = starterFiles(competition).flatMap((file) => [file.json, file.py]);
    throw new AppError("NOT_FOUND", `No starter file "${fileName}" for this competition.${names.length ? ` There are: ${names.join(", ")}.` : " It has none."}`);
  }
  const format = match[2] as StarterFormat;
  const prefix = `${competition.slug}-${def.id}`;
  if (format === "json") return { fileName: `${prefix}.json`, contentType: "application/json; charset=utf-8", body: kerasModelJson(def.model, data.shape, data.numClasses) };
  const settings = settingsWithinBudget(def, trainingBudgetOf(competition));
  return { fileName: `${prefix}.py`, contentType: "text/x-python; charset=utf-8", body: kerasScript(def, { competitionSlug: competition.slug, datasetId: competition.datasetId, shape: data.shape, numClasses: data.numClasses, settings }) };
}
