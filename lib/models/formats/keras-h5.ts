/**
 * Keras HDF5 models (.h5 / .hdf5), as written by `model.save("model.h5")`:
 *
 * - Keras 2 / tf.keras: root attribute `model_config` (JSON), weights in
 *   `model_weights/<layer>/<layer>/kernel:0`, listed in order by the `layer_names` attribute of
 *   `model_weights` and the `weight_names` attribute of each layer group.
 * - Keras 3's legacy HDF5 writer: the same layout, with weight names such as
 *   `sequential/conv2d/kernel` and a Keras 3 dialect model_config.
 *
 * Weights are matched by the layer names in `layer_names` (that is how Keras loads them),
 * then by order within the layer. A nested model stores all its layers' weights in one group;
 * they are split by the layer name inside each weight name.
 */
import { fail } from "@/lib/models/errors";
import { openHdf5, type Hdf5Reader } from "@/lib/models/hdf5";
import { parseJsonSafely } from "@/lib/models/json";
import { parseKerasModelConfig, type ModelSpec } from "@/lib/models/keras/config";
import type { LayerAnalysis } from "@/lib/models/keras/model";
import type { StoredWeight, WeightSource } from "@/lib/models/weights";

export interface KerasModelFile {
  spec: ModelSpec;
  source: WeightSource | null;
  kerasVersion: string | null;
  /** Frees the file (HDF5 handles). Weights already read stay valid. */
  release(): void;
}

export async function readKerasH5(bytes: Uint8Array, fileName: string, opts: { maxJsonDepth: number; maxParams: number }): Promise<KerasModelFile> {
  const h5 = await openHdf5(bytes, fileName);
  try {
    const configText = h5.attrString("/", "model_config");
    if (configText === null) {
      const looksLikeWeights = h5.keys("/").some((k) => k === "layers" || k === "model_weights" || k === "vars") || h5.attrStrings("/", "layer_names") !== null;
      fail(
        looksLikeWeights ? "WEIGHTS_ONLY" : "MALFORMED_HDF5",
        looksLikeWeights
          ? `${fileName} holds only weights (written by model.save_weights), without the model's architecture.`
          : `${fileName} is an HDF5 file but not a Keras model (it has no "model_config" attribute).`,
        { location: fileName, hint: "Save the whole model: model.save('model.keras') (or model.save('model.h5'))." },
      );
    }
    const config = parseJsonSafely(configText, { where: `${fileName} (model_config)`, maxDepth: opts.maxJsonDepth });
    const spec = parseKerasModelConfig(config, fileName);
    const kerasVersion = h5.attrString("/", "keras_version");
    const source = h5.hasGroup("model_weights") ? new H5LayerNameSource(h5, "model_weights", opts.maxParams) : null;
    return { spec, source, kerasVersion, release: () => h5.close() };
  } catch (error) {
    h5.close();
    throw error;
  }
}

class H5LayerNameSource implements WeightSource {
  readonly fileName: string;
  /** layer name -> its stored weights in weight_names order */
  private readonly byLayer = new Map<string, StoredWeight[]>();

  constructor(h5: Hdf5Reader, root: string, maxParams: number) {
    this.fileName = h5.fileName;
    const layerNames = h5.attrStrings(root, "layer_names") ?? h5.keys(root);
    for (const layerName of layerNames) {
      const groupPath = `${root}/${layerName}`;
      const weightNames = h5.attrStrings(groupPath, "weight_names") ?? [];
      this.byLayer.set(
        layerName,
        weightNames.map((weightName) => {
          const datasetPath = `${groupPath}/${weightName}`;
          const shape = h5.datasetShape(datasetPath);
          if (!shape) {
            fail("WEIGHT_MISSING", `${h5.fileName} lists weight "${weightName}" for layer '${layerName}', but the array itself is missing.`, {
              location: `${h5.fileName} > ${datasetPath}`,
              hint: "The file is damaged or incomplete; save the model again.",
            });
          }
          const what = `weight "${weightName}" of layer '${layerName}'`;
          return {
            name: weightName,
            shape,
            read: () => h5.readFloats(datasetPath, { maxElements: maxParams, what }).data,
          };
        }),
      );
    }
  }

  forLayer(layer: LayerAnalysis): StoredWeight[] | null {
    const group = this.byLayer.get(layer.path[0]);
    if (!group) return null;
    if (layer.path.length === 1) return group;
    // Inside a nested model's group: weight names end in "<layer>/<variable>[:0]".
    const inner = group.filter((w) => {
      const parts = w.name.replace(/:\d+$/, "").split("/");
      return parts.length >= 2 && parts[parts.length - 2] === layer.name;
    });
    return inner.length > 0 ? inner : null;
  }

  unclaimed(claimed: Set<StoredWeight>): string[] {
    const names: string[] = [];
    for (const [layerName, weights] of this.byLayer) {
      if (weights.some((w) => !claimed.has(w))) names.push(layerName);
    }
    return names;
  }
}
