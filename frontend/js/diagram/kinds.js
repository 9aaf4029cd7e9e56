/**
 * What kind of layer a row is (convolution, pooling, ...) and the short label a block shows,
 * e.g. "Conv 3×3/1 p1, 64". Pure; the colours of each kind live in css/app.css.
 */

/**
 * Kinds in legend order. `add` is the residual addition: drawn as ⊕, and since summaries list
 * forward()'s own operations (`functional: true` rows: F.relu, view, `+=`) it has a row too.
 */
export const KINDS = [
  'input',
  'conv',
  'pool',
  'norm',
  'act',
  'linear',
  'reshape',
  'dropout',
  'add',
  'container',
];

const KIND_PATTERNS = [
  ['conv', /Conv/],
  ['pool', /Pool/i], // functional rows are lower case: max_pool2d, adaptive_avg_pool2d
  ['norm', /Norm/],
  ['act', /ReLU|GELU|SiLU|Sigmoid|Tanh|Softmax|ELU|Hardswish|Mish/i],
  ['linear', /Linear/],
  ['reshape', /Flatten|Unflatten|Reshape|View/i],
  ['dropout', /Dropout/i],
  ['add', /^(add|mul|cat)$/],
];

export function kindOf(type) {
  for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(type)) return kind;
  return 'other';
}

/** Containers whose forward adds their input back (the seed's BasicBlock and its kin). */
export function isResidualType(type) {
  return /BasicBlock|Bottleneck|IdentityBlock|Residual/.test(type ?? '');
}

/** A child that carries the shortcut rather than the main path (torchvision's names). */
export function isShortcutName(name) {
  const last = String(name).split('.').pop();
  return last === 'downsample' || last === 'shortcut';
}

function pair(value) {
  if (Array.isArray(value)) return value;
  return value == null ? [] : [value, value];
}

function sizeText(value) {
  const [a, b] = pair(value);
  if (a == null) return '';
  return `${a}×${b}`;
}

function scalarText(value) {
  if (typeof value === 'string') return value;
  const [a, b] = pair(value);
  if (a == null) return '';
  return a === b ? String(a) : `(${a},${b})`;
}

function convLabel(h) {
  let text = `Conv ${sizeText(h.kernel_size)}/${scalarText(h.stride)}`;
  const pad = scalarText(h.padding);
  if (pad && pad !== '0') text += ` p${pad}`;
  const dil = scalarText(h.dilation);
  if (dil && dil !== '1') text += ` d${dil}`;
  if (h.groups > 1) text += ` g${h.groups}`;
  return `${text}, ${h.out_channels}`;
}

/** forward()'s own operation as the code writes it: `F.relu`, `x.view → 3136`, `+=`. */
function functionalLabel(row) {
  const op = row.op ?? row.type;
  const call = op.startsWith('.') ? `x${op.replace('()', '')}` : op;
  if (kindOf(row.type) === 'reshape') {
    const out = row.output_shape ?? [];
    return `${call} → ${out.length > 2 ? out.slice(1).join('×') : out.slice(1).join('') || out.join('×')}`;
  }
  return call;
}

/** The block's one-line description: type plus key hyper-parameters. */
export function blockLabel(row) {
  if (row.functional) return functionalLabel(row);
  const h = row.hparams ?? {};
  const kind = kindOf(row.type);
  if (kind === 'conv' && h.out_channels != null) return convLabel(h);
  if (row.type === 'Linear' && h.in_features != null) {
    return `Linear ${h.in_features} → ${h.out_features}`;
  }
  if (/^Adaptive/.test(row.type) && h.output_size != null) {
    return `${row.type.replace('2d', '')} → ${sizeText(h.output_size)}`;
  }
  if (kind === 'pool' && h.kernel_size != null) {
    const pad = scalarText(h.padding);
    const padText = pad && pad !== '0' ? ` p${pad}` : '';
    return `${row.type.replace('2d', '')} ${sizeText(h.kernel_size)}/${scalarText(h.stride)}${padText}`;
  }
  if (kind === 'norm' && h.num_features != null) {
    return `${row.type.replace('2d', '')} ${h.num_features}`;
  }
  if (kind === 'dropout' && h.p != null) return `Dropout p=${h.p}`;
  return row.type;
}
