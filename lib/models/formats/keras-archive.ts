/**
 * Keras 3 `.keras` archives (also written by tf.keras 2.13+): a zip holding config.json (the
 * model config), metadata.json (Keras version) and model.weights.h5.
 *
 * In model.weights.h5 a layer's variables sit at `layers/<class_snake>[_n]/vars/<i>`, where
 * the name comes from the layer's *class* and its position among the model's layers of that
 * class (conv2d, conv2d_1, ...), nested as `layers/<model>/layers/...` for models inside
 * models. It never uses the layer's own name, so a model whose layers were named by hand (or
 * auto-named "conv2d_7" in a long notebook session) is matched by structure, as Keras does.
 * tf.keras 2.13-2.15 wrote `_layer_checkpoint_dependencies` instead of `layers`.
 */
import { fail } from "@/lib/models/errors";
import { openHdf5, type Hdf5Reader } from "@/lib/models/hdf5";
import { decodeUtf8, isPlainObject, parseJsonSafely } from "@/lib/models/json";
import { parseKerasModelConfig } from "@/lib/models/keras/config";
import type { LayerAnalysis } from "@/lib/models/keras/model";
import type { StoredWeight, WeightSource } from "@/lib/models/weights";
import type { KerasModelFile } from "./keras-h5";

export async function readKerasArchive(
  entries: Map<string, Uint8Array>,
  archiveName: string,
  opts: { maxJsonDepth: number; maxParams: number; withWeights: boolean },
): Promise<KerasModelFile> {
  const configBytes = entries.get("config.json");
  if (!configBytes) {
    fail("MISSING_FILE", `${archiveName} has no config.json, so it is not a Keras .keras archive (it holds: ${[...entries.keys()].slice(0, 8).join(", ") || "nothing"}).`, {
      location: archiveName,
      hint: "Save with model.save('model.keras') and upload that file unchanged.",
    });
  }
  const where = `${archiveName} > config.json`;
  const config = parseJsonSafely(decodeUtf8(configBytes, where), { where, maxDepth: opts.maxJsonDepth });
  const spec = parseKerasModelConfig(config, where);
  const kerasVersion = readKerasVersion(entries.get("metadata.json"));
  if (!opts.withWeights) return { spec, source: null, kerasVersion, release: () => {} };

  const weightsBytes = entries.get("model.weights.h5");
  if (!weightsBytes) {
    fail("MISSING_FILE", `${archiveName} has no model.weights.h5: the archive holds the architecture but not the trained weights.`, {
      location: archiveName,
      hint: "Save with model.save('model.keras') after training and upload that file unchanged.",
    });
  }
  const h5 = await openHdf5(weightsBytes, `${archiveName} > model.weights.h5`);
  return { spec, source: new ArchivePathSource(h5, opts.maxParams), kerasVersion, release: () => h5.close() };
}

function readKerasVersion(bytes: Uint8Array | undefined): string | null {
  if (!bytes) return null;
  try {
    const metadata = JSON.parse(new TextDecoder().decode(bytes));
    return isPlainObject(metadata) && typeof metadata.keras_version === "string" ? metadata.keras_version : null;
  } catch {
    return null;
  }
}

class ArchivePathSource implements WeightSource {
  readonly fileName: string;
  private readonly seen: StoredWeight[] = [];

  constructor(
    private readonly h5: Hdf5Reader,
    private readonly maxParams: number,
  ) {
    this.fileName = h5.fileName;
  }

  forLayer(layer: LayerAnalysis): StoredWeight[] | null {
    for (const path of [layer.archivePath, layer.archivePath.replace(/(^|\/)layers\//g, "$1_layer_checkpoint_dependencies/")]) {
      const varsPath = `${path}/vars`;
      if (!this.h5.hasGroup(varsPath)) continue;
      const indices = this.h5
        .keys(varsPath)
        .filter((k) => /^\d+$/.test(k))
        .map(Number)
        .sort((a, b) => a - b);
      const weights = indices.map((i): StoredWeight => {
        const datasetPath = `${varsPath}/${i}`;
        return {
          name: datasetPath,
          shape: this.h5.datasetShape(datasetPath) ?? [],
          read: () => this.h5.readFloats(datasetPath, { maxElements: this.maxParams, what: `variable ${i} of layer '${layer.name}' (${datasetPath})` }).data,
        };
      });
      this.seen.push(...weights);
      return weights;
    }
    return null;
  }

  unclaimed(_claimed: Set<StoredWeight>): string[] {
    // Variables the model never asked for: look for non-empty vars groups nobody read.
    const asked = new Set(this.seen.map((w) => w.name.replace(/\/vars\/\d+$/, "")));
    const found: string[] = [];
    const visit = (group: string, depth: number) => {
      if (depth > 12) return;
      for (const key of this.h5.keys(group)) {
        const path = group ? `${group}/${key}` : key;
        if (key === "vars") {
          if (this.h5.keys(path).length > 0 && !asked.has(group)) found.push(group);
        } else if (this.h5.hasGroup(path)) visit(path, depth + 1);
      }
    };
    for (const top of ["layers", "_layer_checkpoint_dependencies"]) if (this.h5.hasGroup(top)) visit(top, 0);
    return found;
  }
}
