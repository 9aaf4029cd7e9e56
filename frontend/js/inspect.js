/**
 * Pure helpers for looking inside a network: which call of a module a summary row is (SimpleCNN
 * runs `pool` twice), which layers have a feature map Grad-CAM can use, and receptive-field
 * maths — the unit under a point of the input, and the input pixels one unit sees — following
 * the API's convention (pixel i is centred at i; rectangles are inclusive and clipped).
 */

const EPS = 1e-6;

/** 1 for a module's first run, 2 for its second… (rows in execution order). */
export function callOf(rows, row) {
  let call = 0;
  for (const other of rows) {
    if (other.name === row.name) call += 1;
    if (other === row || other.index === row.index) break;
  }
  return Math.max(call, 1);
}

/** "pool" or "pool#2": a layer and its call, as one select value. */
export function layerKey(name, call = 1) {
  return call > 1 ? `${name}#${call}` : name;
}

export function parseLayerKey(key) {
  const match = /^(.*)#(\d+)$/.exec(key ?? '');
  return match ? { layer: match[1], call: Number(match[2]) } : { layer: key, call: 1 };
}

/**
 * A 4-D output bigger than 1×1: the layer has a feature map to show or to explain. forward()'s
 * own operations (functional rows: F.relu, +=) are not modules the server can hook.
 */
export function hasFeatureMap(row) {
  if (row?.functional) return false;
  const shape = row?.output_shape;
  return Array.isArray(shape) && shape.length === 4 && shape[2] * shape[3] > 1;
}

/**
 * Layers offered for Grad-CAM: convolutions, pools and containers (VGG's `features`,
 * ResNet's `layer4`, each BasicBlock) whose output is a feature map — not every BatchNorm and
 * ReLU, which would only lengthen the list. Returns [{key, name, call, type}] in order.
 */
export function camLayers(summary) {
  const rows = summary?.layers ?? [];
  const chosen = [];
  for (const row of rows) {
    if (!hasFeatureMap(row)) continue;
    const wanted = !row.is_leaf || /Conv|Pool/.test(row.type);
    if (!wanted) continue;
    const call = callOf(rows, row);
    chosen.push({ key: layerKey(row.name, call), name: row.name, call, type: row.type, index: row.index });
  }
  return chosen;
}

/** The receptive-field entry for a summary row (same index), or null. */
export function fieldOf(fields, index) {
  return fields?.layers?.find((f) => f.index === index) ?? null;
}

function clamp(value, lo, hi) {
  return Math.min(Math.max(value, lo), hi);
}

/** The output unit [row, col] whose centre is nearest the input point [y, x]. */
export function unitAt(field, point) {
  const [, , rows, cols] = field.output_shape;
  const r = Math.round((point[0] - field.start[0]) / field.jump[0] + EPS);
  const c = Math.round((point[1] - field.start[1]) / field.jump[1] + EPS);
  return [clamp(r, 0, rows - 1), clamp(c, 0, cols - 1)];
}

/** The centre unit, as the API picks it: [H // 2, W // 2]. */
export function centreUnit(field) {
  const [, , rows, cols] = field.output_shape;
  return [Math.floor(rows / 2), Math.floor(cols / 2)];
}

/**
 * Input pixels [top, left, bottom, right] (inclusive, clipped to the image) that `unit` sees;
 * the whole image when every value depends on all of it; null when the field lies outside.
 */
export function unitRegion(field, unit, [height, width]) {
  if (field.whole_input || !field.size) return [0, 0, height - 1, width - 1];
  const bounds = [0, 1].map((axis) => {
    const centre = field.start[axis] + unit[axis] * field.jump[axis];
    const half = (field.size[axis] - 1) / 2;
    const limit = axis === 0 ? height : width;
    return [Math.max(0, Math.ceil(centre - half - EPS)), Math.min(limit - 1, Math.floor(centre + half + EPS))];
  });
  const [[top, bottom], [left, right]] = bounds;
  if (top > bottom || left > right) return null;
  return [top, left, bottom, right];
}

/** A region as an SVG rectangle over the image drawn in a viewBox of 0 0 W H (pixel i = [i, i+1)). */
export function regionRect([top, left, bottom, right]) {
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** Where an output unit's centre sits on the image, in the same viewBox. */
export function unitCentre(field, unit) {
  return {
    x: field.start[1] + unit[1] * field.jump[1] + 0.5,
    y: field.start[0] + unit[0] * field.jump[0] + 0.5,
  };
}

/** A pointer position over an image box → the input pixel point [y, x] in the API's convention. */
export function pointInImage(box, clientX, clientY, [height, width]) {
  const x = ((clientX - box.left) / box.width) * width - 0.5;
  const y = ((clientY - box.top) / box.height) * height - 0.5;
  return [clamp(y, 0, height - 1), clamp(x, 0, width - 1)];
}

/** "8×8" for [8, 8], "8" when both axes agree and `square` is asked for; numbers rounded. */
export function pairText(pair, { square = false } = {}) {
  if (!Array.isArray(pair)) return '–';
  const [a, b] = pair.map((v) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100)));
  return square && a === b ? a : `${a}×${b}`;
}
