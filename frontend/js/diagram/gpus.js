/**
 * AlexNet's two GPUs, drawn as two columns (pure; layout.js calls it last). A convolution
 * with groups = 2 is the paper's split of the work between two GPUs: each half of its kernels
 * reads only its own half of the channels. Its block becomes two halves, "GPU 1" and "GPU 2",
 * and so do the per-channel layers after it (ReLU, pooling, normalisation) until a layer that
 * mixes all channels again (an ungrouped convolution or a linear layer). Edges between two
 * split blocks run down each column; an edge into or out of a single block fans out or in.
 */

import { formatShape } from '../format.js';

export const GPU_GAP = 6; // between the two halves of a block
const PER_CHANNEL = new Set(['act', 'pool', 'norm', 'dropout']);

function halves(block, parts) {
  const w = (block.w - GPU_GAP) / 2;
  const [n, c, ...rest] = block.outputShape;
  const shape = formatShape([n, c / parts, ...rest], { dropBatch: true });
  return [0, 1].map((i) => ({
    gpu: i + 1,
    x: block.x + i * (w + GPU_GAP),
    w,
    cx: block.x + i * (w + GPU_GAP) + w / 2,
    shapeText: shape,
  }));
}

function groupLabel(block, parts) {
  const h = block.row.hparams;
  if (block.kind !== 'conv') return block.label;
  // The label of one GPU's half: its own output channels.
  return block.label.replace(/ g\d+/, '').replace(/, \d+(?= \+ |$)/, `, ${h.out_channels / parts}`);
}

/** Marks the blocks drawn in two columns (`halves`) and gives the edges between them `segments`. */
export function splitGpus(layout) {
  let carrying = 0; // 2 while per-channel layers follow a grouped convolution
  for (const block of layout.blocks) {
    if (block.lane !== 'main') continue;
    if (!block.row || !block.row.is_leaf) {
      carrying = 0;
      continue;
    }
    let parts = 1;
    if (block.kind === 'conv') {
      parts = block.row.hparams?.groups ?? 1;
      carrying = parts;
    } else if (PER_CHANNEL.has(block.kind) && carrying > 1) {
      parts = carrying;
    } else {
      carrying = 0;
    }
    if (parts === 2 && block.outputShape?.length === 4) {
      block.halves = halves(block, parts);
      block.halfLabel = groupLabel(block, parts);
      block.grouped = block.kind === 'conv';
    }
  }
  const byId = new Map(layout.blocks.map((b) => [b.id, b]));
  for (const edge of layout.edges) {
    const from = byId.get(edge.from)?.halves;
    const to = byId.get(edge.to)?.halves;
    if (!from && !to) continue;
    edge.segments = [0, 1].map((i) => ({
      x1: from ? from[i].cx : edge.x,
      y1: edge.y1,
      x2: to ? to[i].cx : edge.x,
      y2: edge.y2,
    }));
  }
  layout.gpuSplit = layout.blocks.some((b) => b.halves);
  return layout;
}
