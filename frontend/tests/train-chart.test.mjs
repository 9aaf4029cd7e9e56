/** The training lab's chart layout: smoothing, ticks, one line per run and kind. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { accuracyChart, duration, lossChart, niceTicks, smooth } from '../js/train-chart.js';

describe('smoothing', () => {
  it('starts at the first value (bias-corrected) and follows a constant exactly', () => {
    assert.deepEqual(smooth([2, 2, 2]).map((v) => Number(v.toFixed(12))), [2, 2, 2]);
    assert.equal(smooth([3, 1], 0.5)[0], 3);
    assert.ok(Math.abs(smooth([3, 1], 0.5)[1] - (0.5 * 0.5 * 3 + 0.5 * 1) / 0.75) < 1e-12);
  });
  it('weight 0 leaves the values as they are', () => {
    assert.deepEqual(smooth([5, 1, 4], 0), [5, 1, 4]);
  });
});

describe('ticks and durations', () => {
  it('round ticks cover the range', () => {
    assert.deepEqual(niceTicks(0, 2.3, 4), [0, 1, 2]);
    assert.deepEqual(niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  });
  it('durations read like a person writes them', () => {
    assert.equal(duration(45.4), '45 s');
    assert.equal(duration(125), '2 min 5 s');
    assert.equal(duration(3720), '1 h 2 min');
    assert.equal(duration(NaN), '–');
  });
});

describe('charts', () => {
  const runs = [
    { key: 'a', stepLoss: [2.3, 2.0, 1.5, 1.0], epochs: [
      { epoch: 1, train_accuracy: 0.5, val_accuracy: 0.6 },
      { epoch: 2, train_accuracy: 0.8, val_accuracy: 0.85 },
    ] },
    { key: 'b', stepLoss: [2.3, 2.3], epochs: [{ epoch: 1, train_accuracy: 0.1, val_accuracy: 0.1 }] },
  ];
  it('loss: one path per run, as many points as steps, loss 0 at the bottom', () => {
    const chart = lossChart(runs, { width: 400, height: 200 });
    assert.deepEqual(chart.lines.map((l) => l.key), ['a', 'b']);
    assert.equal((chart.lines[0].d.match(/[ML]/g) ?? []).length, 4);
    assert.equal((chart.lines[1].d.match(/[ML]/g) ?? []).length, 2);
    assert.equal(chart.yTicks[0].value, 0);
    assert.equal(chart.yTicks[0].y, chart.plot.bottom);
  });
  it('accuracy: train and validation per run; 100 % at the top', () => {
    const chart = accuracyChart(runs, { width: 400, height: 200 });
    assert.deepEqual(chart.lines.map((l) => `${l.key}:${l.kind}`), ['a:train', 'a:val', 'b:train', 'b:val']);
    const val = chart.lines[1].points;
    assert.equal(val.length, 2);
    assert.ok(val[1][1] < val[0][1]); // 0.85 is drawn above 0.6
    assert.equal(chart.yTicks.at(-1).y, chart.plot.top);
    assert.deepEqual(chart.xTicks.map((t) => t.value), [1, 2]);
  });
});
