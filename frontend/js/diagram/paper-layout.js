/**
 * Pure layout of the "paper view": the feature maps as volumes, left to right, in the style of
 * the AlexNet paper's Figure 2 and NN-SVG — box height follows the spatial size H, thickness
 * follows the channels C, and the receding side follows W. Fully connected layers are thin
 * bars whose height follows their feature count. Consecutive layers that keep the shape (VGG's
 * conv pairs, ReLU, BatchNorm) share one volume. No DOM; paper-render.js draws it.
 */

import { formatShape } from '../format.js';
import { blockLabel, isResidualType, isShortcutName, kindOf } from './kinds.js';
import { hasTwoStreams, splitStreams } from './paper-streams.js';

export const PAPER = Object.freeze({
  margin: 20,
  labelRoom: 118, // above the volumes: rotated operation labels
  shapeRoom: 40, // below: the shape
  gap: 18,
  spatialMin: 10,
  spatialSpan: 150,
  spatialPower: 0.6, // < 1 so that 6×6 is still visible next to 224×224
  channelMin: 4,
  channelSpan: 58,
  slant: 0.45, // the receding W side, drawn up and to the right
  barWidth: 7,
  barMin: 18,
  barSpan: 140,
  labelAngle: 38, // degrees the operation labels rise to the right
  labelChar: 7, // px per character of a bold 10.5-px label (measured: "AdaptiveAvgPool" ≈ 105 px)
  shapeChar: 6.1, // px per character of the 10-px shape lines under a volume
  clearance: 12, // px between a label and the volumes it passes over
  labelSpacing: 22, // px (vertical) between parallel labels: a 10.5-px line (descenders too) and a gap
  linkDrop: 6, // px above the baseline where the links between volumes run
  addR: 5, // radius of a residual block's ⊕
  skipDrop: 36, // px below the baseline where a skip runs: under the two shape lines
  skipRoom: 24, // extra room at the bottom for the skips and their 1×1 labels
});

/** The shape lines printed under a volume: channels, then H×W (one line for a vector). */
export function shapeLines(shape) {
  const dims = shape.slice(1);
  return dims.length === 3 ? [String(dims[0]), `${dims[1]}×${dims[2]}`] : [String(dims[0])];
}

const SHAPE_KEEPING = new Set(['act', 'norm', 'dropout']);

function onShortcut(row, rows) {
  // A layer inside a `downsample` (at any depth) is on the shortcut, not the main stack.
  let parent = row.parent;
  while (parent) {
    if (isShortcutName(parent)) return true;
    parent = rows.get(parent)?.parent ?? null;
  }
  return false;
}

/** The residual block (BasicBlock …) a main-path layer belongs to, or null. */
function residualOf(row, rows) {
  let parent = row.parent;
  while (parent) {
    const container = rows.get(parent);
    if (container && isResidualType(container.type)) return container;
    parent = container?.parent ?? null;
  }
  return null;
}

