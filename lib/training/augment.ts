/**
 * Per-batch data augmentation with TF.js ops (they run on whichever backend is active, and all
 * of these exist on wasm: FlipLeftRight, Transform, Select).
 *
 * Each image gets its own random draw. Rotation and shifts are combined into one projective
 * transform per image, sampled bilinearly, with 'nearest' fill at the borders (Keras'
 * ImageDataGenerator default).
 */
import * as tf from "@tensorflow/tfjs";
import type { Augmentation } from "./types";

export function hasAugmentation(augmentation: Augmentation | undefined): augmentation is Augmentation {
  return Boolean(augmentation && (augmentation.horizontalFlip || augmentation.rotationDegrees || augmentation.widthShift || augmentation.heightShift));
}

/** Returns a new tensor; the caller still owns (and disposes) `images`. */
export function augmentBatch(images: tf.Tensor4D, augmentation: Augmentation, random: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const [count, height, width] = images.shape;
    let out: tf.Tensor4D = images;
    if (augmentation.horizontalFlip) {
      const flipMask = new Uint8Array(count);
      for (let i = 0; i < count; i++) flipMask[i] = random() < 0.5 ? 1 : 0;
      // [n,1,1,1]: tf.where broadcasts from the trailing axis, so a rank-1 mask would not line up.
      out = tf.where(tf.tensor4d(flipMask, [count, 1, 1, 1], "bool"), tf.image.flipLeftRight(out), out);
    }
    const maxRadians = ((augmentation.rotationDegrees ?? 0) * Math.PI) / 180;
    const maxShiftX = (augmentation.widthShift ?? 0) * width;
    const maxShiftY = (augmentation.heightShift ?? 0) * height;
    if (maxRadians > 0 || maxShiftX > 0 || maxShiftY > 0) {
      const transforms = new Float32Array(count * 8);
      for (let i = 0; i < count; i++) {
        const angle = (2 * random() - 1) * maxRadians;
        const shiftX = (2 * random() - 1) * maxShiftX;
        const shiftY = (2 * random() - 1) * maxShiftY;
        transforms.set(rotateAndShift(angle, shiftX, shiftY, (width - 1) / 2, (height - 1) / 2), i * 8);
      }
      out = tf.image.transform(out, tf.tensor2d(transforms, [count, 8]), "bilinear", "nearest");
    }
    return out === images ? images.clone() : out;
  });
}

/**
 * The transform row mapping an output pixel to the input pixel it samples, for an image rotated
 * by `angle` about (cx, cy) and then shifted by (dx, dy): input = R(-angle) (p - c - d) + c.
 */
export function rotateAndShift(angle: number, dx: number, dy: number, cx: number, cy: number): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const px = cx + dx;
  const py = cy + dy;
  return [cos, sin, cx - cos * px - sin * py, -sin, cos, cy + sin * px - cos * py, 0, 0];
}
