/** Shapes of what the worker computes and the report pages show. Shared by worker, web and API. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number | null;
}

export interface CurveSummary {
  /** "training": recorded by Holdout while it trained; "history": the student's uploaded Keras history. */
  source: "training" | "history";
  epochs: EpochRecord[];
  /** Epoch (1-based) with the lowest validation loss. */
  bestEpoch: number | null;
  /** First epoch of sustained overtraining: validation loss rising while training loss falls. */
  overfitStartEpoch: number | null;
  /** valLoss - loss per epoch (null where there is no validation loss). */
  generalizationGap: Array<number | null>;
  stoppedEarly?: boolean;
  stopReason?: string | null;
}

export interface PerClassMetrics {
  label: string;
  accuracy: number;
  precision: number;
  recall: number;
  support: number;
}

export interface SplitMetrics {
  examples: number;
  accuracy: number;
  loss: number;
  ece: number;
  confusion: number[][];
  perClass: PerClassMetrics[];
}

export interface MisclassifiedExample {
  /** Index in the competition's test set (always a public-split index). */
  index: number;
  predicted: number;
  actual: number;
  confidence: number;
}

export interface EvaluationResult {
  backend: string;
  examplesPerSecond: number;
  format: string;
  summary: unknown;
  public: SplitMetrics;
  private: SplitMetrics;
  misclassified: MisclassifiedExample[];
  curves: CurveSummary | null;
  splitInfo: unknown;
  classNames: string[];
  warnings: string[];
}
