/**
 * Pure layout of a model summary as a vertical block diagram (input at the top):
 * summary rows → blocks, container frames, edges, residual arcs with their ⊕ nodes, shape
 * ticks and parameter-share bars, all with coordinates. No DOM here: render.js draws the
 * result and node --test checks it (frontend/tests/layout.test.js).
 *
 * Rules the picture follows (docs/ui.md):
 * - one block per leaf row; width grows with channels on a log scale;
 * - containers are frames; a collapsed container is one summarising block;
 * - a residual container (BasicBlock) gets its shortcut as an arc on the right joining at a
 *   ⊕ node; its `downsample` children sit on the arc;
 * - a tick on the left ruler wherever the spatial size H×W changes;
 * - operations of forward() itself (F.relu, x.view, torch.flatten: `functional: true` rows) are
 *   blocks like the others, marked functional; a residual block's `+=` row is its ⊕;
 * - a summary without those rows (`functional=false`) has no row for flattening: it is
 *   inferred where a 4-D tensor becomes a 2-D one and drawn as an inferred block.
 */

import { channelsOf, formatShape, spatialSize } from '../format.js';
import { blockWidth, containerBlock, GEOMETRY, leafBlock } from './blocks.js';
import { splitGpus } from './gpus.js';
import { isResidualType, isShortcutName, kindOf } from './kinds.js';

export { blockWidth, GEOMETRY };

/** Rows → tree of {row, children}, children in execution order. */
export function buildTree(rows) {
  const root = { row: null, children: [] };
  const open = new Map(); // container name → its latest node
  for (const row of rows) {
    const node = { row, children: [] };
    const parent = row.parent == null ? root : (open.get(row.parent) ?? root);
    parent.children.push(node);
    if (!row.is_leaf) open.set(row.name, node);
  }
  return root;
}

function isContainer(node) {
  return !node.row.is_leaf && node.children.length > 0;
}

/** Starts a block on the main path: the gap above it, its shape tick, the edge into it. */
function enterMain(ctx, id) {
  const hw = ctx.prev ? spatialSize(ctx.prev.shape) : null;
  const tick = hw !== null && hw !== ctx.lastHW;
  ctx.y += tick ? GEOMETRY.tickGap : GEOMETRY.gap;
  if (tick) {
    ctx.ticks.push({ y: ctx.y - GEOMETRY.tickGap / 2, label: hw, from: ctx.lastHW });
    ctx.lastHW = hw;
  }
  if (ctx.prev) {
    ctx.edges.push({ id: `E${ctx.edges.length}`, from: ctx.prev.id, to: id, y1: ctx.prev.bottom, y2: ctx.y });
  }
}

function placeBlock(ctx, block) {
  if (block.lane === 'main') enterMain(ctx, block.id);
  else ctx.y += GEOMETRY.gap;
  block.y = ctx.y;
  ctx.y += block.h;
  ctx.blocks.push(block);
  if (block.lane === 'main') ctx.prev = { id: block.id, bottom: ctx.y, shape: block.outputShape };
  return block;
}

/** torch.flatten / x.view inside forward() leave no row: infer them from the shapes. */
function maybeFlatten(ctx, nextInput) {
  const prevShape = ctx.prev?.shape;
  if (!Array.isArray(prevShape) || !Array.isArray(nextInput)) return;
  if (prevShape.length <= 2 || nextInput.length !== 2) return;
  const batchChanged = prevShape[0] !== nextInput[0];
  const n = ctx.blocks.filter((b) => b.inferred).length;
  placeBlock(ctx, {
    id: `F${n}`,
    kind: 'reshape',
    inferred: batchChanged ? 'reshape' : 'flatten',
    warn: batchChanged,
    row: null,
    name: batchChanged ? 'view (in forward)' : 'flatten (in forward)',
    type: batchChanged ? 'Reshape' : 'Flatten',
    label: batchChanged ? `Reshape → ${nextInput[0]}×${nextInput[1]}` : 'Flatten',
    shapeText: formatShape(nextInput, { dropBatch: !batchChanged }),
    inputShape: prevShape,
    outputShape: nextInput,
    params: 0,
    share: 0,
    w: blockWidth(nextInput[1]),
    h: GEOMETRY.blockH,
    lane: 'main',
    folded: [],
  });
}

