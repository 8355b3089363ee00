import * as tf from "@tensorflow/tfjs";

/** A model's topology and weights as in-memory artifacts (to rebuild it in another thread or run). */
export async function saveModelToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved) throw new Error(`model "${model.name}" could not be serialised`);
  return saved;
}
