/** Layer kinds and block labels. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { blockLabel, isResidualType, isShortcutName, kindOf } from '../js/diagram/kinds.js';
import { fixture } from './helpers.mjs';

it('kinds of the zoo layer types', () => {
  const kinds = Object.fromEntries(
    [
      'Conv2d',
      'MaxPool2d',
      'AdaptiveAvgPool2d',
      'BatchNorm2d',
      'ReLU',
      'Linear',
      'Dropout',
      'Flatten',
      'Identity',
    ].map((t) => [t, kindOf(t)]),
  );
  assert.deepEqual(kinds, {
    Conv2d: 'conv',
    MaxPool2d: 'pool',
    AdaptiveAvgPool2d: 'pool',
    BatchNorm2d: 'norm',
    ReLU: 'act',
    Linear: 'linear',
    Dropout: 'dropout',
    Flatten: 'reshape',
    Identity: 'other',
  });
});

it('residual containers and shortcut children', () => {
  assert.ok(isResidualType('BasicBlock'));
  assert.ok(isResidualType('IdentityBlock'));
  assert.ok(!isResidualType('Sequential'));
  assert.ok(isShortcutName('layer2.0.downsample'));
  assert.ok(!isShortcutName('layer2.0.conv1'));
});

it('labels carry kernel, stride, padding and channels', () => {
  const labels = Object.fromEntries(fixture('alexnet').layers.map((r) => [r.name, blockLabel(r)]));
  assert.equal(labels['features.0'], 'Conv 11×11/4 p2, 96');
  assert.equal(labels['features.2'], 'MaxPool 3×3/2');
  assert.equal(labels['classifier.0'], 'Dropout p=0.5');
  assert.equal(labels['classifier.1'], 'Linear 9216 → 4096');
  const resnet = Object.fromEntries(fixture('resnet18').layers.map((r) => [r.name, blockLabel(r)]));
  assert.equal(resnet['layer2.0.conv1'], 'Conv 3×3/2 p1, 128');
  assert.equal(resnet['bn1'], 'BatchNorm 64');
  assert.equal(resnet['avgpool'], 'AdaptiveAvgPool → 1×1');
});
