/** The compare view's table: stages side by side, heads on the last row, one shared scale. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { barShare, compareGrid, defaultSelection, shortTitles, stageShapeText } from '../js/compare-table.js';
import { fixture } from './helpers.mjs';

it('stage i of every model on one row, every head on the last', () => {
  const grid = compareGrid(fixture('analysis/compare_4'));
  assert.deepEqual(grid.models.map((m) => m.name), ['simplecnn', 'alexnet', 'vgg16', 'resnet18']);
  assert.equal(grid.rows.length, 6); // VGG16 and ResNet-18 have 5 stages before the head
  const head = grid.rows.at(-1);
  assert.equal(head.key, 'head');
  assert.deepEqual(head.cells.map((c) => c.name), ['head', 'head', 'head', 'head']);
  assert.deepEqual(grid.rows[2].cells.map((c) => c?.name ?? null), [null, 'stage3', 'stage3', 'layer2']);
  assert.equal(grid.maxParams, 123642856); // VGG16's head
  for (const model of grid.models) {
    const sum = model.stages.reduce((n, s) => n + s.params, 0);
    assert.equal(sum, model.params, `${model.name}: stages add up to the model`);
  }
  assert.equal(grid.commonSize, null);
  assert.match(grid.note, /No square input size/);
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
