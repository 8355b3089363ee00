/**
 * Reads model files from disk for the CLI and scripts. A directory stands for the files in it
 * (a TF.js model folder: model.json + shards).
 */
import fs from "node:fs";
import path from "node:path";
import type { SubmissionFile } from "./files";

export function readModelFiles(paths: string[]): SubmissionFile[] {
  const files: SubmissionFile[] = [];
  for (const given of paths) {
    if (!fs.existsSync(given)) throw new Error(`${given}: no such file or directory`);
    const entries = fs.statSync(given).isDirectory()
      ? fs
          .readdirSync(given)
          .sort()
          .map((name) => path.join(given, name))
          .filter((p) => fs.statSync(p).isFile())
      : [given];
    for (const file of entries) files.push({ name: path.basename(file), data: new Uint8Array(fs.readFileSync(file)) });
  }
  return files;
}
