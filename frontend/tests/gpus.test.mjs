/** AlexNet's two GPUs as two columns, and frozen layers, in the pure layout. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { layoutSummary } from '../js/diagram/layout.js';
import { GPU_GAP } from '../js/diagram/gpus.js';
import { fixture } from './helpers.mjs';

const split = (layout) => layout.blocks.filter((b) => b.halves).map((b) => b.name);

it('alexnet_2gpu: the grouped convolutions and the per-channel layers after them split in two', () => {
  const layout = layoutSummary(fixture('alexnet_2gpu'));
  assert.equal(layout.gpuSplit, true);
  assert.deepEqual(split(layout), [
    'features.3', 'features.4', 'features.5', // conv2 (groups 2), its ReLU and pool
    'features.8', 'features.9', 'features.10', 'features.11', 'features.12', // conv4, conv5
  ]);
  const grouped = layout.blocks.filter((b) => b.grouped).map((b) => b.name);
  assert.deepEqual(grouped, ['features.3', 'features.8', 'features.10']);
  const conv2 = layout.blocks.find((b) => b.name === 'features.3');
  const [a, b] = conv2.halves;
  assert.deepEqual([a.gpu, b.gpu], [1, 2]);
  assert.equal(a.x, conv2.x);
  assert.ok(Math.abs(b.x + b.w - (conv2.x + conv2.w)) < 1e-9, 'the halves fill the block');
  assert.ok(Math.abs(b.x - (a.x + a.w) - GPU_GAP) < 1e-9);
  assert.equal(a.shapeText, '128×27×27');
  assert.equal(conv2.halfLabel, 'Conv 5×5/1 p2, 128');
  assert.equal(conv2.label, 'Conv 5×5/1 p2 g2, 256');
});

it('alexnet_2gpu: edges run down both columns, fan out into conv2 and in to conv3', () => {
  const layout = layoutSummary(fixture('alexnet_2gpu'));
  const id = (name) => layout.blocks.find((b) => b.name === name).id;
  const edge = (from, to) => layout.edges.find((e) => e.from === id(from) && e.to === id(to));
  const down = edge('features.3', 'features.4').segments;
  assert.equal(down.length, 2);
  assert.ok(down.every((s) => s.x1 === s.x2), 'straight down each column');
  const fanOut = edge('features.2', 'features.3').segments;
  assert.ok(fanOut.every((s) => s.x1 === layout.columns.axis) && fanOut[0].x2 < fanOut[1].x2);
  const fanIn = edge('features.5', 'features.6').segments;
  assert.ok(fanIn.every((s) => s.x2 === layout.columns.axis) && fanIn[0].x1 < fanIn[1].x1);
  assert.equal(edge('features.0', 'features.1').segments, undefined);
});

it('the single-column models are not split', () => {
  for (const name of ['alexnet', 'vgg16', 'resnet18', 'simplecnn']) {
    assert.deepEqual(split(layoutSummary(fixture(name))), [], name);
  }
});

it('folding activations keeps the halves and their labels', () => {
  const layout = layoutSummary(fixture('alexnet_2gpu'), { foldActivations: true });
  const conv2 = layout.blocks.find((b) => b.name === 'features.3');
  assert.equal(conv2.halfLabel, 'Conv 5×5/1 p2, 128 + ReLU');
});

it('transfer learning: frozen blocks and frames follow the summary rows', () => {
  const summary = fixture('analysis/vgg16_c10_freeze');
  const layout = layoutSummary(summary);
  const frozen = layout.blocks.filter((b) => b.frozen).map((b) => b.name);
  const expected = summary.layers.filter((r) => r.is_leaf && r.trainable === false).map((r) => r.name);
  assert.deepEqual(frozen, expected);
  assert.ok(frozen.includes('features.0') && frozen.includes('avgpool'));
  assert.ok(!layout.blocks.find((b) => b.name === 'classifier.0').frozen);
  assert.equal(layout.frames.find((f) => f.name === 'features').frozen, true);
  assert.equal(layout.frames.find((f) => f.name === 'classifier').frozen, false);
  const { totals } = summary;
  assert.equal(totals.trainable_params + totals.frozen_params, totals.params);
  const collapsed = layoutSummary(summary, { collapsed: new Set(['features']) });
  assert.equal(collapsed.blocks.find((b) => b.name === 'features').frozen, true);
});