function same(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Groups of consecutive main-path leaves that end in one tensor shape. A residual block's layers
 * are a volume of their own (its skip runs from the volume before to it), and convolutions with
 * different `groups` (AlexNet's two GPUs) do not share one.
 */
export function paperVolumes(summary) {
  const byName = new Map(summary.layers.map((r) => [r.name, r]));
  const volumes = [{ id: 'input', kind: 'input', rows: [], shape: summary.input_shape, residual: null }];
  for (const row of summary.layers) {
    // forward()'s own operations (F.relu, flatten) are not drawn as volumes: papers fold them.
    if (row.functional || !row.is_leaf || onShortcut(row, byName) || row.output_shape.length < 2) {
      continue;
    }
    let last = volumes[volumes.length - 1];
    const residual = residualOf(row, byName);
    if (last.shape.length === 4 && row.input_shape.length === 2) {
      // Flattening inside forward(): its own vector, like the papers draw it.
      last = { id: `F${row.index}`, kind: 'reshape', rows: [], shape: row.input_shape, residual: null };
      volumes.push(last);
    }
    const keepsShape = same(row.output_shape, last.shape) && residual?.name === last.residual?.name;
    const kind = kindOf(row.type);
    const groups = row.hparams?.groups ?? 1;
    // Convolutions that keep the shape share a volume with the convolutions before them (VGG's
    // pairs), never with a pool (a volume has one colour, its kind); dense layers never share.
    const joins = last.kind === kind && kind !== 'linear' && (kind !== 'conv' || last.groups === groups);
    if (keepsShape && (SHAPE_KEEPING.has(kind) || joins)) {
      last.rows.push(row);
      continue;
    }
    volumes.push({ id: `L${row.index}`, kind, rows: [row], shape: row.output_shape, residual, groups });
  }
  return volumes;
}

/** The label on a skip that carries a 1×1 downsample: "1×1/2", or null for the identity. */
function downsampleLabel(residual, summary) {
  const prefix = `${residual.name}.`;
  const conv = summary.layers.find(
    (r) => r.is_leaf && r.name.startsWith(prefix) && kindOf(r.type) === 'conv' && r.name.slice(prefix.length).split('.').some(isShortcutName),
  );
  return conv ? shortLabel(conv).replace(/^Conv /, '') : null;
}

function size(value) {
  const [a, b] = Array.isArray(value) ? value : [value, value];
  return a === b ? `${a}×${a}` : `${a}×${b}`;
}

function stride(value) {
  const s = Array.isArray(value) ? value[0] : value;
  return s > 1 ? `/${s}` : '';
}

/** The figure's short names: the channels are printed under each volume anyway. */
export function shortLabel(row) {
  const h = row.hparams ?? {};
  const kind = kindOf(row.type);
  if (kind === 'conv' && h.kernel_size != null) {
    return `Conv ${size(h.kernel_size)}${stride(h.stride)}${h.groups > 1 ? ` g${h.groups}` : ''}`;
  }
  if (/^Adaptive/.test(row.type)) return row.type.replace('2d', '');
  if (kind === 'pool' && h.kernel_size != null) {
    return `${row.type.replace('2d', '')} ${size(h.kernel_size)}${stride(h.stride)}`;
  }
  if (row.type === 'Linear' && h.out_features != null) return `FC ${h.out_features}`;
  return blockLabel(row);
}

/** "Conv 3×3/2 · Conv 3×3 ×3": what produced a volume, ignoring the shape keepers. */
function operationLabel(volume) {
  if (volume.kind === 'input') return 'Input';
  if (volume.kind === 'reshape') return 'Flatten';
  const main = volume.rows.filter((r) => !SHAPE_KEEPING.has(kindOf(r.type)));
  const runs = [];
  for (const label of (main.length ? main : volume.rows).map(shortLabel)) {
    const run = runs[runs.length - 1];
    if (run && run.label === label) run.count += 1;
    else runs.push({ label, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.label} ×${r.count}` : r.label)).join(' · ');
}

export function paperLayout(summary) {
  const G = PAPER;
  const volumes = paperVolumes(summary);
  const maps = volumes.filter((v) => v.shape.length === 4);
  const vectors = volumes.filter((v) => v.shape.length === 2);
  const maxHW = Math.max(1, ...maps.map((v) => Math.max(v.shape[2], v.shape[3])));
  const maxC = Math.max(1, ...maps.map((v) => v.shape[1]));
  const maxF = Math.max(2, ...vectors.map((v) => v.shape[1]));
  const spatial = (n) => G.spatialMin + G.spatialSpan * (n / maxHW) ** G.spatialPower;
  const thickness = (c) => G.channelMin + G.channelSpan * Math.sqrt(c / maxC);
  const barHeight = (f) => G.barMin + (G.barSpan * Math.log2(Math.max(f, 2))) / Math.log2(maxF);

  const barWidth = G.barWidth * (hasTwoStreams(summary) ? 2 : 1); // room for two halves
  const tallest = Math.max(
    G.barMin,
    ...maps.map((v) => spatial(v.shape[2]) + G.slant * spatial(v.shape[3])),
    ...vectors.map((v) => barHeight(v.shape[1])),
  );
  let baseline = G.margin + G.labelRoom + tallest; // bottom edge of every front face
  let x = G.margin;
  let textRight = -Infinity; // right end of the previous volume's shape lines (or its ⊕)
  let bodyRight = -Infinity; // right end of the previous volume's drawing
  const total = summary.totals?.params ?? 0;
  const blocks = volumes.map((volume) => {
    // The layer that made this volume: the last one that is not a shape keeper (ReLU, BN).
    const main = volume.rows.filter((r) => !SHAPE_KEEPING.has(kindOf(r.type)));
    const last = volume.kind === 'input' || volume.kind === 'reshape' ? null : (main.at(-1) ?? volume.rows.at(-1));
    const params = volume.rows.reduce((n, r) => n + (r.recursive ? 0 : r.params), 0);
    const box =
      volume.shape.length === 4
        ? { depth: thickness(volume.shape[1]), h: spatial(volume.shape[2]), recede: G.slant * spatial(volume.shape[3]) }
        : { depth: barWidth, h: barHeight(volume.shape[1]), recede: 0 };
    // The shape lines are centred under the front face: neighbours' numbers must not touch.
    const textWidth = Math.max(...shapeLines(volume.shape).map((l) => l.length)) * G.shapeChar;
    x = Math.max(x, textRight + 8 - box.depth / 2 + textWidth / 2);
    // A residual block's skip drops from the link into it, clear of both volumes' shape lines.
    const skipX = volume.residual ? Math.max(bodyRight + 4, textRight + 4) : null;
    if (skipX != null) x = Math.max(x, skipX + 6, skipX + 4 - box.depth / 2 + textWidth / 2);
    textRight = x + box.depth / 2 + textWidth / 2;
    // …and rises into the ⊕ after it, right of its shape lines; the next volume keeps clear.
    const addX = volume.residual
      ? Math.max(x + box.depth + box.recede + G.gap / 2, textRight + G.addR + 4)
      : null;
    if (addX != null) textRight = Math.max(textRight, addX + G.addR + 2);
    const block = {
      id: volume.id,
      kind: volume.kind,
      row: last,
      rows: volume.rows,
      name: !last
        ? volume.kind === 'input'
          ? 'input'
          : 'flatten (in forward)'
        : main.length > 1
          ? `${main[0].name} … ${last.name}`
          : last.name,
      type: last ? last.type : volume.kind === 'input' ? 'Input' : 'Flatten',
      label: operationLabel(volume),
      shapeText: formatShape(volume.shape, { dropBatch: true }),
      inputShape: volume.rows[0]?.input_shape ?? volume.shape,
      outputShape: volume.shape,
      params,
      share: total > 0 ? params / total : 0,
      inferred: volume.kind === 'reshape' ? 'flatten' : undefined,
      x,
      y: baseline - box.h,
      w: box.depth,
      h: box.h,
      recede: box.recede,
      folded: [],
      residual: volume.residual?.name ?? null,
      skipX,
      addX,
    };
    bodyRight = x + box.depth + box.recede;
    x = Math.max(bodyRight + G.gap, addX == null ? 0 : addX + G.addR + 8);
    return block;
  });
  // Each rotated label starts above its volume and rises to the right; where it would cross a
  // taller volume further right (VGG16's last pool before "FC 4096", the Flatten bar), or the
  // start of a label there, it starts higher (labels are parallel: passing above a later
  // label's start keeps clear of all of it). Placed right to left, so the later labels are
  // known. Then everything moves down if a label would leave the top edge.
  const rise = Math.tan((G.labelAngle * Math.PI) / 180);
  const cos = Math.cos((G.labelAngle * Math.PI) / 180);
  let overflow = 0;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i];
    const cx = block.x + (block.w + block.recede) / 2;
    const run = block.label.length * G.labelChar * cos; // horizontal extent of the label
    let y = block.y - block.recede - 8;
    for (const other of blocks.slice(i + 1)) {
      if (other.x <= cx + run) {
        y = Math.min(y, other.y - other.recede - G.clearance + Math.max(0, other.x - cx) * rise);
      }
      if (other.labelX <= cx + run) {
        y = Math.min(y, other.labelY - G.labelSpacing + Math.max(0, other.labelX - cx) * rise);
      }
    }
    block.labelX = cx;
    block.labelY = y;
    overflow = Math.max(overflow, G.margin - (y - run * rise));
  }
  if (overflow > 0) {
    baseline += overflow;
    for (const block of blocks) {
      block.y += overflow;
      block.labelY += overflow;
    }
  }
  const linkY = baseline - G.linkDrop;
  const skipY = baseline + G.skipDrop;
  const arcs = [];
  const adds = [];
  blocks.forEach((block, i) => {
    if (!block.residual) return;
    const volume = volumes[i];
    const { skipX: sx, addX: ax } = block;
    const r = 6; // rounded corners
    arcs.push({
      name: block.residual,
      from: blocks[i - 1].id,
      to: block.id,
      x1: sx,
      x2: ax,
      y: skipY,
      downsample: downsampleLabel(volume.residual, summary),
      d: `M ${sx} ${linkY} V ${skipY - r} Q ${sx} ${skipY} ${sx + r} ${skipY} H ${ax - r} Q ${ax} ${skipY} ${ax} ${skipY - r} V ${linkY + G.addR}`,
    });
    adds.push({ id: `add-${block.id}`, name: block.residual, x: ax, y: linkY, r: G.addR });
  });
  const layout = {
    paper: true,
    blocks,
    order: blocks.map((b) => b.id),
    frames: [],
    edges: [],
    ticks: [],
    arcs,
    adds,
    baseline,
    linkY,
    labelAngle: G.labelAngle,
    // The last rotated label leans right past its volume.
    width: Math.ceil(x - G.gap + G.margin + G.labelRoom * 0.8),
    height: Math.ceil(baseline + G.shapeRoom + G.margin + (arcs.length ? G.skipRoom : 0)),
  };
  return splitStreams(layout, summary);
}
