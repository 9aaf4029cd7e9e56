/** The paper view: feature maps as volumes, left to right. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { paperLayout, paperVolumes } from '../js/diagram/paper-layout.js';
import { fixture } from './helpers.mjs';

const shapes = (summary) => paperVolumes(summary).map((v) => v.shape.slice(1).join('×'));

it('AlexNet: the volumes of its Figure 2, then the dense layers', () => {
  assert.deepEqual(shapes(fixture('alexnet')), [
    '3×224×224',
    '96×55×55',
    '96×27×27',
    '256×27×27',
    '256×13×13',
    '384×13×13',
    '256×13×13',
    '256×6×6',
    '9216',
    '4096',
    '4096',
    '1000',
  ]);
});

it("VGG16: each stage's convolutions share a volume, labelled with the count", () => {
  const layout = paperLayout(fixture('vgg16'));
  const labels = layout.blocks.map((b) => b.label);
  assert.equal(labels[1], 'Conv 3×3 ×2');
  assert.equal(labels[5], 'Conv 3×3 ×3');
  assert.equal(labels.at(-1), 'FC 1000');
  assert.equal(paperLayout(fixture('resnet18')).blocks[2].label, 'Conv 3×3/2 · Conv 3×3 ×3');
  assert.equal(paperLayout(fixture('alexnet')).blocks[1].label, 'Conv 11×11/4');
  assert.ok(labels.includes('Flatten'));
  const fc = layout.blocks.find((b) => b.name === 'classifier.0');
  assert.equal(Math.round(fc.share * 100), 74);
});

it('ResNet-18: shortcut layers are left out; one volume per stage', () => {
  assert.deepEqual(shapes(fixture('resnet18')), [
    '3×32×32',
    '64×32×32',
    '128×16×16',
    '256×8×8',
    '512×4×4',
    '512×1×1',
    '512',
    '10',
  ]);
});

it('volumes go left to right; height follows H, thickness follows C', () => {
  const layout = paperLayout(fixture('alexnet'));
  const b = layout.blocks;
  for (let i = 1; i < b.length; i++) assert.ok(b[i].x > b[i - 1].x + b[i - 1].w);
  for (const block of b) {
    assert.equal(block.y + block.h, layout.baseline, 'all stand on one baseline');
    assert.ok(block.x + block.w + block.recede <= layout.width);
  }
  const byShape = Object.fromEntries(b.map((x) => [x.shapeText, x]));
  assert.ok(byShape['96×55×55'].h > byShape['96×27×27'].h);
  assert.equal(byShape['96×55×55'].w, byShape['96×27×27'].w);
  assert.ok(byShape['256×13×13'].w > byShape['96×27×27'].w);
  assert.ok(byShape['384×13×13'].w > byShape['256×13×13'].w);
});
