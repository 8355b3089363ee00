/**
 * A competition's test images and its public split, as the web process reads them: for the
 * misclassified-images gallery (public images only) and the free model check's trial sample.
 * The test data is the platform's (a dataset, or an instructor's set stored already parsed by
 * the sandboxed child, lib/competitions/test-set-format), never a student's file.
 */
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getBlob } from "@/lib/storage/blobs";
import { decodeTestSet } from "./test-set-format";

export interface TestImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  numClasses: number;
  publicIndices: Uint32Array;
}

type CompetitionData = { id: string; datasetId: string; testSetId: string | null; splitSeed: number; publicFraction: number };

/** Per competition and split settings: the split of a 10k test set takes a few milliseconds, but why redo it. */
const cache = new Map<string, Promise<TestImages>>();

async function load(prisma: PrismaClient, competition: CompetitionData): Promise<TestImages> {
  let images: Uint8Array, labels: Uint8Array, count: number, shape: [number, number, number], numClasses: number;
  if (competition.testSetId) {
    const testSet = await prisma.testSet.findUnique({ where: { id: competition.testSetId } });
    if (!testSet) throw new AppError("NOT_FOUND", "The competition's test set is gone. Ask your instructor.");
    // Stored already parsed (./test-set-format), as the worker reads it.
    const stored = decodeTestSet(await getBlob(prisma, testSet.blobSha256));
    ({ images, labels, count, shape } = stored);
    numClasses = stored.classNames.length;
  } else {
    const dataset = await loadDataset(competition.datasetId, "test");
    ({ images, labels, count, shape, numClasses } = dataset);
  }
  const { publicIndices } = splitPublicPrivate(labels, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
  return { images, labels, count, shape, numClasses, publicIndices };
}

export function competitionTestImages(prisma: PrismaClient, competition: CompetitionData): Promise<TestImages> {
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
