/** The facts the lessons panel computes from a summary. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { gpuComparison, heaviestLayer, lessonKey, LESSONS, spatialPath } from '../js/lessons.js';
import { fixture } from './helpers.mjs';

it('spatial path down each network', () => {
  assert.equal(spatialPath(fixture('alexnet')), '224 → 55 → 27 → 13 → 6');
  assert.equal(spatialPath(fixture('vgg16')), '224 → 112 → 56 → 28 → 14 → 7');
  assert.equal(spatialPath(fixture('resnet18')), '32 → 16 → 8 → 4 → 1');
  assert.equal(spatialPath(fixture('simplecnn')), '28 → 14 → 7');
});

it('heaviest layer', () => {
  assert.equal(heaviestLayer(fixture('vgg16')).name, 'classifier.0');
  assert.equal(heaviestLayer(fixture('alexnet')).name, 'classifier.1');
  assert.equal(heaviestLayer(fixture('simplecnn')).name, 'fc1');
});

it('lessons for every family, in both languages', () => {
  const resnet = { family: 'resnet' };
  assert.equal(lessonKey(resnet, fixture('resnet18')), 'resnet');
  assert.equal(lessonKey(resnet, fixture('basicblock')), 'resnet');
  const plain = structuredClone(fixture('resnet18'));
  for (const row of plain.layers) if (row.type === 'BasicBlock') row.type = 'PlainBlock';
  assert.equal(lessonKey(resnet, plain), 'plain');
  assert.equal(lessonKey({ family: 'vgg' }, fixture('vgg16')), 'vgg');
  // The editor's networks: VGG16's own numbers would be wrong for them, so no family lessons.
  assert.equal(lessonKey({ family: 'vgg', custom: true }, fixture('vgg16')), null);
  assert.equal(lessonKey({ family: 'resnet', custom: true }, plain), null);
  for (const [key, text] of Object.entries(LESSONS)) {
    assert.equal(text.en.length, text.ko.length, `${key}: as many Korean lessons as English`);
    assert.ok(text.ko.every((line) => /[가-힣]/.test(line)), `${key}: Korean text is Korean`);
  }
});

it("AlexNet on two GPUs beside the seed's single-column AlexNet", () => {
  const models = [
    { name: 'alexnet', params: fixture('alexnet').totals.params },
    { name: 'alexnet_2gpu', params: fixture('alexnet_2gpu').totals.params },
  ];
  const facts = gpuComparison({ name: 'alexnet_2gpu' }, models);
  assert.deepEqual(facts.two, 60965224);
  assert.deepEqual(facts.one, 62378344);
  assert.equal(facts.fewer, 1413120);
  // conv2, conv4 and conv5 with groups = 2 hold half the weights (biases unchanged).
  const halved = ['features.3', 'features.8', 'features.10'].map((name) => {
    const row = fixture('alexnet_2gpu').layers.find((r) => r.name === name);
    const [kh, kw] = row.hparams.kernel_size;
    return kh * kw * row.hparams.in_channels * row.hparams.out_channels / 2;
  });
  assert.equal(halved.reduce((a, b) => a + b, 0), facts.fewer);
  assert.equal(gpuComparison({ name: 'vgg16' }, models), null);
  assert.deepEqual(gpuComparison({ name: 'alexnet' }, models), facts);
});
