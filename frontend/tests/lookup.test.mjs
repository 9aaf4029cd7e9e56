/** Looking blocks up in a drawn layout (diagram/lookup.js), on the real models' summaries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { layoutSummary } from '../js/diagram/layout.js';
import { idForRow, idShowingRow, lookupBlock } from '../js/diagram/lookup.js';
import { fixture } from './helpers.mjs';

const rowNamed = (summary, name) => summary.layers.find((r) => r.name === name);

describe('diagram lookups', () => {
  it('a leaf row is its L block; an expanded container is its frame, a collapsed one its C block', () => {
    const summary = fixture('resnet18');
    const conv = rowNamed(summary, 'conv1');
    const layer1 = rowNamed(summary, 'layer1');
    const open = layoutSummary(summary, {});
    assert.equal(idForRow(open, summary, conv.index), `L${conv.index}`);
    assert.equal(idForRow(open, summary, layer1.index), `G${layer1.index}`);
    const closed = layoutSummary(summary, { collapsed: new Set(['layer1']) });
    assert.equal(idForRow(closed, summary, layer1.index), `C${layer1.index}`);
    assert.equal(idForRow(open, summary, 10_000), null);
  });

  it('a frame looks up as a container with its leaf count and shapes', () => {
    const summary = fixture('resnet18', { functional: false });
    const layout = layoutSummary(summary, {});
    const layer1 = rowNamed(summary, 'layer1');
    const found = lookupBlock(layout, summary, `G${layer1.index}`);
    assert.equal(found.kind, 'container');
    assert.equal(found.name, 'layer1');
    assert.equal(found.leafCount, 8); // two BasicBlocks of conv, bn, conv, bn (their ReLUs are F.relu)
    assert.deepEqual(found.outputShape, [1, 64, 32, 32]);
    assert.equal(lookupBlock(layout, summary, 'nothing'), null);
    assert.equal(lookupBlock(null, summary, 'input'), null);
  });

  it('a residual addition is shown by its ⊕, a folded ReLU by the block it is folded into', () => {
    const summary = fixture('resnet18');
    const open = layoutSummary(summary, {});
    const add = rowNamed(summary, 'layer1.0.add#1');
    assert.equal(idShowingRow(open, summary, add), 'A4');
    assert.equal(lookupBlock(open, summary, 'A4').isAdd, true);
    assert.equal(lookupBlock(open, summary, 'A4').type, '⊕');
    const folded = layoutSummary(summary, { foldActivations: true });
    assert.equal(idShowingRow(folded, summary, rowNamed(summary, 'relu')), 'L1'); // bn1's block
  });

  it('a row hidden in a collapsed container has no block of its own (the caller opens it first)', () => {
    const summary = fixture('resnet18');
    const closed = layoutSummary(summary, { collapsed: new Set(['layer1']) });
    assert.equal(idShowingRow(closed, summary, rowNamed(summary, 'layer1.0.conv1')), null);
    assert.equal(idShowingRow(closed, summary, rowNamed(summary, 'conv1')), 'L0');
  });
});
