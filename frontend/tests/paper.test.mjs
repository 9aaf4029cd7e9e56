/** The paper view: feature maps as volumes, left to right. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { kindOf } from '../js/diagram/kinds.js';
import { PAPER, paperLayout, paperVolumes, shapeLines } from '../js/diagram/paper-layout.js';
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

const RISE = Math.tan((PAPER.labelAngle * Math.PI) / 180);
const COS = Math.cos((PAPER.labelAngle * Math.PI) / 180);

for (const name of ['alexnet', 'vgg16', 'resnet18', 'simplecnn', 'alexnet_2gpu']) {
  it(`${name}: no label crosses a volume, no shape numbers touch, nothing leaves the figure`, () => {
    const layout = paperLayout(fixture(name));
    const b = layout.blocks;
    for (const [i, block] of b.entries()) {
      const run = block.label.length * PAPER.labelChar * COS;
      assert.ok(block.labelY - run * RISE >= 0, `${block.label} leaves the top`);
      for (const other of b.slice(i + 1)) {
        if (other.x > block.labelX + run) break;
        const lineY = block.labelY - Math.max(0, other.x - block.labelX) * RISE;
        assert.ok(lineY <= other.y - other.recede - 4, `"${block.label}" crosses ${other.shapeText}`);
      }
      if (i > 0) {
        const prev = b[i - 1];
        const half = (x) => (Math.max(...shapeLines(x.outputShape).map((l) => l.length)) * PAPER.shapeChar) / 2;
        const gap = block.x + block.w / 2 - half(block) - (prev.x + prev.w / 2 + half(prev));
        assert.ok(gap >= 4, `${prev.shapeText} and ${block.shapeText} numbers touch (${gap.toFixed(1)} px)`);
      }
    }
  });
}

it('a volume is coloured by what made it: VGG16’s 14×14 convolutions are not drawn as a pool', () => {
  const blocks = paperLayout(fixture('vgg16')).blocks;
  const at14 = blocks.filter((x) => x.shapeText === '512×14×14');
  assert.deepEqual(at14.map((x) => [x.kind, x.label]), [['pool', 'MaxPool 2×2/2'], ['conv', 'Conv 3×3 ×3']]);
  for (const block of blocks) {
    const kinds = new Set(block.rows.map((r) => kindOf(r.type)).filter((k) => !['act', 'norm', 'dropout'].includes(k)));
    assert.ok(kinds.size <= 1 && (kinds.size === 0 || kinds.has(block.kind)), `${block.label}: ${[...kinds]}`);
  }
});

it('labels never cross: each passes above the start of every later label it reaches', () => {
  for (const name of ['alexnet', 'vgg16', 'resnet18', 'alexnet_2gpu']) {
    const b = paperLayout(fixture(name)).blocks;
    for (const [i, block] of b.entries()) {
      const run = block.label.length * PAPER.labelChar * COS;
      for (const other of b.slice(i + 1)) {
        if (other.labelX > block.labelX + run) continue;
        const lineY = block.labelY - (other.labelX - block.labelX) * RISE;
        // Parallel lines 22 px apart vertically are 17 px apart across: more than a line of text.
        assert.ok(lineY <= other.labelY - 22 + 1e-9, `${name}: "${block.label}" runs into "${other.label}"`);
      }
    }
  }
});
