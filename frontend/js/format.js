/**
 * Numbers and shapes written for people: thousands separators, units (15.5 G mult-adds,
 * 662.5 MB), tensor shapes as C×H×W. Pure functions, shared by the diagram, table and panels.
 */

// Thousands separators written out: an Intl.NumberFormat made as the page loads is ICU's first
// use in the page, which Chromium profiles of the first visit showed at 15–33 ms before the
// first diagram. Only numbers past plain digits (≥ 1e21) take Intl, made when first needed.
let grouped = null;
const PLAIN_DIGITS = 1e21; // String(n) switches to exponent notation here
const UNITS = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 138357544 → "138,357,544". */
export function formatInt(n) {
  if (!Number.isFinite(n)) return '–';
  const rounded = Math.sign(n) * Math.round(Math.abs(n)); // half away from zero, as Intl
  if (Math.abs(rounded) >= PLAIN_DIGITS) {
    grouped ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    return grouped.format(n);
  }
  return String(rounded).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** 15483821032 → "15.5 G"; 138357544 → "138.4 M"; 421642 → "421.6 K"; 320 → "320". */
export function formatCompact(n) {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  for (const [scale, unit] of UNITS) {
    if (abs >= scale) {
      return `${(n / scale).toFixed(1)} ${unit}`;
    }
  }
  return String(Math.round(n));
}

/** Decimal megabytes, as torchinfo prints them: 662486048 → "662.49 MB". */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** A share in [0, 1] → "74.3 %"; tiny non-zero shares do not round down to a false zero. */
export function formatPercent(share) {
  if (!Number.isFinite(share) || share <= 0) return '0 %';
  const pct = share * 100;
  if (pct < 0.01) return '< 0.01 %';
  if (pct < 1) return `${pct.toFixed(2)} %`;
  return `${pct.toFixed(1)} %`;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/** [1, 3, 224, 224] → "1×3×224×224"; with dropBatch → "3×224×224". */
export function formatShape(shape, { dropBatch = false } = {}) {
  if (!Array.isArray(shape) || shape.length === 0) return '–';
  const dims = dropBatch && shape.length > 1 ? shape.slice(1) : shape;
  return dims.join('×');
}

/** The spatial size of an N×C×H×W tensor as "H×W", or null for flat tensors. */
export function spatialSize(shape) {
  return Array.isArray(shape) && shape.length === 4 ? `${shape[2]}×${shape[3]}` : null;
}

/** Channels of N×C×H×W, or features of N×F. */
export function channelsOf(shape) {
  return Array.isArray(shape) && shape.length >= 2 ? shape[1] : 1;
}
