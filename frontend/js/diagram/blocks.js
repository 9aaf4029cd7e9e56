/**
 * The blocks of the diagram, before placement: what each row looks like (kind, label, shape
 * text, parameter share) and how big it is (width by channels on a log scale, height by kind).
 * Pure; layout.js places them.
 */

import { channelsOf, formatShape } from '../format.js';
import { blockLabel, isResidualType, kindOf } from './kinds.js';

export const GEOMETRY = Object.freeze({
  margin: 16,
  headerH: 22, // room for the share column's heading
  blockMin: 124, // a 1-channel block: still wide enough for "Conv 3×3/1 p1, 32"
  blockSpan: 196, // extra width at 2^maxLog2 channels
  maxLog2: 12, // 4096 channels or features: the widest block
  sideScale: 0.55, // blocks on a shortcut arc are drawn narrower
  blockH: 38, // two lines: label and output shape
  compactH: 22, // one line: normalisation, dropout (shape unchanged)
  thinH: 13, // activations
  gap: 12,
  tickGap: 20, // a gap that carries a shape tick is a little taller
  frameHeader: 20,
  framePad: 10,
  frameBottom: 8,
  arcGap: 30, // between the main path's widest block and the arc
  arcBend: 12, // corner radius of the arc, and the space it keeps from the frame edges
  addR: 9,
  forkDrop: 4, // the shortcut leaves the incoming edge just below the frame's label
  rulerWidth: 66,
  shareGap: 18,
  shareWidth: 96,
  shareText: 54,
  shareRowH: 12, // the least distance between two rows of the share column
});

/** Block width for a tensor with `channels` channels (or features): log scale. */
export function blockWidth(channels, scale = 1) {
  const t = Math.min(Math.max(Math.log2(Math.max(channels, 1)) / GEOMETRY.maxLog2, 0), 1);
  return Math.round((GEOMETRY.blockMin + GEOMETRY.blockSpan * t) * scale);
}

function heightFor(kind, reshapes) {
  if (kind === 'act') return GEOMETRY.thinH;
  if ((kind === 'norm' || kind === 'dropout' || kind === 'other') && !reshapes) {
    return GEOMETRY.compactH;
  }
  return GEOMETRY.blockH;
}

function sameShape(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.join() === b.join();
}

function countLeaves(node) {
  return node.children.reduce((n, c) => n + (c.row.is_leaf ? 1 : countLeaves(c)), 0);
}

export function leafBlock(row, lane, total) {
  const kind = kindOf(row.type);
  const reshapes = !sameShape(row.input_shape, row.output_shape);
  // x.view(-1, ...) that folds space into the batch (SimpleCNN above 31 px): flag it.
  const foldsBatch = Boolean(row.functional && kind === 'reshape' && row.input_shape?.[0] !== row.output_shape?.[0]);
  return {
    id: `L${row.index}`,
    kind,
    row,
    name: row.name,
    type: row.type,
    label: blockLabel(row),
    shapeText: formatShape(row.output_shape, { dropBatch: !foldsBatch }),
    inputShape: row.input_shape,
    outputShape: row.output_shape,
    params: row.recursive ? 0 : row.params,
    share: total > 0 && !row.recursive ? row.params / total : 0,
    w: blockWidth(channelsOf(row.output_shape), lane === 'side' ? GEOMETRY.sideScale : 1),
    h: heightFor(kind, reshapes),
    lane,
    frozen: row.trainable === false,
    functional: Boolean(row.functional),
    warn: foldsBatch,
    folded: [],
  };
}

export function containerBlock(node, lane, total) {
  const row = node.row;
  const residual = isResidualType(row.type);
  return {
    id: `C${row.index}`,
    kind: 'container',
    residual,
    container: row.name,
    row,
    name: row.name,
    type: row.type,
    label: `${row.name} · ${row.type}${residual ? ' ⊕' : ''}`,
    shapeText: `${formatShape(row.input_shape, { dropBatch: true })} → ${formatShape(
      row.output_shape,
      { dropBatch: true },
    )}`,
    inputShape: row.input_shape,
    outputShape: row.output_shape,
    params: row.params,
    share: total > 0 ? row.params / total : 0,
    leafCount: countLeaves(node),
    w: blockWidth(channelsOf(row.output_shape), lane === 'side' ? GEOMETRY.sideScale : 1),
    h: GEOMETRY.blockH,
    lane,
    collapsed: node.children.length > 0,
    frozen: row.trainable === false,
    folded: [],
  };
}
