/** The compare view's table: stages side by side, heads on the last row, one shared scale. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { barShare, compareGrid, defaultSelection, shortTitles, shrinkFactor, stageShapeText } from '../js/compare-table.js';
import { fixture } from './helpers.mjs';

it('stages line up by how far they shrank the input, every head on the last row', () => {
  const grid = compareGrid(fixture('analysis/compare_4'));
  assert.deepEqual(grid.models.map((m) => m.name), ['simplecnn', 'alexnet', 'vgg16', 'resnet18']);
  assert.deepEqual(grid.models.map((m) => m.input_size), [28, 224, 224, 32]);
  assert.deepEqual(grid.rows.map((r) => r.key), ['1.1', '1.2', '2', '4', '8', '16', '32', 'head']);
  const head = grid.rows.at(-1);
  assert.deepEqual(head.cells.map((c) => c.name), ['head', 'head', 'head', 'head']);
  const row = (key) => grid.rows.find((r) => r.key === key).cells.map((c) => (c ? `${c.name} ${c.spatial[0]}` : null));
  // AlexNet's 27×27 beside VGG16's 28×28 (and ResNet-18's 4×4 of its 32-px input), not its 6×6.
  assert.deepEqual(row('8'), [null, 'stage1 27', 'stage3 28', 'layer4 4']);
  assert.deepEqual(row('32'), [null, 'stage3 6', 'stage5 7', null]);
  assert.deepEqual(row('1.1'), [null, null, null, 'stem 32']);
  assert.deepEqual(row('2'), ['stage1 14', null, 'stage1 112', 'layer2 16']);
  assert.equal(grid.maxParams, 123642856); // VGG16's head
  for (const model of grid.models) {
    const sum = model.stages.reduce((n, s) => n + s.params, 0);
    assert.equal(sum, model.params, `${model.name}: stages add up to the model`);
    const shown = grid.rows.flatMap((r) => r.cells.filter((c, i) => c && grid.models[i] === model));
    assert.equal(shown.length, model.stages.length, `${model.name}: every stage on some row`);
  }
  assert.equal(grid.commonSize, null);
  assert.match(grid.note, /No square input size/);
});

it('the shrink factor rounds to a power of two', () => {
  assert.equal(shrinkFactor({ spatial: [27, 27] }, 224), 8);
  assert.equal(shrinkFactor({ spatial: [55, 55] }, 224), 4);
  assert.equal(shrinkFactor({ spatial: [32, 32] }, 32), 1);
  assert.equal(shrinkFactor({ spatial: null }, 32), null);
});

it('shapes and bars', () => {
  const grid = compareGrid(fixture('analysis/compare_4'));
  const vgg = grid.models[2];
  assert.equal(stageShapeText(vgg.body[0]), '112×112 × 64');
  assert.equal(stageShapeText(vgg.head), '1000');
  assert.equal(barShare(vgg.head.params, grid.maxParams), 1);
  assert.equal(barShare(320, grid.maxParams), 0.01); // tiny but visible
  assert.equal(barShare(0, grid.maxParams), 0);
});

it('a comparison opens with the model and its natural partner', () => {
  const names = ['simplecnn', 'alexnet', 'vgg11', 'vgg16', 'resnet18', 'resnet34', 'alexnet_2gpu', 'plain18', 'plain34', 'basicblock'];
  assert.deepEqual(defaultSelection('resnet18', names), ['resnet18', 'plain18']);
  assert.deepEqual(defaultSelection('alexnet_2gpu', names), ['alexnet', 'alexnet_2gpu']);
  assert.deepEqual(defaultSelection('vgg11', names), ['alexnet', 'vgg11', 'vgg16']);
  assert.deepEqual(defaultSelection('vgg16', names), ['alexnet', 'vgg16']);
  assert.deepEqual(defaultSelection('resnet18', ['resnet18', 'vgg16']), ['resnet18', 'vgg16']);
});

it('short names for the model chips stay unambiguous', () => {
  const titles = ['AlexNet', 'ResNet-18 (CIFAR)', 'AlexNet (two GPUs)', 'Plain-18 (CIFAR, no skip connections)', 'VGG16'];
  assert.deepEqual(shortTitles(titles.map((title) => ({ title }))), ['AlexNet', 'ResNet-18', 'AlexNet (two GPUs)', 'Plain-18', 'VGG16']);
});
