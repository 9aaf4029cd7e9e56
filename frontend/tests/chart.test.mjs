/** The vanishing-gradient chart's scales, on the API's own lessons. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decadeTicks, gradientChart, gradientPoints, layerTicks, logScale, powerOfTen, scientific } from '../js/chart.js';
import { fixture } from './helpers.mjs';

describe('log scale', () => {
  it('equal ratios are equal distances', () => {
    const y = logScale(-14, 0, 200, 0);
    assert.equal(y(1), 0);
    assert.equal(y(1e-14), 200);
    assert.ok(Math.abs(y(1e-7) - 100) < 1e-9);
    assert.ok(Math.abs(y(1e-3) - y(1e-2) - (y(1e-9) - y(1e-8))) < 1e-9);
  });

  it('decade ticks cover the data, thinned to at most 8', () => {
    assert.deepEqual(decadeTicks(6.2e-8, 0.37), { lo: -8, hi: 0, exponents: [-8, -6, -4, -2, 0] });
    const wide = decadeTicks(1.0e-12, 1.02);
    assert.ok(wide.exponents.length <= 8);
    assert.ok(wide.lo <= -12 && wide.hi >= 1);
    assert.deepEqual(decadeTicks(0.02, 0.7).exponents, [-2, -1, 0]);
  });

  it('numbers are written as powers of ten', () => {
    assert.equal(powerOfTen(-14), '10⁻¹⁴');
    assert.equal(powerOfTen(0), '10⁰');
    assert.equal(scientific(4.153171153731456e-6), '4.2 × 10⁻⁶');
    assert.equal(scientific(0.0996), '1.0 × 10⁻¹');
    assert.equal(scientific(3.2), '3.2');
    assert.equal(scientific(0), '0');
  });

  it('layer ticks start at 1 and stay few', () => {
    assert.deepEqual(layerTicks(18), [1, 5, 10, 15]);
    assert.deepEqual(layerTicks(5), [1, 2, 3, 4, 5]);
    assert.ok(layerTicks(34).length <= 7);
  });
});

describe('gradient series', () => {
  it('ResNet-18 and Plain-18 line up on 18 main-path layers; shortcuts sit at their block', () => {
    const lesson = fixture('analysis/gradients_skip18');
    const [resnet, plain] = lesson.series.map(gradientPoints);
    assert.equal(resnet.filter((p) => !p.shortcut).length, 18);
    assert.equal(plain.length, 18);
    const shortcut = resnet.find((p) => p.name === 'layer2.0.downsample.0');
    const blockStart = resnet.find((p) => p.name === 'layer2.0.conv1');
    assert.equal(shortcut.x, blockStart.x);
    assert.equal(plain.at(-1).name, 'fc');
    assert.equal(plain.at(-1).x, 18);
  });

  it('one path per network, every point inside the plot, first points far apart', () => {
    for (const name of ['gradients_skip18', 'gradients_act20']) {
      const lesson = fixture(`analysis/${name}`);
      const chart = gradientChart(lesson);
      assert.equal(chart.series.length, 2);
      for (const s of chart.series) {
        assert.equal((s.path.match(/[ML]/g) ?? []).length, s.points.filter((p) => !p.shortcut).length);
        for (const p of s.points) {
          assert.ok(p.cx >= chart.plot.left && p.cx <= chart.plot.right, `${name} ${p.name} x`);
          assert.ok(p.cy >= chart.plot.top - 1e-9 && p.cy <= chart.plot.bottom + 1e-9, `${name} ${p.name} y`);
        }
      }
      // The second network's first layer sits lower by log10 of the API's ratio.
      const [a, b] = chart.series.map((s) => s.points[0]);
      const perDecade = (chart.yTicks[0].y - chart.yTicks[1].y) / (chart.yTicks[1].exponent - chart.yTicks[0].exponent);
      const decades = (b.cy - a.cy) / perDecade;
      assert.ok(Math.abs(decades + Math.log10(lesson.first_layer_ratio)) < 1e-6, name);
    }
  });

  it('a norm of exactly 0 is put on the bottom edge and flagged', () => {
    const lesson = structuredClone(fixture('analysis/gradients_act20'));
    lesson.series[1].layers[0].norm = 0;
    const chart = gradientChart(lesson);
    const zero = chart.series[1].points[0];
    assert.equal(zero.zero, true);
    assert.equal(zero.cy, chart.plot.bottom);
  });
});
