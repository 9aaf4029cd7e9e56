/** The overview strip's geometry (diagram/minimap-layout.js): marks, viewport, scrolling to a point. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { layoutSummary } from '../js/diagram/layout.js';
import {
  blocksInView,
  fitsInView,
  minimapLayout,
  scrollForPoint,
  scrolledPercent,
  viewportRect,
} from '../js/diagram/minimap-layout.js';
import { withStages } from '../js/diagram/stages.js';
import { fixture } from './helpers.mjs';

const close = (actual, expected, message) => assert.ok(Math.abs(actual - expected) < 1e-9, `${message}: ${actual} ≠ ${expected}`);

function assertBox(actual, expected) {
  for (const key of Object.keys(expected)) close(actual[key], expected[key], key);
}

// A 200 × 1000 diagram: a conv at the top, a ReLU in the middle of a residual frame, a ⊕, a
// linear at the bottom. The blocks and frames span x 6–196 (190 units).
const TOY = {
  width: 200,
  height: 1000,
  blocks: [
    { id: 'a', kind: 'conv', x: 50, y: 0, w: 100, h: 40 },
    { id: 'b', kind: 'act', x: 50, y: 500, w: 100, h: 10 },
    { id: 'c', kind: 'linear', x: 25, y: 960, w: 150, h: 40 },
  ],
  adds: [{ id: 'A1', x: 100, y: 700, r: 9 }],
  frames: [{ id: 'G1', x0: 6, x1: 196, y0: 400, y1: 800, residual: true }],
};
// A 44 × 506 strip with pad 3: 38 px across for 190 units (sx 0.2), 500 px down for 1000 (sy 0.5).
const MAP = minimapLayout(TOY, { width: 44, maxHeight: 506, pad: 3, minMark: 1.5 });

describe('minimapLayout: marks', () => {
  it('the network’s height fills the strip’s, the blocks’ extent its width', () => {
    close(MAP.sx, 0.2, 'sx');
    close(MAP.sy, 0.5, 'sy');
    close(MAP.mapWidth, 38, 'map width');
    close(MAP.mapHeight, 500, 'map height');
    close(MAP.height, 506, 'strip height');
    close(MAP.ox, 1.8, 'strip x of the layout’s x = 0 (the frame’s left edge, x 6, at the pad)');
    close(MAP.oy, 3, 'top offset');
  });

  it('each block becomes a mark of its kind at its scaled place', () => {
    assert.deepEqual(
      MAP.marks.map((m) => [m.id, m.kind]),
      [
        ['a', 'conv'],
        ['b', 'act'],
        ['c', 'linear'],
      ],
    );
    assertBox(MAP.marks[0], { x: 11.8, y: 3, w: 20, h: 20 });
    assertBox(MAP.marks[1], { x: 11.8, y: 253, w: 20, h: 5 });
    assertBox(MAP.marks[2], { x: 6.8, y: 483, w: 30, h: 20 });
  });

  it('a block thinner than minMark is drawn minMark tall, centred on its place', () => {
    const map = minimapLayout(TOY, { width: 44, maxHeight: 506, pad: 3, minMark: 6 });
    assertBox(map.marks[1], { y: 252.5, h: 6 });
    assertBox(map.marks[0], { y: 3, h: 20 });
  });

  it('⊕ and frames scale too (a ⊕ by the smaller scale, so it stays round)', () => {
    assertBox(MAP.adds[0], { cx: 21.8, cy: 353, r: 1.8 });
    assertBox(MAP.frames[0], { x: 3, y: 203, w: 38, h: 200 });
    assert.equal(MAP.frames[0].residual, true);
  });

  it('a shorter box gives a shorter strip; the width stays', () => {
    const map = minimapLayout(TOY, { width: 44, maxHeight: 106, pad: 3 });
    close(map.sy, 0.1, 'sy');
    close(map.sx, 0.2, 'sx');
    close(map.height, 106, 'strip height');
    assertBox(map.marks[2], { y: 99, h: 4 });
  });
});

describe('the viewport rectangle and scrolling', () => {
  const box = { zoom: 0.5, clientWidth: 100, clientHeight: 150 };

  it('the rectangle covers what the scroll box shows', () => {
    // At zoom 0.5 the diagram is 100 × 500 px; 200 px down shows layout units 400–700.
    assertBox(viewportRect(MAP, { ...box, scrollTop: 200, scrollLeft: 0 }), { x: 3, y: 203, w: 38, h: 150 });
    assertBox(viewportRect(MAP, { ...box, scrollTop: 0, scrollLeft: 0 }), { x: 3, y: 3, w: 38, h: 150 });
  });

  it('scrolled to the end, the rectangle ends at the map’s bottom', () => {
    const rect = viewportRect(MAP, { ...box, scrollTop: 350, scrollLeft: 0 });
    assertBox(rect, { y: 353, h: 150 });
    close(rect.y + rect.h, MAP.oy + MAP.mapHeight, 'bottom');
  });

  it('zoomed in past the box’s width, the rectangle is narrower than the map', () => {
    // zoom 2: 400 × 2000 px; a 100 × 150 box at scrollLeft 200 shows units x 100–150, y 0–75.
    assertBox(viewportRect(MAP, { zoom: 2, clientWidth: 100, clientHeight: 150, scrollTop: 0, scrollLeft: 200 }), {
      x: 21.8,
      y: 3,
      w: 10,
      h: 37.5,
    });
  });

  it('a point of the strip scrolls the diagram so that point is in the middle', () => {
    assert.deepEqual(scrollForPoint(MAP, box, { x: 21.8, y: 353 }), { top: 275, left: 0 });
    assert.deepEqual(scrollForPoint(MAP, box, { x: 22, y: 3 }), { top: 0, left: 0 }, 'the top clamps to 0');
    assert.deepEqual(scrollForPoint(MAP, box, { x: 22, y: 506 }), { top: 350, left: 0 }, 'the far end clamps to the last scroll');
    assert.deepEqual(
      scrollForPoint(MAP, { zoom: 2, clientWidth: 100, clientHeight: 150 }, { x: 21.8, y: 253 }),
      { top: 925, left: 150 },
      'sideways too when zoomed in',
    );
  });

  it('which blocks are in view, in execution order', () => {
    assert.deepEqual(blocksInView(TOY, { zoom: 0.5, scrollTop: 200, clientHeight: 150 }), { first: 2, last: 2, count: 3 });
    assert.deepEqual(blocksInView(TOY, { zoom: 0.5, scrollTop: 0, clientHeight: 150 }), { first: 1, last: 1, count: 3 });
    assert.deepEqual(blocksInView(TOY, { zoom: 0.5, scrollTop: 0, clientHeight: 500 }), { first: 1, last: 3, count: 3 });
    assert.equal(blocksInView(TOY, { zoom: 1, scrollTop: 600, clientHeight: 300 }), null);
  });

  it('fits and percent scrolled', () => {
    assert.equal(fitsInView(TOY, { zoom: 0.5, clientWidth: 100, clientHeight: 500 }), true);
    assert.equal(fitsInView(TOY, { zoom: 0.5, clientWidth: 100, clientHeight: 498 }), false);
    assert.equal(fitsInView(TOY, { zoom: 0.5, clientWidth: 98, clientHeight: 500 }), false);
    assert.equal(scrolledPercent({ scrollTop: 100, scrollHeight: 500, clientHeight: 100 }), 25);
    assert.equal(scrolledPercent({ scrollTop: 400, scrollHeight: 500, clientHeight: 100 }), 100);
    assert.equal(scrolledPercent({ scrollTop: 0, scrollHeight: 90, clientHeight: 100 }), 0);
  });
});

describe('the real networks', () => {
  for (const [name, options] of [
    ['vgg16', {}],
    ['resnet18', {}],
    ['alexnet', {}],
    ['resnet34', {}],
  ]) {
    it(`${name}: one mark per block, all inside the strip, in the diagram's vertical order`, () => {
      const layout = layoutSummary(fixture(name), options);
      const map = minimapLayout(layout, { width: 44, maxHeight: 600 });
      assert.equal(map.marks.length, layout.blocks.length);
      close(map.height, 600, 'the strip is as tall as the box');
      for (const mark of map.marks) {
        assert.ok(mark.x >= 0 && mark.x + mark.w <= 44 + 1e-9, `${mark.id} across`);
        assert.ok(mark.y >= 0 && mark.y + mark.h <= map.height + 1e-9, `${mark.id} down`);
      }
      const main = layout.blocks.map((b, i) => [b, map.marks[i]]).filter(([b]) => b.lane === 'main');
      assert.ok(main.length > 20, `${main.length} blocks on the main lane`);
      for (let i = 1; i < main.length; i += 1) {
        assert.ok(main[i][1].y > main[i - 1][1].y, `${main[i][0].id} below ${main[i - 1][0].id}`);
      }
    });
  }

  it('VGG16 at 50 % in a 500 × 600 box: scrolled to the end, the last block is in the rectangle', () => {
    const layout = layoutSummary(fixture('vgg16'));
    const map = minimapLayout(layout, { width: 44, maxHeight: 600 });
    const box = { zoom: 0.5, clientWidth: 500, clientHeight: 600 };
    assert.equal(fitsInView(layout, box), false);
    const end = scrollForPoint(map, box, { x: 22, y: map.height });
    assert.equal(end.top, Math.round(layout.height * 0.5) - 600);
    const rect = viewportRect(map, { ...box, scrollTop: end.top, scrollLeft: end.left });
    const last = map.marks.at(-1);
    assert.ok(rect.y <= last.y && rect.y + rect.h >= last.y + last.h, 'the last mark is inside the rectangle');
    const seen = blocksInView(layout, { ...box, scrollTop: end.top });
    assert.equal(seen.last, layout.blocks.length);
  });

  it('collapsed to stages, VGG16 has fewer marks, one per drawn block', () => {
    const { summary, names } = withStages(fixture('vgg16'));
    const layout = layoutSummary(summary, { collapsed: new Set(names) });
    const map = minimapLayout(layout, { width: 44, maxHeight: 600 });
    assert.equal(map.marks.length, layout.blocks.length);
    assert.ok(map.marks.length < layoutSummary(fixture('vgg16')).blocks.length);
    assert.ok(map.marks.some((m) => m.kind === 'container'));
  });
});
