/** Number formatting, parameter formulas and the CSV export. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { summaryToCsv } from '../js/export.js';
import {
  formatBytes,
  formatCompact,
  formatInt,
  formatPercent,
  formatShape,
  spatialSize,
} from '../js/format.js';
import { multAddsFormula, paramFormula } from '../js/formula.js';
import { fixture } from './helpers.mjs';

describe('format', () => {
  it('thousands separators and units', () => {
    assert.equal(formatInt(138357544), '138,357,544');
    assert.equal(formatCompact(15483821032), '15.5 G');
    assert.equal(formatCompact(138357544), '138.4 M');
    assert.equal(formatCompact(421642), '421.6 K');
    assert.equal(formatCompact(320), '320');
    assert.equal(formatBytes(662486048), '662.49 MB');
    assert.equal(formatPercent(102764544 / 138357544), '74.3 %');
    assert.equal(formatPercent(0.0003), '0.03 %');
    assert.equal(formatPercent(0), '0 %');
  });

  it('formatInt writes what Intl.NumberFormat would', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const values = [0, 7, 999, 1000, -1000, 12345.5, -12345.5, 0.4999, 2.5, -2.5, 999999.5];
    for (let e = 0; e <= 24; e += 1) values.push(10 ** e, 10 ** e - 1, -(3 * 10 ** e) + 1);
    for (const n of [...values, 138357544, 61100840, 2 ** 53, 1.5e21]) {
      assert.equal(formatInt(n), intl.format(n), `formatInt(${n})`);
    }
    assert.equal(formatInt(Number.NaN), '–');
    assert.equal(formatInt(Number.POSITIVE_INFINITY), '–');
  });

  it('shapes', () => {
    assert.equal(formatShape([1, 3, 224, 224]), '1×3×224×224');
    assert.equal(formatShape([1, 3, 224, 224], { dropBatch: true }), '3×224×224');
    assert.equal(spatialSize([1, 96, 55, 55]), '55×55');
    assert.equal(spatialSize([1, 9216]), null);
  });
});

describe('formulas reproduce every count the API gives', () => {
  for (const name of ['simplecnn', 'alexnet', 'vgg16', 'resnet18', 'basicblock']) {
    it(name, () => {
      for (const row of fixture(name).layers.filter((r) => r.is_leaf && !r.recursive)) {
        const params = paramFormula(row);
        if (row.params > 0) {
          assert.ok(params, `${row.name} has a parameter formula`);
          assert.equal(params.value, row.params, row.name);
          assert.equal(params.matches, true);
        }
        const macs = multAddsFormula(row);
        if (row.mult_adds > 0) assert.equal(macs.value, row.mult_adds, row.name);
      }
    });
  }

  it('written out the way the brief asks', () => {
    const vgg = Object.fromEntries(fixture('vgg16').layers.map((r) => [r.name, r]));
    assert.equal(paramFormula(vgg['features.5']).text, '3×3×64×128 + 128');
    assert.equal(paramFormula(vgg['classifier.0']).text, '25,088×4,096 + 4,096');
    assert.equal(multAddsFormula(vgg['features.0']).text, '1,792 × 224×224');
    const resnet = Object.fromEntries(fixture('resnet18').layers.map((r) => [r.name, r]));
    assert.equal(paramFormula(resnet['layer1.0.conv1']).text, '3×3×64×64');
    assert.equal(paramFormula(resnet['layer1.0.bn1']).text, '2×64');
  });

  it('a wrong count is reported as not matching', () => {
    const row = { ...fixture('vgg16').layers[1], params: 1 };
    assert.equal(paramFormula(row).matches, false);
  });
});

describe('CSV export', () => {
  it('one line per row plus the header, shapes in one cell', () => {
    const summary = fixture('alexnet');
    const lines = summaryToCsv(summary).trimEnd().split('\r\n');
    assert.equal(lines.length, summary.layers.length + 1);
    assert.equal(lines[0].split(',')[0], 'index');
    assert.equal(lines[2], '1,features.0,Conv2d,2,features,true,false,1x3x224x224,1x96x55x55,34944,34944,105705600');
  });

  it('quotes cells that hold commas or quotes', () => {
    const csv = summaryToCsv({ layers: [{ index: 0, name: 'a,"b"', type: 'X' }] });
    assert.match(csv, /^index.*\r\n0,"a,""b""",X,/);
  });
});
