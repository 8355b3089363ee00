/** Canvas-like drawings for the drawn-digits tests: paper, and a thick anti-aliased stroke along a polyline. */
export function strokeImage(points: Array<[number, number]>, radius: number, width = 280, height = 280, paper = 0): Uint8Array {
  const out = new Uint8Array(width * height).fill(paper);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = Infinity;
      for (let i = 0; i + 1 < points.length; i++) best = Math.min(best, distanceToSegment(x + 0.5, y + 0.5, points[i], points[i + 1]));
      // Anti-aliased edge: full ink inside, a one-pixel ramp at the edge.
      const ink = Math.max(0, Math.min(1, radius + 0.5 - best));
      out[y * width + x] = paper === 0 ? Math.round(255 * ink) : Math.round(255 * (1 - ink));
    }
  }
  return out;
}

function distanceToSegment(px: number, py: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Rough strokes of the ten digits on a 280x280 canvas (polylines), for drawing by mouse or by bytes. */
export const DIGIT_STROKES: Array<Array<[number, number]>> = [
  [[140, 50], [95, 80], [85, 140], [95, 200], [140, 230], [185, 200], [195, 140], [185, 80], [140, 50]],
  [[120, 80], [150, 50], [150, 230]],
  [[90, 90], [120, 55], [170, 55], [190, 95], [170, 140], [90, 230], [200, 230]],
  [[90, 60], [180, 60], [130, 130], [185, 165], [175, 215], [130, 235], [90, 215]],
  [[165, 230], [165, 50], [80, 170], [205, 170]],
  [[190, 55], [100, 55], [95, 130], [150, 120], [190, 160], [180, 215], [135, 235], [90, 215]],
  [[175, 55], [120, 90], [95, 160], [110, 220], [155, 230], [185, 195], [170, 150], [120, 145], [100, 175]],
  [[85, 55], [195, 55], [130, 235]],
  [[140, 140], [100, 105], [110, 60], [170, 60], [180, 105], [140, 140], [95, 180], [110, 225], [170, 225], [185, 180], [140, 140]],
  [[185, 110], [160, 60], [110, 60], [95, 105], [125, 135], [185, 110], [175, 235]],
];
