/** Receptive-field rectangles and layer helpers, checked against the API's own answers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  callOf,
  camLayers,
  centreUnit,
  fieldOf,
  parseLayerKey,
  pointInImage,
  regionRect,
  unitAt,
  unitCentre,
  unitRegion,
} from '../js/inspect.js';
import { fixture } from './helpers.mjs';

const rf = (name) => fixture(`analysis/rf_${name}`);

describe('receptive-field rectangles', () => {
  for (const name of ['simplecnn', 'vgg16', 'resnet18']) {
    it(`${name}: the centre unit's rectangle is the API's centre_unit.region`, () => {
      const fields = rf(name);
      const [, , h, w] = fields.input_shape;
      const checked = fields.layers.filter((f) => f.centre_unit);
      assert.ok(checked.length >= 4);
      for (const field of checked) {
        assert.deepEqual(centreUnit(field), field.centre_unit.unit, field.name);
        assert.deepEqual(unitRegion(field, centreUnit(field), [h, w]), field.centre_unit.region, field.name);
      }
    });
  }

  it("VGG16's last pool: 212 px wide, clipped at the image border for a corner unit", () => {
    const fields = rf('vgg16');
    const pool = fields.layers.find((f) => f.name === 'features.30');
    assert.deepEqual(pool.size, [212, 212]);
    assert.deepEqual(pool.jump, [32, 32]);
    // Unit (0, 0) is centred at start = 15.5: 15.5 ± 105.5 → clipped to [0, 121].
    assert.deepEqual(unitRegion(pool, [0, 0], [224, 224]), [0, 0, 121, 121]);
    assert.deepEqual(regionRect([0, 0, 121, 121]), { x: 0, y: 0, width: 122, height: 122 });
  });

  it('SimpleCNN conv2: a unit sees 8×8 pixels, every unit two pixels further on', () => {
    const conv2 = fieldOf(rf('simplecnn'), 2);
    assert.equal(conv2.name, 'conv2');
    assert.deepEqual(unitRegion(conv2, [0, 0], [28, 28]), [0, 0, 4, 4]); // 0.5 ± 3.5, clipped
    assert.deepEqual(unitRegion(conv2, [3, 5], [28, 28]), [3, 7, 10, 14]);
    assert.deepEqual(regionRect(unitRegion(conv2, [3, 5], [28, 28])), { x: 7, y: 3, width: 8, height: 8 });
  });

  it('flat layers see the whole input', () => {
    const fc1 = fieldOf(rf('simplecnn'), 4);
    assert.equal(fc1.whole_input, true);
    assert.deepEqual(unitRegion(fc1, [0, 0], [28, 28]), [0, 0, 27, 27]);
  });

  it('the unit under a point is the one whose centre is nearest; out of range is clamped', () => {
    const fields = rf('simplecnn');
    const pool2 = fieldOf(fields, 3); // 7×7 units, jump 4, start 1.5
    for (const unit of [[0, 0], [3, 3], [6, 2]]) {
      const c = unitCentre(pool2, unit);
      assert.deepEqual(unitAt(pool2, [c.y - 0.5, c.x - 0.5]), unit);
    }
    assert.deepEqual(unitAt(pool2, [27, 0]), [6, 0]);
    assert.deepEqual(unitAt(pool2, [-50, 99]), [0, 6]);
  });

  it('a click on a 196 px picture of a 28 px input lands on the right pixel', () => {
    const box = { left: 100, top: 50, width: 196, height: 196 };
    assert.deepEqual(pointInImage(box, 100 + 3.5, 50 + 3.5, [28, 28]), [0, 0]);
    assert.deepEqual(pointInImage(box, 100 + 196 - 3.5, 50 + 98, [28, 28]), [13.5, 27]);
  });
});

describe('layers', () => {
  it("SimpleCNN's pool runs twice: the second row is call 2", () => {
    const rows = fixture('simplecnn').layers;
    const pools = rows.filter((r) => r.name === 'pool');
    assert.deepEqual(pools.map((r) => callOf(rows, r)), [1, 2]);
    assert.deepEqual(parseLayerKey('pool#2'), { layer: 'pool', call: 2 });
    assert.deepEqual(parseLayerKey('conv1'), { layer: 'conv1', call: 1 });
  });

  it('Grad-CAM layers: convolutions, pools and containers with a map bigger than 1×1', () => {
    assert.deepEqual(camLayers(fixture('simplecnn')).map((l) => l.key), ['conv1', 'pool', 'conv2', 'pool#2']);
    const resnet = camLayers(fixture('resnet18')).map((l) => l.name);
    assert.ok(resnet.includes('layer4') && resnet.includes('layer2.0.downsample.0'));
    assert.ok(!resnet.includes('avgpool'), 'avgpool is 1×1 at 32 px');
    assert.ok(!resnet.some((n) => /bn|relu/.test(n)));
    const alexnet = camLayers(fixture('alexnet'));
    assert.equal(alexnet[0].name, 'features');
    assert.ok(alexnet.every((l) => !l.name.startsWith('classifier')));
  });
});