function placeSequence(ctx, nodes, level, lane) {
  let previousLeaf = null; // the block an activation folds into
  for (const node of nodes) {
    const row = node.row;
    if (lane === 'main') maybeFlatten(ctx, row.input_shape);
    if (!isContainer(node) && row.is_leaf) {
      const kind = kindOf(row.type);
      if (ctx.opts.foldActivations && kind === 'act' && previousLeaf && ctx.prev?.id === previousLeaf.id) {
        previousLeaf.folded.push(row);
        ctx.prev.shape = row.output_shape;
        continue;
      }
      previousLeaf = placeBlock(ctx, leafBlock(row, lane, ctx.total));
    } else if (!isContainer(node) || ctx.opts.collapsed.has(row.name)) {
      placeBlock(ctx, containerBlock(node, lane, ctx.total));
      previousLeaf = null;
    } else if (lane === 'main' && isResidualType(row.type)) {
      placeResidual(ctx, node, level, row.name);
      previousLeaf = null;
    } else {
      placeFrame(ctx, node, level, lane);
      previousLeaf = null;
    }
  }
}

function openFrame(ctx, { name, type, row, level, lane, residual, virtual }) {
  ctx.y += GEOMETRY.gap;
  const frame = {
    id: `G${row ? row.index : 'root'}`,
    name,
    type,
    row,
    level,
    lane,
    residual,
    collapsible: !virtual,
    frozen: row?.trainable === false,
    y0: ctx.y,
  };
  ctx.frames.push(frame);
  ctx.maxLevel = Math.max(ctx.maxLevel, level);
  ctx.y += GEOMETRY.frameHeader;
  return frame;
}

function closeFrame(ctx, frame) {
  ctx.y += GEOMETRY.frameBottom;
  frame.y1 = ctx.y;
}

function placeFrame(ctx, node, level, lane) {
  const row = node.row;
  const frame = openFrame(ctx, { name: row.name, type: row.type, row, level, lane });
  placeSequence(ctx, node.children, level + 1, lane);
  closeFrame(ctx, frame);
}

/**
 * A residual block: main path in the centre, the shortcut as an arc on the right from the
 * block's input to a ⊕ after the main path; `downsample` children are drawn on the arc.
 */
