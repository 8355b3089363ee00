import { PNG } from "pngjs";
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import { decodeTestSet } from "@/lib/competitions/test-set-format";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getBlob } from "@/lib/storage/blobs";

interface TestImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  publicIndices: Uint32Array;
}

/** Per competition and split settings: the split of a 10k test set takes a few milliseconds, but why redo it. */
const cache = new Map<string, Promise<TestImages>>();

async function load(prisma: PrismaClient, competition: { datasetId: string; testSetId: string | null; splitSeed: number; publicFraction: number }): Promise<TestImages> {
  let images: Uint8Array, labels: Uint8Array, count: number, shape: [number, number, number];
  if (competition.testSetId) {
    const testSet = await prisma.testSet.findUnique({ where: { id: competition.testSetId } });
    if (!testSet) throw new AppError("NOT_FOUND", "The competition's test set is gone. Ask your instructor.");
    // Stored already parsed (lib/competitions/test-set-format), as the worker reads it.
    ({ images, labels, count, shape } = decodeTestSet(await getBlob(prisma, testSet.blobSha256)));
  } else {
    const dataset = await loadDataset(competition.datasetId, "test");
    ({ images, labels, count, shape } = dataset);
  }
  const { publicIndices } = splitPublicPrivate(labels, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
  return { images, labels, count, shape, publicIndices };
}

export function competitionTestImages(
  prisma: PrismaClient,
  competition: { id: string; datasetId: string; testSetId: string | null; splitSeed: number; publicFraction: number },
): Promise<TestImages> {
  const key = [competition.id, competition.datasetId, competition.testSetId, competition.splitSeed, competition.publicFraction].join("\0");
  let pending = cache.get(key);
  if (!pending) {
    pending = load(prisma, competition);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Binary search: publicIndices is sorted ascending. */
export function isPublicIndex(publicIndices: Uint32Array, index: number): boolean {
  let low = 0;
  let high = publicIndices.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (publicIndices[mid] === index) return true;
    if (publicIndices[mid] < index) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

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
