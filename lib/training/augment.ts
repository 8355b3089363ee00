/**
 * Per-batch data augmentation from the training settings, with TF.js ops (they run on whichever
 * backend is active, and all of these exist on wasm: FlipLeftRight, Transform, Select).
 *
 * Each image gets its own random draws, in this order: the random crop with padding (the CIFAR-10
 * recipe: pad every side with `cropPadding` black pixels, then cut a window of the original size
 * at a random position, i.e. an integer shift in [-p, p] on each axis with black coming in), the
 * horizontal flip, then rotation, shifts and zoom as one projective transform, sampled
 * bilinearly, with 'nearest' fill at the borders (Keras' ImageDataGenerator defaults).
 */
import * as tf from "@tensorflow/tfjs";
import type { Augmentation } from "./types";

export function hasAugmentation(augmentation: Augmentation | undefined): augmentation is Augmentation {
  return Boolean(
    augmentation && (augmentation.horizontalFlip || augmentation.rotationDegrees || augmentation.widthShift || augmentation.heightShift || augmentation.zoom || augmentation.cropPadding),
  );
}

export interface AugmentOptions {
  /**
   * The model-input value of a black pixel per channel (what raw 0 becomes after the
   * preprocessing): what the crop's padding fills with. Default 0.
   */
  black?: ArrayLike<number>;
}

/** Returns a new tensor; the caller still owns (and disposes) `images`. */
export function augmentBatch(images: tf.Tensor4D, augmentation: Augmentation, random: () => number, options: AugmentOptions = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const [count, height, width, channels] = images.shape;
    let out: tf.Tensor4D = images;
    const padding = augmentation.cropPadding ?? 0;
    if (padding > 0) {
      const rows = new Float32Array(count * 8);
      for (let i = 0; i < count; i++) {
        // Pad p then crop at offset o in [0, 2p]: output(x, y) = input(x + o - p, y + o - p).
        const ox = Math.floor(random() * (2 * padding + 1)) - padding;
        const oy = Math.floor(random() * (2 * padding + 1)) - padding;
        rows.set([1, 0, ox, 0, 1, oy, 0, 0], i * 8);
      }
      // Integer offsets with nearest sampling copy pixels exactly; what comes in is `black`.
      const black = tf.tensor1d(Array.from({ length: channels }, (_, c) => options.black?.[c] ?? 0));
      out = tf.image.transform(tf.sub(out, black) as tf.Tensor4D, tf.tensor2d(rows, [count, 8]), "nearest", "constant", 0).add(black) as tf.Tensor4D;
    }
    if (augmentation.horizontalFlip) {
      const flipMask = new Uint8Array(count);
      for (let i = 0; i < count; i++) flipMask[i] = random() < 0.5 ? 1 : 0;
      // [n,1,1,1]: tf.where broadcasts from the trailing axis, so a rank-1 mask would not line up.
      out = tf.where(tf.tensor4d(flipMask, [count, 1, 1, 1], "bool"), tf.image.flipLeftRight(out), out);
    }
    const maxRadians = ((augmentation.rotationDegrees ?? 0) * Math.PI) / 180;
    const maxShiftX = (augmentation.widthShift ?? 0) * width;
    const maxShiftY = (augmentation.heightShift ?? 0) * height;
    const zoom = augmentation.zoom ?? 0;
    if (maxRadians > 0 || maxShiftX > 0 || maxShiftY > 0 || zoom > 0) {
      const transforms = new Float32Array(count * 8);
      for (let i = 0; i < count; i++) {
        const angle = (2 * random() - 1) * maxRadians;
        const shiftX = (2 * random() - 1) * maxShiftX;
        const shiftY = (2 * random() - 1) * maxShiftY;
        // ImageDataGenerator's zoom_range: zx and zy drawn independently from [1 - z, 1 + z].
        const zx = zoom > 0 ? 1 + (2 * random() - 1) * zoom : 1;
        const zy = zoom > 0 ? 1 + (2 * random() - 1) * zoom : 1;
        transforms.set(rotateAndShift(angle, shiftX, shiftY, (width - 1) / 2, (height - 1) / 2, zx, zy), i * 8);
      }
      out = tf.image.transform(out, tf.tensor2d(transforms, [count, 8]), "bilinear", "nearest");
    }
    return out === images ? images.clone() : out;
  });
}

/**
 * The transform row mapping an output pixel to the input pixel it samples, for an image rotated
 * by `angle` about (cx, cy), shifted by (dx, dy) and zoomed by (zx, zy) (above 1 zooms out, as in
 * Keras): input = Z R(-angle) (p - c - d) + c.
 */
export function rotateAndShift(angle: number, dx: number, dy: number, cx: number, cy: number, zx = 1, zy = 1): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const px = cx + dx;
  const py = cy + dy;
  const [a, b, d, e] = [zx * cos, zx * sin, -zy * sin, zy * cos];
  return [a, b, cx - a * px - b * py, d, e, cy - d * px - e * py, 0, 0];
}