function placeResidual(ctx, node, level, name, virtual = false) {
  const row = node.row;
  const frame = openFrame(ctx, {
    name,
    type: row ? row.type : 'residual block',
    row,
    level,
    lane: 'main',
    residual: true,
    virtual,
  });
  const forkY = ctx.y + GEOMETRY.forkDrop;
  const forkFrom = ctx.prev ? ctx.prev.id : null;
  const side = node.children.filter((c) => isShortcutName(c.row.name));
  const main = node.children.filter((c) => !side.includes(c));
  // The block's own `out += identity` row (functional) is the ⊕; what follows it (the last
  // F.relu) is drawn after the ⊕.
  const addAt = main.findIndex((c) => c.row.functional && kindOf(c.row.type) === 'add');
  const afterAdd = addAt >= 0 ? main.slice(addAt + 1) : [];
  const addRow = addAt >= 0 ? main[addAt].row : null;
  placeSequence(ctx, addAt >= 0 ? main.slice(0, addAt) : main, level + 1, 'main');
  let mainBottom = ctx.y;

  let sideTop = null;
  let sideBottom = null;
  if (side.length > 0) {
    // Lay the shortcut's layers out from the fork, then centre them beside the main path.
    const firstBlock = ctx.blocks.length;
    const firstFrame = ctx.frames.length;
    const top = forkY + GEOMETRY.arcBend;
    ctx.y = top;
    placeSequence(ctx, side, level + 1, 'side');
    const height = ctx.y - top;
    const room = mainBottom - GEOMETRY.arcBend - top;
    const shift = height < room ? (room - height) / 2 : 0;
    for (const b of ctx.blocks.slice(firstBlock)) b.y += shift;
    for (const f of ctx.frames.slice(firstFrame)) {
      f.y0 += shift;
      f.y1 += shift;
    }
    sideTop = top + shift;
    sideBottom = ctx.y + shift;
    mainBottom = Math.max(mainBottom, sideBottom + GEOMETRY.arcBend);
  }
  ctx.y = mainBottom;

  // ⊕: the block's output = main path + shortcut.
  const addId = `A${row ? row.index : 'root'}`;
  ctx.y += GEOMETRY.gap;
  const add = { id: addId, name, row: addRow, y: ctx.y + GEOMETRY.addR, r: GEOMETRY.addR };
  ctx.adds.push(add);
  if (ctx.prev) {
    ctx.edges.push({ id: `E${ctx.edges.length}`, from: ctx.prev.id, to: addId, y1: ctx.prev.bottom, y2: ctx.y });
  }
  ctx.y += 2 * GEOMETRY.addR;
  const outShape = row ? row.output_shape : ctx.summaryOutput;
  ctx.prev = { id: addId, bottom: ctx.y, shape: outShape };

  ctx.arcs.push({
    id: `S${row ? row.index : 'root'}`,
    name,
    from: forkFrom,
    to: addId,
    forkY,
    addY: add.y,
    downsample: side.length > 0,
    sideTop,
    sideBottom,
  });
  placeSequence(ctx, afterAdd, level + 1, 'main');
  closeFrame(ctx, frame);
}

function arcPath(arc, axis, x) {
  const r = GEOMETRY.arcBend;
  const { forkY, addY } = arc;
  const endX = axis + GEOMETRY.addR;
  return [
    `M ${axis} ${forkY}`,
    `H ${x - r}`,
    `Q ${x} ${forkY} ${x} ${forkY + r}`,
    `V ${addY - r}`,
    `Q ${x} ${addY} ${x - r} ${addY}`,
    `H ${endX}`,
  ].join(' ');
}

/**
 * Each block with parameters gets a row in the share column at its own height; blocks on a
 * shortcut arc sit beside the main path, so their rows are pushed down until none overlap.
 */
function placeShareRows(blocks) {
  const rows = blocks.filter((b) => b.params > 0).sort((a, b) => a.y + a.h / 2 - (b.y + b.h / 2));
  let last = -Infinity;
  for (const block of rows) {
    block.shareY = Math.max(block.y + block.h / 2, last + GEOMETRY.shareRowH);
    last = block.shareY;
  }
}

