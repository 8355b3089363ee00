export { trainModel, evaluate, type TrainOptions } from "./train-model";
export { analyzeCurves, type CurveAnalysis, type CurvePoint } from "./overtraining";
export { augmentBatch, rotateAndShift } from "./augment";
export { makeBatch, preprocessCoefficients } from "./batches";
export { classificationLoss, outputsProbabilities } from "./loss";
export * from "./types";
