/**
 * The statistics behind an honest leaderboard: intervals on accuracies, a paired test between
 * neighbours, the Ladder's threshold and the "trained on the test set?" margin. Pure functions,
 * tested against values from R / scipy (test/unit/leaderboard/statistics.test.ts).
 */

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b), by bisection (I_x is increasing in x): 60 halvings reach 1e-18. */
function betaQuantile(p: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (regularizedBeta(mid, a, b) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * The exact (Clopper-Pearson) interval for a proportion: k correct out of n, confidence 1 - alpha.
 *
 * Why Clopper-Pearson rather than Wilson: class leaderboards sit near 100% (MNIST models score
 * 98-99.5%), where approximate intervals are at their worst; Clopper-Pearson inverts the exact
 * binomial test, so its coverage is at least 95% for every n and accuracy (Wilson's dips below
 * near the edges), and at 0 or n correct it stays inside [0, 1] with a sensible width. It is
 * slightly wider than Wilson, which errs on the side of calling rank differences noise.
 */
export function clopperPearson(k: number, n: number, alpha = 0.05): Interval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n) throw new Error(`clopperPearson needs 0 <= k <= n with n > 0 (got k=${k}, n=${n})`);
  return {
    low: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1),
    high: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k),
  };
}

/** The 95% interval of an accuracy measured on n examples (k = accuracy x n, rounded). */
export function accuracyInterval(accuracy: number, n: number): Interval | null {
  if (!Number.isFinite(accuracy) || !Number.isInteger(n) || n <= 0) return null;
  const k = Math.min(n, Math.max(0, Math.round(accuracy * n)));
  return clopperPearson(k, n);
}

/**
 * The exact McNemar test (two-sided): of the examples on which two models disagree about being
 * right, onlyA are right for A only and onlyB for B only. Under "equally accurate" each
 * discordant example is a fair coin: p = min(1, 2 P(X <= min(onlyA, onlyB))), X ~ Bin(onlyA + onlyB, 1/2).
 */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const m = onlyA + onlyB;
  if (m === 0) return 1;
  const smaller = Math.min(onlyA, onlyB);
  const logHalf = m * Math.log(0.5);
  let tail = 0;
  for (let i = 0; i <= smaller; i++) tail += Math.exp(logGamma(m + 1) - logGamma(i + 1) - logGamma(m - i + 1) + logHalf);
  return Math.min(1, 2 * tail);
}

/** Significance level of the tie test between neighbours on a board. */
export const TIE_ALPHA = 0.05;

/**
 * The Ladder's step (Blum & Hardt 2015) for a public split of n examples: 1/sqrt(n), the
 * standard error of an accuracy at its widest (p = 1/2 gives sqrt(p(1-p)/n) = 1/(2 sqrt n), so
 * this is two standard errors), rounded to the nearest 0.1 percentage point and at least 0.1.
 * n = 3000 gives 0.018: a new public score shows only when it beats the best shown by more than 1.8 points.
 */
export function ladderThreshold(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.max(0.001, Math.round(1000 / Math.sqrt(n)) / 1000);
}

/** What the public board shows under the Ladder for a new score, given the entrant's best shown so far. */
export function ladderStep(previousShown: number | null, newScore: number, threshold: number): { shown: number; updated: boolean } {
  if (previousShown === null || newScore > previousShown + threshold) return { shown: newScore, updated: true };
  return { shown: previousShown, updated: false };
}

/** One-sided z for "clearly above" in the contamination check: p < 0.001. */
export const CONTAMINATION_Z = 3.09;
/** "Near 100%": a test accuracy at or above this is flagged whatever the training slice says. */
export const NEAR_PERFECT_TEST_ACCURACY = 0.999;

export interface ContaminationVerdict {
  flagged: boolean;
  /** Test accuracy minus training-slice accuracy, and the margin it had to exceed. */
  gap: number;
  margin: number;
  reason: "test-clearly-above-training" | "near-perfect-on-test" | null;
}

/**
 * "Likely trained on the test set": a model that saw only the training data does at least as well
 * on training data as on the test set. Flagged when test accuracy exceeds the training-slice
 * accuracy by more than CONTAMINATION_Z standard errors of the difference of two independent
 * proportions (a one-sided test at p < 0.001: a false accusation costs more than a missed one),
 * or when the test accuracy is at least 99.9% (no honest MNIST or CIFAR-10 model gets there).
 */
export function contaminationCheck(test: { accuracy: number; n: number }, trainSlice: { accuracy: number; n: number }): ContaminationVerdict {
  const variance = (test.accuracy * (1 - test.accuracy)) / test.n + (trainSlice.accuracy * (1 - trainSlice.accuracy)) / trainSlice.n;
  // A floor on the standard error: with both near 100% the variance vanishes, and one example should not flag.
  const margin = CONTAMINATION_Z * Math.max(Math.sqrt(variance), 1 / Math.min(test.n, trainSlice.n));
  const gap = test.accuracy - trainSlice.accuracy;
  if (test.accuracy >= NEAR_PERFECT_TEST_ACCURACY) return { flagged: true, gap, margin, reason: "near-perfect-on-test" };
  if (gap > margin) return { flagged: true, gap, margin, reason: "test-clearly-above-training" };
  return { flagged: false, gap, margin, reason: null };
}