/** Horizontal placement, once every block's width is known. */
function finalize(ctx) {
  const G = GEOMETRY;
  const mainBlocks = ctx.blocks.filter((b) => b.lane === 'main');
  const sideBlocks = ctx.blocks.filter((b) => b.lane === 'side');
  const mainHalf = Math.max(G.addR, ...mainBlocks.map((b) => b.w / 2));
  const sideHalf = Math.max(0, ...sideBlocks.map((b) => b.w / 2));
  const hasArcs = ctx.arcs.length > 0;
  const arcRel = mainHalf + G.arcGap + sideHalf;
  const contentLeft = -mainHalf;
  const contentRight = hasArcs ? arcRel + Math.max(sideHalf, G.arcBend) : mainHalf;
  const bandsDeep = ctx.maxLevel; // frames nest as bands: outermost widest

  const outerLeft = contentLeft - G.framePad * bandsDeep;
  const outerRight = contentRight + G.framePad * bandsDeep;
  const axis = G.margin + G.rulerWidth - outerLeft; // absolute x of the main path
  const arcX = axis + arcRel;

  for (const b of ctx.blocks) b.x = (b.lane === 'side' ? arcX : axis) - b.w / 2;
  for (const f of ctx.frames) {
    if (f.lane === 'side') {
      f.x0 = arcX - sideHalf - G.framePad;
      f.x1 = arcX + sideHalf + G.framePad;
    } else {
      const inset = G.framePad * (bandsDeep - f.level + 1);
      f.x0 = axis + contentLeft - inset;
      f.x1 = axis + contentRight + inset;
    }
  }
  for (const e of ctx.edges) e.x = axis;
  for (const a of ctx.adds) a.x = axis;
  for (const a of ctx.arcs) {
    a.x = arcX;
    a.axis = axis;
    a.d = arcPath(a, axis, arcX);
  }
  const rulerX = G.margin + G.rulerWidth - 8;
  for (const t of ctx.ticks) {
    t.x = rulerX;
    t.axis = axis;
  }
  placeShareRows(ctx.blocks);
  const shareX = axis + outerRight + G.shareGap;
  const width = shareX + G.shareWidth + G.shareText + G.margin;
  return { axis, arcX, rulerX, shareX, width };
}

/**
 * summary: the API's summary JSON. options:
 * - collapsed: Set of container names drawn as one block;
 * - foldActivations: fold each activation into the block before it;
 * - rootResidual: the whole model is one residual block (the seed's standalone BasicBlock);
 * - rootLabel: the frame label for that case.
 */
export function layoutSummary(summary, options = {}) {
  const opts = {
    collapsed: new Set(),
    foldActivations: false,
    rootResidual: false,
    rootLabel: summary.model,
    ...options,
  };
  const G = GEOMETRY;
  const ctx = {
    opts,
    total: summary.totals?.params ?? 0,
    summaryOutput: summary.output_shape,
    blocks: [],
    frames: [],
    edges: [],
    ticks: [],
    arcs: [],
    adds: [],
    prev: null,
    lastHW: null,
    maxLevel: 0,
    y: G.margin + G.headerH,
  };

  const input = summary.input_shape;
  const inputBlock = placeBlock(ctx, {
    id: 'input',
    kind: 'input',
    row: null,
    name: 'input',
    type: 'Input',
    label: 'Input',
    shapeText: formatShape(input, { dropBatch: true }),
    inputShape: input,
    outputShape: input,
    params: 0,
    share: 0,
    w: blockWidth(channelsOf(input)),
    h: G.blockH,
    lane: 'main',
    folded: [],
  });
  const inputHW = spatialSize(input);
  if (inputHW) {
    ctx.ticks.push({ y: inputBlock.y + inputBlock.h / 2, label: inputHW, from: null });
    ctx.lastHW = inputHW;
  }

  const tree = buildTree(summary.layers ?? []);
  if (opts.rootResidual) {
    placeResidual(ctx, { row: null, children: tree.children }, 1, opts.rootLabel, true);
  } else {
    placeSequence(ctx, tree.children, 1, 'main');
  }
  const columns = finalize(ctx);

  for (const b of ctx.blocks) {
    if (b.folded.length > 0) b.label += ` + ${b.folded.map((r) => r.type).join(' + ')}`;
  }
  return splitGpus({
    blocks: ctx.blocks,
    // Containers first, so nested frames paint on top of their parents.
    frames: ctx.frames,
    edges: ctx.edges,
    ticks: ctx.ticks,
    arcs: ctx.arcs,
    adds: ctx.adds,
    order: ctx.blocks.map((b) => b.id),
    columns,
    width: Math.ceil(columns.width),
    height: Math.ceil(ctx.y + G.margin),
    totalParams: ctx.total,
  });
}

/** Names of every container that can be collapsed, outermost first. */
export function containerNames(rows) {
  return rows.filter((r) => !r.is_leaf && rows.some((c) => c.parent === r.name)).map((r) => r.name);
}
