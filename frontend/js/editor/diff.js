/**
 * The edited network against the one it was copied from: parameters and mult-adds with their
 * change (absolute and %), and the output shape. Pure: numbers in, numbers out.
 */

/** One measure: {before, after, delta, percent}; percent is null when `before` is 0. */
export function change(before, after) {
  const delta = after - before;
  return { before, after, delta, percent: before === 0 ? null : (100 * delta) / before };
}

/** Summaries (GET /models/{name}/summary) of the original and the copy -> what changed. */
export function compareSummaries(original, copy) {
  return {
    params: change(original.totals.params, copy.totals.params),
    multAdds: change(original.totals.mult_adds, copy.totals.mult_adds),
    outputBefore: original.output_shape,
    outputAfter: copy.output_shape,
    outputChanged: original.output_shape.join('×') !== copy.output_shape.join('×'),
  };
}

/** "+12.5 %", "−93.5 %", "±0 %" (a real minus sign), or "" without a percentage. */
export function formatPercent(percent) {
  if (percent === null || !Number.isFinite(percent)) return '';
  if (Math.abs(percent) < 0.05) return '±0 %';
  const digits = Math.abs(percent) >= 100 ? 0 : 1;
  return `${percent > 0 ? '+' : '−'}${Math.abs(percent).toFixed(digits)} %`;
}
