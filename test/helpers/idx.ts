import { gzipSync } from "node:zlib";

/** An IDX file (magic, dims, bytes), as MNIST ships them; gzipped when asked. */
export function idxFile(magic: number, dims: number[], body: Uint8Array, gzip = false): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, magic);
  dims.forEach((dim, i) => view.setUint32(4 + 4 * i, dim));
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** An IDX pair of `count` images (h x w, greyscale) and their labels. */
export function idxPair(images: Uint8Array, labels: Uint8Array, count: number, side = 28, gzip = false) {
  return [
    { name: "fresh-images-idx3-ubyte" + (gzip ? ".gz" : ""), data: idxFile(0x803, [count, side, side], images.subarray(0, count * side * side), gzip) },
    { name: "fresh-labels-idx1-ubyte" + (gzip ? ".gz" : ""), data: idxFile(0x801, [count], labels.subarray(0, count), gzip) },
  ];
}
