/**
 * Training settings for the definition track, as taught in the course: the optimizer and its
 * learning rate, batch size, epochs, validation split, early stopping, and Keras
 * ImageDataGenerator-style augmentation (horizontal flip, rotation in degrees, width/height
 * shift as a fraction of the image size, zoom) plus the CIFAR-10 random crop with padding.
 */
import { z } from "zod";

export const augmentationSchema = z
  .object({
    /** Mirror images left-right at random (do not use for digits). */
    horizontalFlip: z.boolean().default(false),
    /** Random rotation in [-degrees, +degrees] (ImageDataGenerator rotation_range). */
    rotationDegrees: z.number().min(0).max(180).default(0),
    /** Random horizontal shift, fraction of the width (width_shift_range). */
    widthShift: z.number().min(0).max(0.5).default(0),
    /** Random vertical shift, fraction of the height (height_shift_range). */
    heightShift: z.number().min(0).max(0.5).default(0),
    /** Random zoom in [1 - zoom, 1 + zoom] per axis (ImageDataGenerator zoom_range; above 1 zooms out). */
    zoom: z.number().min(0).max(0.5).default(0),
    /**
     * Random crop with padding, the CIFAR-10 recipe: pad every side with this many black pixels,
     * then crop a window of the original size at a random position (0 = off).
     */
    cropPadding: z.number().int().min(0).max(16).default(0),
  })
  .strict();

/** No augmentation: the default, and what older stored settings without these keys read as. */
export const NO_AUGMENTATION = { horizontalFlip: false, rotationDegrees: 0, widthShift: 0, heightShift: 0, zoom: 0, cropPadding: 0 } as const;

export const trainingSettingsSchema = z
  .object({
    optimizer: z.enum(["adam", "sgd", "rmsprop"]).default("adam"),
    learningRate: z.number().positive().max(1).default(0.001),
    batchSize: z.number().int().min(1).max(1024).default(32),
    epochs: z.number().int().min(1).max(200).default(10),
    /** Fraction of the training set held out to watch for overfitting (Keras validation_split). */
    validationSplit: z.number().min(0).max(0.5).default(0.1),
    /** Stop when validation loss has not improved for this many epochs; null = never stop early. */
    earlyStoppingPatience: z.number().int().min(1).max(100).nullable().default(null),
    augmentation: augmentationSchema.default(NO_AUGMENTATION),
  })
  .strict()
  .refine((s) => s.earlyStoppingPatience === null || s.validationSplit > 0, {
    message: "early stopping needs a validation split above 0 (it watches the validation loss)",
    path: ["earlyStoppingPatience"],
  });

export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
export type AugmentationSettings = z.infer<typeof augmentationSchema>;

/**
 * The augmentation in words, one item per transform that is on (empty when none), in the order
 * training applies them: what the training log and the report show.
 */
export function describeAugmentation(augmentation: Partial<AugmentationSettings> | undefined | null): string[] {
  if (!augmentation) return [];
  const items: string[] = [];
  const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;
  if (augmentation.cropPadding) items.push(`random crop (pad ${augmentation.cropPadding} px, crop back)`);
  if (augmentation.horizontalFlip) items.push("horizontal flip");
  if (augmentation.rotationDegrees) items.push(`rotation ±${augmentation.rotationDegrees}°`);
  if (augmentation.widthShift) items.push(`width shift ±${percent(augmentation.widthShift)}`);
  if (augmentation.heightShift) items.push(`height shift ±${percent(augmentation.heightShift)}`);
  if (augmentation.zoom) items.push(`zoom ±${percent(augmentation.zoom)}`);
  return items;
}

/** Parses settings with defaults; throws a ZodError listing each invalid field. */
export function parseTrainingSettings(input: unknown): TrainingSettings {
  return trainingSettingsSchema.parse(input ?? {});
}

/**
 * Reads training settings as a student sent them (an object, or its JSON text; absent = all
 * defaults) and says what is wrong in words: one message per invalid field. The upload check and
 * the scorer both read settings through this schema; nothing else parses them.
 */
export function readTrainingSettings(input: unknown): { ok: true; settings: TrainingSettings } | { ok: false; errors: string[] } {
  let value = input;
  if (typeof input === "string") {
    if (input.trim() === "") value = undefined;
    else {
      try {
        value = JSON.parse(input);
      } catch {
        return { ok: false, errors: ['Training settings are not valid JSON. Send an object like {"epochs": 5, "batchSize": 64}.'] };
      }
    }
  }
  const parsed = trainingSettingsSchema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => `Training setting ${issue.path.join(".") || "(settings)"}: ${issue.message}.`) };
}
