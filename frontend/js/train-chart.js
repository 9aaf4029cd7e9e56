/**
 * Pure layout of the training lab's charts: loss per step (smoothed) and accuracy per epoch
 * (train dashed, validation solid), several runs overlaid on shared axes. No DOM here:
 * train.js draws the result and node --test checks it.
 */

/** Exponential moving average with bias correction (TensorBoard's smoothing). */
export function smooth(values, weight = 0.9) {
  const out = [];
  let last = 0;
  values.forEach((v, i) => {
    last = last * weight + (1 - weight) * v;
    out.push(last / (1 - weight ** (i + 1)));
  });
  return out;
}

/** Up to `count` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const PAD = { left: 44, right: 10, top: 10, bottom: 26 };

function frame(width, height, xMax, yLo, yHi) {
  const x = (v) => PAD.left + (v / Math.max(xMax, 1)) * (width - PAD.left - PAD.right);
  const y = (v) => height - PAD.bottom - ((v - yLo) / (yHi - yLo || 1)) * (height - PAD.top - PAD.bottom);
  return { x, y };
}

const path = (points) => points.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');

/**
 * runs: [{key, stepLoss: number[]}] → {lines: [{key, d}], yTicks, xTicks} for loss per step.
 * The y axis starts at 0 and ends at the largest smoothed loss (rounded up).
 */
export function lossChart(runs, { width = 560, height = 200, weight = 0.9 } = {}) {
  const smoothed = runs.map((r) => ({ key: r.key, values: smooth(r.stepLoss, weight) }));
  const xMax = Math.max(1, ...smoothed.map((s) => s.values.length));
  const yHi = Math.max(0.1, ...smoothed.flatMap((s) => s.values.filter(Number.isFinite)));
  const yTicks = niceTicks(0, yHi, 4);
  const top = Math.max(yHi, yTicks[yTicks.length - 1]);
  const { x, y } = frame(width, height, xMax, 0, top);
  return {
    width,
    height,
    lines: smoothed.map((s) => ({ key: s.key, d: path(s.values.map((v, i) => [x(i + 1), y(v)])) })),
    yTicks: yTicks.map((v) => ({ value: v, y: y(v) })),
    xTicks: niceTicks(0, xMax, 5).map((v) => ({ value: v, x: x(v) })),
    plot: { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom },
  };
}

/**
 * runs: [{key, epochs: [{epoch, train_accuracy, val_accuracy}]}] → train and validation lines
 * (accuracy 0–1 on y, epochs on x, a point per epoch).
 */
export function accuracyChart(runs, { width = 560, height = 200 } = {}) {
  const xMax = Math.max(1, ...runs.map((r) => r.epochs.length));
  const { x, y } = frame(width, height, xMax, 0, 1);
  const lines = [];
  for (const r of runs) {
    for (const [kind, field] of [['train', 'train_accuracy'], ['val', 'val_accuracy']]) {
      const points = r.epochs.map((e) => [x(e.epoch), y(e[field])]);
      lines.push({ key: r.key, kind, d: path(points), points });
    }
  }
  return {
    width,
    height,
    lines,
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, y: y(v) })),
    xTicks: Array.from({ length: xMax }, (_, i) => ({ value: i + 1, x: x(i + 1) })).filter(
      (_, i, all) => all.length <= 10 || i % Math.ceil(all.length / 10) === 0,
    ),
    plot: { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom },
  };
}

/** "2 min 5 s", "45 s" for an ETA in seconds. */
export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
