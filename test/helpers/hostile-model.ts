/**
 * The hostile upload: 13 KB of .keras whose forward pass blows a 28x28 image up 300x in
 * each direction (UpSampling2D(300): 70 M values per image) before a global max pool and a Dense
 * layer. Loading it is instant; predicting the test set with it would take the machine for
 * minutes and gigabytes. Built with the project's own writers.
 */
import { buildModelFromArchitecture, writeKerasArchive } from "@/lib/models";
import { k3 } from "@/test/unit/models/helpers/keras-configs";

export async function upsamplingBombKeras(): Promise<{ name: string; data: Uint8Array }> {
  const config = k3.sequential([28, 28, 1], [
    k3.layer("UpSampling2D", { name: "up_sampling2d", size: [300, 300] }),
    k3.layer("GlobalMaxPooling2D", { name: "global_max_pooling2d" }),
    k3.layer("Dense", { name: "dense", units: 10, activation: "softmax" }),
  ]);
  const model = buildModelFromArchitecture(config);
  try {
    return { name: "model.keras", data: await writeKerasArchive(config, model) };
  } finally {
    model.dispose();
  }
}
