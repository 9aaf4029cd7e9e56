/** The pure diagram layout, checked on the real models' summaries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { blockWidth, buildTree, containerNames, layoutSummary } from '../js/diagram/layout.js';
import { stagesOf, withStages } from '../js/diagram/stages.js';
import { fixture, leafRows } from './helpers.mjs';

const MODELS = ['simplecnn', 'alexnet', 'vgg16', 'resnet18', 'resnet34', 'basicblock'];

function layerBlocks(layout) {
  return layout.blocks.filter((b) => b.row && b.row.is_leaf);
}

describe('one block per leaf row', () => {
  for (const name of MODELS) {
    it(name, () => {
      const summary = fixture(name, { functional: false });
      const layout = layoutSummary(summary, { rootResidual: name === 'basicblock' });
      const leaves = leafRows(summary);
      assert.equal(layerBlocks(layout).length, leaves.length);
      assert.deepEqual(
        layerBlocks(layout).map((b) => b.row.index),
        leaves.map((r) => r.index),
        'blocks follow execution order',
      );
    });
  }

  it('SimpleCNN: the reused pool gets its own block (6 blocks, 2 of them MaxPool2d)', () => {
    const layout = layoutSummary(fixture('simplecnn', { functional: false }));
    const pools = layerBlocks(layout).filter((b) => b.type === 'MaxPool2d');
    assert.equal(layerBlocks(layout).length, 6);
    assert.equal(pools.length, 2);
    assert.deepEqual(
      pools.map((b) => b.row.recursive),
      [false, true],
    );
  });
});

describe('coordinates', () => {
  for (const name of MODELS) {
    it(`${name}: main-path blocks go strictly downwards without overlapping`, () => {
      const layout = layoutSummary(fixture(name), { rootResidual: name === 'basicblock' });
      const main = layout.blocks.filter((b) => b.lane === 'main');
      for (let i = 1; i < main.length; i++) {
        assert.ok(main[i].y >= main[i - 1].y + main[i - 1].h, `${main[i].id} below ${main[i - 1].id}`);
      }
      for (const b of layout.blocks) {
        assert.ok(b.x >= 0 && b.x + b.w <= layout.width, `${b.id} inside the width`);
        assert.ok(b.y >= 0 && b.y + b.h <= layout.height, `${b.id} inside the height`);
      }
    });
  }

  it('main-path blocks are centred on one axis and edges run along it', () => {
    const layout = layoutSummary(fixture('vgg16'));
    for (const b of layout.blocks.filter((x) => x.lane === 'main')) {
      assert.equal(b.x + b.w / 2, layout.columns.axis);
    }
    for (const e of layout.edges) {
      assert.equal(e.x, layout.columns.axis);
      assert.ok(e.y2 > e.y1, `edge ${e.from}→${e.to} points down`);
    }
  });

  it('edges chain every main-path block to the next', () => {
    const layout = layoutSummary(fixture('alexnet'));
    const main = layout.blocks.filter((b) => b.lane === 'main').map((b) => b.id);
    assert.deepEqual(
      layout.edges.map((e) => [e.from, e.to]),
      main.slice(1).map((id, i) => [main[i], id]),
    );
  });

  it('block width grows with channels on a log scale', () => {
    assert.ok(blockWidth(64) < blockWidth(128));
    assert.equal(blockWidth(128) - blockWidth(64), blockWidth(512) - blockWidth(256));
    assert.equal(blockWidth(4096), blockWidth(1 << 20), 'capped at the widest');
    const layout = layoutSummary(fixture('vgg16'));
    const byName = Object.fromEntries(layout.blocks.map((b) => [b.name, b]));
    assert.ok(byName['features.0'].w < byName['features.5'].w); // 64 < 128 channels
    assert.ok(byName['features.5'].w < byName['features.10'].w); // 128 < 256
  });
});

describe('shape ticks', () => {
  it('AlexNet reads 224 → 55 → 27 → 13 → 6 down the ruler', () => {
    const layout = layoutSummary(fixture('alexnet'));
    assert.deepEqual(
      layout.ticks.map((t) => t.label),
      ['224×224', '55×55', '27×27', '13×13', '6×6'],
    );
    const ys = layout.ticks.map((t) => t.y);
    assert.deepEqual([...ys].sort((a, b) => a - b), ys, 'ticks go down the page');
  });

  it('VGG16 halves 224 → 112 → 56 → 28 → 14 → 7', () => {
    const labels = layoutSummary(fixture('vgg16')).ticks.map((t) => t.label);
    assert.deepEqual(labels, ['224×224', '112×112', '56×56', '28×28', '14×14', '7×7']);
  });
});

describe('inferred flatten', () => {
  it('AlexNet flattens 256×6×6 into 9216 between features and classifier', () => {
    const layout = layoutSummary(fixture('alexnet', { functional: false }));
    const flat = layout.blocks.filter((b) => b.inferred);
    assert.equal(flat.length, 1);
    assert.equal(flat[0].inferred, 'flatten');
    assert.equal(flat[0].shapeText, '9216');
    const order = layout.order;
    assert.ok(order.indexOf(flat[0].id) > order.indexOf('L13')); // after features.12
    assert.ok(order.indexOf(flat[0].id) < order.indexOf('L15')); // before classifier.0
  });

  it('SimpleCNN at 56 px: the view folds space into the batch, flagged as a reshape', () => {
    const layout = layoutSummary(fixture('simplecnn_56', { functional: false }));
    const flat = layout.blocks.filter((b) => b.inferred);
    assert.equal(flat.length, 1);
    assert.equal(flat[0].inferred, 'reshape');
    assert.equal(flat[0].warn, true);
    assert.equal(flat[0].shapeText, '4×3136');
  });
});

describe('containers', () => {
  it('tree nests rows under their parent', () => {
    const tree = buildTree(fixture('resnet18', { functional: false }).layers);
    assert.deepEqual(
      tree.children.map((n) => n.row.name),
      ['conv1', 'bn1', 'relu', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc'],
    );
    const layer2 = tree.children[4];
    assert.deepEqual(
      layer2.children.map((n) => n.row.name),
      ['layer2.0', 'layer2.1'],
    );
    assert.deepEqual(
      layer2.children[0].children.map((n) => n.row.name),
      ['layer2.0.conv1', 'layer2.0.bn1', 'layer2.0.conv2', 'layer2.0.bn2', 'layer2.0.downsample'],
    );
  });

  it('VGG16 has two frames, each enclosing exactly its own blocks', () => {
    const layout = layoutSummary(fixture('vgg16'));
    assert.deepEqual(
      layout.frames.map((f) => f.name),
      ['features', 'classifier'],
    );
    for (const frame of layout.frames) {
      const inside = layout.blocks.filter((b) => b.row?.parent === frame.name);
      assert.ok(inside.length > 0);
      for (const b of inside) {
        assert.ok(b.y >= frame.y0 && b.y + b.h <= frame.y1, `${b.name} inside ${frame.name}`);
        assert.ok(b.x >= frame.x0 && b.x + b.w <= frame.x1);
      }
      const outside = layout.blocks.filter((b) => b.row && b.row.parent !== frame.name);
      for (const b of outside) assert.ok(b.y + b.h <= frame.y0 || b.y >= frame.y1);
    }
  });

  it('ResNet-18 frames: 4 stages, 8 blocks, 3 downsample paths, nested inside each other', () => {
    const layout = layoutSummary(fixture('resnet18'));
    const byLevel = (level) => layout.frames.filter((f) => f.level === level).map((f) => f.name);
    assert.deepEqual(byLevel(1), ['layer1', 'layer2', 'layer3', 'layer4']);
    assert.equal(byLevel(2).length, 8);
    assert.deepEqual(byLevel(3), ['layer2.0.downsample', 'layer3.0.downsample', 'layer4.0.downsample']);
    const frames = Object.fromEntries(layout.frames.map((f) => [f.name, f]));
    for (const f of layout.frames) {
      const parent = frames[f.row.parent];
      if (!parent) continue;
      assert.ok(f.x0 >= parent.x0 && f.x1 <= parent.x1, `${f.name} within ${parent.name} (x)`);
      assert.ok(f.y0 >= parent.y0 && f.y1 <= parent.y1, `${f.name} within ${parent.name} (y)`);
    }
  });

  it('containerNames lists every container with children', () => {
    assert.deepEqual(containerNames(fixture('alexnet').layers), ['features', 'classifier']);
    assert.equal(containerNames(fixture('resnet18').layers).length, 15);
  });
});

describe('residual blocks', () => {
  it('ResNet-18 has 8 skip arcs, each with its ⊕, 3 of them carrying a downsample', () => {
    const layout = layoutSummary(fixture('resnet18'));
    assert.equal(layout.arcs.length, 8);
    assert.equal(layout.adds.length, 8);
    assert.deepEqual(
      layout.arcs.filter((a) => a.downsample).map((a) => a.name),
      ['layer2.0', 'layer3.0', 'layer4.0'],
    );
    for (const arc of layout.arcs) {
      const add = layout.adds.find((a) => a.id === arc.to);
      assert.equal(arc.addY, add.y);
      assert.ok(arc.forkY < arc.addY);
      assert.ok(arc.x > layout.columns.axis, 'arc on the right of the main path');
      assert.match(arc.d, /^M /);
    }
  });

  it('downsample layers sit on the arc, between the fork and the ⊕', () => {
    const layout = layoutSummary(fixture('resnet18'));
    const arc = layout.arcs.find((a) => a.name === 'layer2.0');
    const side = layout.blocks.filter((b) => b.lane === 'side' && b.name.startsWith('layer2.0.'));
    assert.deepEqual(
      side.map((b) => b.type),
      ['Conv2d', 'BatchNorm2d'],
    );
    for (const b of side) {
      assert.equal(b.x + b.w / 2, arc.x);
      assert.ok(b.y > arc.forkY && b.y + b.h < arc.addY);
    }
    assert.equal(side[0].label, 'Conv 1×1/2, 128');
  });

  it('the ⊕ joins after the main path: its edge comes from bn2', () => {
    const layout = layoutSummary(fixture('resnet18'));
    const arc = layout.arcs.find((a) => a.name === 'layer1.0');
    const into = layout.edges.filter((e) => e.to === arc.to);
    assert.equal(into.length, 1);
    const from = layout.blocks.find((b) => b.id === into[0].from);
    assert.equal(from.name, 'layer1.0.bn2');
  });

  it('ResNet-34 has 16 arcs', () => {
    assert.equal(layoutSummary(fixture('resnet34')).arcs.length, 16);
  });

  it("the seed's standalone block shows one identity arc around the whole model", () => {
    const layout = layoutSummary(fixture('basicblock'), { rootResidual: true, rootLabel: 'block' });
    assert.equal(layout.arcs.length, 1);
    assert.equal(layout.arcs[0].downsample, false);
    assert.equal(layout.frames.length, 1);
    assert.equal(layout.frames[0].collapsible, false);
    assert.equal(layoutSummary(fixture('basicblock')).arcs.length, 0);
  });
});

describe('collapse', () => {
  it('a collapsed container is one block with its totals, and hides its children', () => {
    const summary = fixture('vgg16');
    const layout = layoutSummary(summary, { collapsed: new Set(['features']) });
    const features = summary.layers.find((r) => r.name === 'features');
    const block = layout.blocks.find((b) => b.container === 'features');
    assert.ok(block);
    assert.equal(block.params, 14714688);
    assert.equal(block.leafCount, 31);
    assert.equal(block.shapeText, '3×224×224 → 512×7×7');
    assert.equal(block.params, features.params);
    assert.equal(layout.blocks.filter((b) => b.row?.parent === 'features').length, 0);
    assert.deepEqual(
      layout.frames.map((f) => f.name),
      ['classifier'],
    );
    assert.equal(layerBlocks(layout).length, leafRows(summary).length - 31);
  });

  it('collapsing layer1 and layer2.0 removes their arcs and keeps the rest', () => {
    const layout = layoutSummary(fixture('resnet18'), {
      collapsed: new Set(['layer1', 'layer2.0']),
    });
    assert.equal(layout.arcs.length, 5);
    const collapsed = layout.blocks.filter((b) => b.kind === 'container');
    assert.deepEqual(
      collapsed.map((b) => [b.name, b.residual]),
      [
        ['layer1', false],
        ['layer2.0', true],
      ],
    );
  });

  it('collapsing makes the picture shorter', () => {
    const full = layoutSummary(fixture('resnet34'));
    const small = layoutSummary(fixture('resnet34'), {
      collapsed: new Set(['layer1', 'layer2', 'layer3', 'layer4']),
    });
    assert.ok(small.height < full.height / 3);
    assert.equal(small.arcs.length, 0);
  });
});

describe('parameter share', () => {
  it("VGG16's classifier.0 holds 74 % of the parameters, more than any other block", () => {
    const layout = layoutSummary(fixture('vgg16'));
    const fc = layout.blocks.find((b) => b.name === 'classifier.0');
    assert.equal(Math.round(fc.share * 100), 74);
    const others = layout.blocks.filter((b) => b !== fc);
    assert.ok(others.every((b) => b.share < 0.13));
    const sum = layout.blocks.reduce((s, b) => s + b.share, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, 'leaf shares add up to the whole');
  });

  it('share rows never overlap, even beside a downsample path', () => {
    for (const name of ['resnet18', 'resnet34', 'vgg16']) {
      const ys = layoutSummary(fixture(name))
        .blocks.filter((b) => b.params > 0)
        .map((b) => b.shareY)
        .sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= 12, `${name} row ${i}`);
    }
    const vgg = layoutSummary(fixture('vgg16'));
    for (const b of vgg.blocks.filter((x) => x.params > 0)) assert.equal(b.shareY, b.y + b.h / 2);
  });

  it('a reused module counts its parameters once', () => {
    const summary = fixture('resnet18');
    const layout = layoutSummary(summary);
    const sum = layout.blocks.reduce((s, b) => s + b.params, 0);
    assert.equal(sum, summary.totals.params);
  });
});

describe('folding activations', () => {
  it('AlexNet: 7 ReLUs fold into the layer before them', () => {
    const summary = fixture('alexnet');
    const layout = layoutSummary(summary, { foldActivations: true });
    assert.equal(layout.blocks.filter((b) => b.kind === 'act').length, 0);
    const folded = layout.blocks.filter((b) => b.folded.length > 0);
    assert.equal(folded.length, 7);
    assert.equal(folded[0].label, 'Conv 11×11/4 p2, 96 + ReLU');
    assert.ok(layout.height < layoutSummary(summary).height);
  });
});

describe("forward()'s own operations (functional rows)", () => {
  it('SimpleCNN draws both F.relu and the view as blocks, in execution order', () => {
    const layout = layoutSummary(fixture('simplecnn'));
    assert.deepEqual(
      layerBlocks(layout).map((b) => b.label),
      ['Conv 3×3/1 p1, 32', 'F.relu', 'MaxPool 2×2/2', 'Conv 3×3/1 p1, 64', 'F.relu', 'MaxPool 2×2/2', 'x.view → 3136', 'Linear 3136 → 128', 'F.relu', 'Linear 128 → 10'],
    );
    const functional = layerBlocks(layout).filter((b) => b.functional);
    assert.deepEqual(
      functional.map((b) => [b.kind, b.params]),
      [['act', 0], ['act', 0], ['reshape', 0], ['act', 0]],
    );
    assert.equal(layout.blocks.filter((b) => b.inferred).length, 0, 'the real row replaces the inferred one');
  });

  it('the flatten of AlexNet and VGG16 is a real row between features and classifier', () => {
    for (const [name, text] of [['alexnet', 'torch.flatten → 9216'], ['vgg16', 'torch.flatten → 25088']]) {
      const layout = layoutSummary(fixture(name));
      const flat = layout.blocks.filter((b) => b.kind === 'reshape');
      assert.deepEqual(flat.map((b) => [b.label, b.functional, Boolean(b.inferred)]), [[text, true, false]]);
    }
  });

  it('SimpleCNN at 56 px: the view row is flagged as folding space into the batch', () => {
    const layout = layoutSummary(fixture('simplecnn_56'));
    const view = layout.blocks.find((b) => b.name === 'view#1');
    assert.equal(view.warn, true);
    assert.equal(view.shapeText, '4×3136');
  });

  it('every BasicBlock: conv, bn, F.relu, conv, bn, then ⊕ (the += row), then F.relu', () => {
    const summary = fixture('resnet18');
    const layout = layoutSummary(summary);
    assert.equal(layout.adds.length, 8);
    for (const add of layout.adds) {
      assert.equal(add.row.name, `${add.name}.add#1`, 'the ⊕ carries its += row');
      const inside = layout.blocks.filter((b) => b.lane === 'main' && b.name.startsWith(`${add.name}.`));
      assert.deepEqual(
        inside.map((b) => b.name.slice(add.name.length + 1)),
        ['conv1', 'bn1', 'relu#1', 'conv2', 'bn2', 'relu#2'],
      );
      const relu2 = inside.at(-1);
      assert.ok(relu2.y > add.y, 'the last F.relu comes after the addition');
      const into = layout.edges.find((e) => e.to === add.id);
      assert.equal(layout.blocks.find((b) => b.id === into.from).name, `${add.name}.bn2`);
    }
    const leaves = leafRows(summary).length;
    assert.equal(layerBlocks(layout).length + layout.adds.length, leaves, 'every leaf row drawn once');
  });

  it("the seed's standalone block: ⊕ then F.relu inside the one frame", () => {
    const layout = layoutSummary(fixture('basicblock'), { rootResidual: true, rootLabel: 'block' });
    assert.equal(layout.adds.length, 1);
    assert.equal(layout.adds[0].row.name, 'add#1');
    assert.equal(layout.blocks.at(-1).name, 'relu#2');
    assert.ok(layout.blocks.at(-1).y < layout.frames[0].y1);
  });
});

describe('stages (the "stages" collapse level)', () => {
  it("VGG16's five cfg blocks and the head, each one collapsible group", () => {
    const { summary, names } = withStages(fixture('vgg16'));
    assert.deepEqual(names, ['stage 1', 'stage 2', 'stage 3', 'stage 4', 'stage 5', 'head']);
    const layout = layoutSummary(summary, { collapsed: new Set(names) });
    const groups = layout.blocks.filter((b) => b.kind === 'container');
    assert.deepEqual(
      groups.map((b) => [b.name, b.shapeText]),
      [
        ['stage 1', '3×224×224 → 64×112×112'],
        ['stage 2', '64×112×112 → 128×56×56'],
        ['stage 3', '128×56×56 → 256×28×28'],
        ['stage 4', '256×28×28 → 512×14×14'],
        ['stage 5', '512×14×14 → 512×7×7'],
        ['head', '512×7×7 → 1000'],
      ],
    );
    const params = groups.reduce((n, b) => n + b.params, 0);
    assert.equal(params, fixture('vgg16').totals.params, 'stages add up to the model');
  });

  it('ResNet-18: stem, layer1–4 (modules already) and head', () => {
    const { names } = withStages(fixture('resnet18'));
    assert.deepEqual(names, ['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'head']);
    assert.deepEqual(stagesOf(fixture('alexnet')).map((s) => s.name), ['stage 1', 'stage 2', 'stage 3', 'head']);
  });

  it("SimpleCNN's reused pool lands in each of its stages; the standalone block has none", () => {
    const { summary, names } = withStages(fixture('simplecnn'));
    assert.deepEqual(names, ['stage 1', 'stage 2', 'head']);
    const pools = summary.layers.filter((r) => r.name === 'pool').map((r) => r.parent);
    assert.deepEqual(pools, ['stage 1', 'stage 2']);
    assert.deepEqual(withStages(fixture('basicblock')).names, []);
  });
});
