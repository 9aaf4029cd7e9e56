/**
 * Where a layer's numbers come from, written out: parameters as 3×3×64×128 + 128, mult-adds as
 * params × H×W. A formula is only shown when it reproduces the API's own number, so the panel
 * never explains a count it did not check. Pure.
 */

import { formatInt } from './format.js';

function dims(value) {
  return Array.isArray(value) ? value : [value, value];
}

/** Returns {text, value} for the layer's parameter count, or null where none applies. */
export function paramFormula(row) {
  const h = row.hparams ?? {};
  let terms = null;
  let bias = 0;
  if (/Conv/.test(row.type) && h.out_channels != null) {
    const [kh, kw] = dims(h.kernel_size);
    const perGroup = h.in_channels / (h.groups || 1);
    terms = [kh, kw, perGroup, h.out_channels];
    bias = h.bias ? h.out_channels : 0;
  } else if (row.type === 'Linear' && h.in_features != null) {
    terms = [h.in_features, h.out_features];
    bias = h.bias ? h.out_features : 0;
  } else if (/Norm/.test(row.type) && h.num_features != null) {
    // weight (γ) and bias (β) per channel; running mean and variance are buffers.
    terms = [2, h.num_features];
  }
  if (!terms) return null;
  const value = terms.reduce((a, b) => a * b, 1) + bias;
  const text = terms.map(formatInt).join('×') + (bias ? ` + ${formatInt(bias)}` : '');
  return { text, value, matches: value === row.params };
}

/**
 * torchinfo's mult-adds: convolutions count params × output H×W per image; linear and
 * normalisation layers count params per image; everything else counts 0.
 */
export function multAddsFormula(row) {
  const out = row.output_shape ?? [];
  const batch = out[0] ?? 1;
  const batchText = batch > 1 ? `${formatInt(batch)} × ` : '';
  if (row.params === 0 || row.recursive) return null;
  if (/Conv/.test(row.type) && out.length === 4) {
    const value = batch * row.params * out[2] * out[3];
    const text = `${batchText}${formatInt(row.params)} × ${out[2]}×${out[3]}`;
    return { text, value, matches: value === row.mult_adds };
  }
  const value = batch * row.params;
  return { text: `${batchText}${formatInt(row.params)}`, value, matches: value === row.mult_adds };
}
