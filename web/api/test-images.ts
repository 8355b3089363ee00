import { PNG } from "pngjs";

// The test images and the public split are read by lib/competitions/test-images.ts.

/** One NHWC uint8 image (1 or 3 channels) as a PNG, each pixel scaled up `scale` times (nearest neighbour). */
export function imagePng(images: Uint8Array, index: number, shape: [number, number, number], scale = 1): Buffer {
  const [height, width, channels] = shape;
  const png = new PNG({ width: width * scale, height: height * scale });
  const offset = index * height * width * channels;
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const source = offset + (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      const target = (y * width * scale + x) * 4;
      png.data[target] = images[source];
      png.data[target + 1] = images[source + (channels >= 3 ? 1 : 0)];
      png.data[target + 2] = images[source + (channels >= 3 ? 2 : 0)];
      png.data[target + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
