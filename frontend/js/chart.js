/**
 * Pure layout of the vanishing-gradient chart: per-layer gradient norms (input side first) on
 * a logarithmic y axis with a tick per decade, one polyline per network. No DOM here:
 * gradients.js draws the result and node --test checks the scales.
 */

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 1e-14 → "10⁻¹⁴", 1 → "10⁰". */
export function powerOfTen(exponent) {
  return `10${String(exponent).replace(/[-0-9]/g, (ch) => SUPERSCRIPT[ch])}`;
}

/** A number for people: 4.153e-6 → "4.2 × 10⁻⁶"; 0.0149 → "1.5 × 10⁻²"; 0 → "0". */
export function scientific(value, digits = 2) {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  let exponent = Math.floor(Math.log10(Math.abs(value)));
  let rounded = Number((value / 10 ** exponent).toPrecision(digits));
  if (Math.abs(rounded) >= 10) {
    // 9.96 rounds up to 10: carry into the exponent.
    exponent += 1;
    rounded /= 10;
  }
  const text = rounded.toFixed(Math.max(digits - 1, 0));
  return exponent === 0 ? text : `${text} × ${powerOfTen(exponent)}`;
}

/** y = f(value) for value in [10^lo, 10^hi] mapped onto [bottom, top] (pixels grow downwards). */
export function logScale(loExp, hiExp, bottom, top) {
  const span = Math.max(hiExp - loExp, 1e-9);
  return (value) => bottom - ((Math.log10(value) - loExp) / span) * (bottom - top);
}

export function linearScale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Decade ticks covering [min, max]: whole exponents, thinned to at most `maxTicks`. */
export function decadeTicks(min, max, maxTicks = 8) {
  const lo = Math.floor(Math.log10(min)) + 0;
  let hi = Math.ceil(Math.log10(max)) + 0; // + 0: no -0
  if (hi === lo) hi = lo + 1;
  const step = Math.max(1, Math.ceil((hi - lo) / (maxTicks - 1)));
  const ticks = [];
  for (let e = hi; e >= lo - step + 1; e -= step) ticks.push(e);
  const bottom = ticks[ticks.length - 1];
  return { lo: Math.min(lo, bottom), hi, exponents: ticks.reverse() };
}

/** Layer-number ticks: 1, then multiples of a round step, at most `maxTicks`. */
export function layerTicks(count, maxTicks = 7) {
  const step = [1, 2, 5, 10, 20, 50].find((s) => Math.ceil(count / s) <= maxTicks) ?? 100;
  const ticks = [1];
  for (let x = step; x <= count; x += step) if (x !== 1) ticks.push(x);
  return ticks;
}

/**
 * The points of one series: main-path layers numbered 1, 2, … (so ResNet-18 and its plain twin
 * line up layer for layer); a 1×1 shortcut convolution sits at the number of the first layer of
 * its block, since it reads the same input.
 */
export function gradientPoints(series) {
  const points = [];
  let ordinal = 0;
  const firstOfBlock = new Map();
  const shortcuts = [];
  for (const layer of series.layers) {
    if (layer.shortcut) {
      shortcuts.push(layer);
      continue;
    }
    ordinal += 1;
    const block = layer.name.split('.').slice(0, 2).join('.');
    if (!firstOfBlock.has(block)) firstOfBlock.set(block, ordinal);
    points.push({ x: ordinal, norm: layer.norm, name: layer.name, type: layer.type, shortcut: false });
  }
  for (const layer of shortcuts) {
    const block = layer.name.split('.').slice(0, 2).join('.');
    const x = firstOfBlock.get(block) ?? 1;
    points.push({ x, norm: layer.norm, name: layer.name, type: layer.type, shortcut: true });
  }
  return points;
}

// About the width it is shown at in the lessons panel, so 9.5 px text stays 9.5 px.
export const CHART = Object.freeze({ width: 264, height: 188, left: 40, right: 8, top: 8, bottom: 30 });

/**
 * Everything the chart draws, with coordinates: plot area, y ticks per decade, x ticks per
 * layer number, and per series its points and the path through its main-path points. Norms of
 * exactly 0 (below float32's range) cannot sit on a log axis: they go on the bottom edge,
 * flagged `zero`.
 */
export function gradientChart(lesson, size = {}) {
  const g = { ...CHART, ...size };
  const series = lesson.series.map((s) => ({ key: s.key, title: s.title, points: gradientPoints(s) }));
  const positive = series.flatMap((s) => s.points.map((p) => p.norm)).filter((n) => n > 0);
  const min = positive.length ? Math.min(...positive) : 1e-8;
  const max = positive.length ? Math.max(...positive) : 1;
  const { lo, hi, exponents } = decadeTicks(min, max);
  const plot = { left: g.left, top: g.top, right: g.width - g.right, bottom: g.height - g.bottom };
  const y = logScale(lo, hi, plot.bottom, plot.top);
  const count = Math.max(1, ...series.map((s) => s.points.filter((p) => !p.shortcut).length));
  const x = linearScale(1, Math.max(count, 2), plot.left + 6, plot.right - 6);
  for (const s of series) {
    for (const p of s.points) {
      p.zero = !(p.norm > 0);
      p.cx = x(p.x);
      p.cy = p.zero ? plot.bottom : y(p.norm);
    }
    const line = s.points.filter((p) => !p.shortcut);
    s.path = line.map((p, i) => `${i ? 'L' : 'M'} ${p.cx.toFixed(1)} ${p.cy.toFixed(1)}`).join(' ');
  }
  return {
    width: g.width,
    height: g.height,
    plot,
    yTicks: exponents.map((e) => ({ exponent: e, y: y(10 ** e), label: powerOfTen(e) })),
    xTicks: layerTicks(count).map((n) => ({ n, x: x(n) })),
    series,
    layers: count,
  };
}
