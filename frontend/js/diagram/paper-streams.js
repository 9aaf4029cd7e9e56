/**
 * The links between the paper view's volumes, and AlexNet's two GPU streams (pure). In the
 * paper every layer after the input was split over the two GPUs, each holding half of the
 * channels (the classifier's 1000 outputs are one layer again); only the connectivity differs:
 * a grouped convolution (groups = 2) and the per-channel layers (ReLU, pooling, normalisation,
 * flattening) read only their own GPU's half, while an ungrouped convolution or a dense layer
 * reads both halves. Each split volume gets `streams` (two slabs, GPU 1 and GPU 2, half its
 * thickness each); the links run as two lines, parallel where a stream stays on its GPU and
 * crossing where the layer reads both.
 */

import { kindOf } from './kinds.js';

export const STREAM_GAP = 4; // px between a volume's two halves
const STREAM_DROP = [14, 5]; // px above the baseline of GPU 1's and GPU 2's links
const PRIVATE = new Set(['act', 'pool', 'norm', 'dropout', 'reshape']);

/** Whether the model was drawn in the paper on two GPUs: it has grouped (groups = 2) layers. */
export function hasTwoStreams(summary) {
  return summary.layers.some((r) => r.is_leaf && kindOf(r.type) === 'conv' && r.hparams?.groups === 2);
}

/** Whether a volume's layer reads only its own GPU's half of the channels. */
function ownHalfOnly(block) {
  if (PRIVATE.has(block.kind)) return true;
  return block.kind === 'conv' && block.row?.hparams?.groups === 2;
}

function link(from, to, x1, y1, x2, y2, stream) {
  return { from: from.id, to: to.id, x1, y1, x2, y2, stream, cross: stream === 'cross' };
}

/** Adds `links` to a paper layout, and `streams` to its volumes when the model ran on two GPUs. */
export function splitStreams(layout, summary) {
  const { blocks, baseline, linkY } = layout;
  const two = hasTwoStreams(summary);
  blocks.forEach((block, i) => {
    if (!two || i === 0 || i === blocks.length - 1) return;
    const w = (block.w - STREAM_GAP) / 2;
    block.streams = [0, 1].map((s) => ({ gpu: s + 1, x: block.x + s * (w + STREAM_GAP), w }));
  });
  const ys = STREAM_DROP.map((d) => baseline - d);
  layout.links = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    if (!next) return;
    const x1 = block.x + block.w + block.recede + 3;
    const x2 = next.x - 3;
    if (!block.streams && !next.streams) {
      layout.links.push(link(block, next, x1, linkY, x2, linkY, null));
      return;
    }
    // Into or out of a single volume: the two streams fan out from it or into it.
    const fromY = block.streams ? ys : [linkY, linkY];
    const toY = next.streams ? ys : [linkY, linkY];
    for (const s of [0, 1]) layout.links.push(link(block, next, x1, fromY[s], x2, toY[s], s + 1));
    if (block.streams && next.streams && !ownHalfOnly(next)) {
      layout.links.push(link(block, next, x1, ys[0], x2, ys[1], 'cross'), link(block, next, x1, ys[1], x2, ys[0], 'cross'));
    }
  });
  layout.twoStreams = two;
  return layout;
}
