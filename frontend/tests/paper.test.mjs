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
  assert.equal(paperLayout(fixture('resnet18')).blocks[4].label, 'Conv 3×3/2 · Conv 3×3');
  assert.equal(paperLayout(fixture('alexnet')).blocks[1].label, 'Conv 11×11/4');
  assert.ok(labels.includes('Flatten'));
  const fc = layout.blocks.find((b) => b.name === 'classifier.0');
  assert.equal(Math.round(fc.share * 100), 74);
});

it('ResNet-18: shortcut layers are left out; one volume per residual block, after the stem', () => {
  assert.deepEqual(shapes(fixture('resnet18')), [
    '3×32×32',
    '64×32×32', // the stem
    '64×32×32',
    '64×32×32',
    '128×16×16',
    '128×16×16',
    '256×8×8',
    '256×8×8',
    '512×4×4',
    '512×4×4',
    '512×1×1',
    '512',
    '10',
  ]);
  const volumes = paperVolumes(fixture('resnet18'));
  assert.deepEqual(
    volumes.map((v) => v.residual?.name ?? null).filter(Boolean),
    ['layer1.0', 'layer1.1', 'layer2.0', 'layer2.1', 'layer3.0', 'layer3.1', 'layer4.0', 'layer4.1'],
  );
  // Each block's volume holds its own two convolutions and nothing of the shortcut.
  for (const v of volumes.filter((x) => x.residual)) {
    assert.deepEqual(
      v.rows.filter((r) => kindOf(r.type) === 'conv').map((r) => r.name),
      [`${v.residual.name}.conv1`, `${v.residual.name}.conv2`],
    );
  }
});

const basicBlocks = (summary) => summary.layers.filter((r) => r.type === 'BasicBlock').map((r) => r.name);

for (const name of ['resnet18', 'resnet34']) {
  it(`${name}: one skip per BasicBlock, from the volume before the block to a ⊕ after it`, () => {
    const summary = fixture(name);
    const layout = paperLayout(summary);
    const byId = new Map(layout.blocks.map((b) => [b.id, b]));
    const index = new Map(layout.blocks.map((b, i) => [b.id, i]));
    assert.deepEqual(layout.arcs.map((a) => a.name), basicBlocks(summary));
    assert.equal(layout.adds.length, layout.arcs.length);
    for (const [k, arc] of layout.arcs.entries()) {
      const from = byId.get(arc.from);
      const to = byId.get(arc.to);
      assert.equal(index.get(arc.to), index.get(arc.from) + 1, `${arc.name}: skips exactly its block`);
      assert.equal(to.residual, arc.name);
      assert.ok(to.rows.every((r) => r.name.startsWith(`${arc.name}.`)), `${arc.name}: its volume is its layers`);
      // Leaves on the link into the block, between the two volumes …
      assert.ok(arc.x1 > from.x + from.w + from.recede && arc.x1 < to.x, `${arc.name} starts between its volumes`);
      // … and joins at its ⊕, between the block's volume and the next one.
      const add = layout.adds[k];
      const next = layout.blocks[index.get(arc.to) + 1];
      assert.equal(add.x, arc.x2);
      assert.equal(add.y, layout.linkY);
      assert.ok(add.x - add.r > to.x + to.w + to.recede && add.x + add.r < next.x, `${arc.name}: ⊕ between volumes`);
      // Runs below the shape lines (the second line's baseline is 26 px under the volume).
      assert.ok(arc.y >= layout.baseline + 26 + 6 && arc.y + 14 <= layout.height);
      assert.match(arc.d, new RegExp(`^M ${arc.x1} ${layout.linkY} V`));
    }
    // The 1×1 downsample is drawn on the skip of each block that changes the shape.
    const withDownsample = summary.layers
      .filter((r) => r.name.endsWith('.downsample.0'))
      .map((r) => r.name.replace('.downsample.0', ''));
    assert.deepEqual(layout.arcs.filter((a) => a.downsample).map((a) => a.name), withDownsample);
    assert.ok(layout.arcs.filter((a) => a.downsample).every((a) => a.downsample === '1×1/2'));
  });
}

it('the skips do not cross any shape numbers, and their 1×1 labels fit under their own span', () => {
  const layout = paperLayout(fixture('resnet18'));
  const half = (x) => (Math.max(...shapeLines(x.outputShape).map((l) => l.length)) * PAPER.shapeChar) / 2;
  for (const arc of layout.arcs) {
    for (const block of layout.blocks) {
      const [left, right] = [block.x + block.w / 2 - half(block), block.x + block.w / 2 + half(block)];
      for (const x of [arc.x1, arc.x2]) assert.ok(x < left - 2 || x > right + 2, `${arc.name} crosses ${block.id}'s numbers`);
    }
    if (arc.downsample) assert.ok(arc.downsample.length * PAPER.shapeChar < arc.x2 - arc.x1);
  }
  assert.deepEqual(paperLayout(fixture('alexnet')).arcs, []);
  assert.deepEqual(paperLayout(fixture('vgg16')).adds, []);
});

it('alexnet_2gpu: two streams, parallel through grouped layers, crossing into ungrouped ones', () => {
  const layout = paperLayout(fixture('alexnet_2gpu'));
  const b = layout.blocks;
  assert.equal(layout.twoStreams, true);
  // Every layer but the input and the 1000 outputs is split over GPU 1 and GPU 2.
  assert.deepEqual(b.map((x) => (x.streams ? x.streams.length : 1)), [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
  for (const block of b.filter((x) => x.streams)) {
    const [one, two] = block.streams;
    assert.deepEqual([one.gpu, two.gpu], [1, 2]);
    assert.equal(one.x, block.x);
    assert.ok(Math.abs(two.x + two.w - (block.x + block.w)) < 1e-9 && two.x > one.x + one.w);
  }
  // conv3 (ungrouped) and conv4 (groups = 2) keep 384×13×13 but are separate volumes.
  assert.deepEqual(b.filter((x) => x.shapeText === '384×13×13').map((x) => x.label), ['Conv 3×3', 'Conv 3×3 g2']);
  const into = (label) => {
    const to = b.find((x) => x.label === label);
    return layout.links.filter((l) => l.to === to.id);
  };
  const lines = (label) => into(label).map((l) => (l.y1 === l.y2 ? 'parallel' : 'cross'));
  assert.deepEqual(lines('Conv 5×5 g2'), ['parallel', 'parallel']);
  assert.deepEqual(lines('Conv 3×3'), ['parallel', 'parallel', 'cross', 'cross']);
  assert.deepEqual(lines('Conv 3×3 g2'), ['parallel', 'parallel']);
  for (const fc of b.filter((x) => x.label === 'FC 4096')) {
    // Both FC 4096 layers read both GPUs.
    assert.equal(layout.links.filter((l) => l.to === fc.id && l.cross).length, 2);
  }
  assert.equal(into('FC 1000').length, 2); // the two streams join into the outputs
  assert.equal(new Set(into('FC 1000').map((l) => l.y2)).size, 1);
  assert.equal(new Set(into('Conv 11×11/4').map((l) => l.y1)).size, 1); // the input fans out
  for (const l of layout.links) assert.ok(l.x2 > l.x1, `${l.from} → ${l.to} runs left to right`);
  // The single-GPU AlexNet is one stream.
  const alexnet = paperLayout(fixture('alexnet'));
  assert.equal(alexnet.twoStreams, false);
  assert.ok(alexnet.blocks.every((x) => !x.streams));
  assert.equal(alexnet.links.length, alexnet.blocks.length - 1);
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
