/** The editor's pure parts: the seed's cfg list as text, and the difference from the original. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { change, compareSummaries, formatPercent } from '../js/editor/diff.js';
import { formatCfg, parseCfg, parseNumbers } from '../js/editor/pylist.js';

const VGG16 = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

describe('parseCfg', () => {
  it("reads the seed's list literally, quotes, spaces, a trailing comma and an assignment", () => {
    const seed = "[64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']";
    assert.deepEqual(parseCfg(seed).values, VGG16);
    assert.deepEqual(parseCfg('cfg = [64,"M",\n 128, ]').values, [64, 'M', 128]);
    assert.deepEqual(parseCfg('64, M, 32').values, [64, 'M', 32]);
  });

  it('names the entry at fault', () => {
    assert.deepEqual(parseCfg("[64, 'm', 128]").error, { key: 'editor.parse.entry', index: 1, token: "'m'" });
    assert.equal(parseCfg('[64, -3]').error.index, 1);
    assert.equal(parseCfg('[64, 064]').error.token, '064');
    assert.equal(parseCfg('[64, 3.5]').error.index, 1);
    assert.equal(parseCfg('[]').error.key, 'editor.parse.empty');
    assert.equal(parseCfg('[64, 64').error.key, 'editor.parse.brackets');
    assert.equal(parseCfg('[64, 32] x').error.key, 'editor.parse.after');
  });

  it('formats back the way the seed writes it, and round-trips', () => {
    assert.equal(formatCfg([64, 'M', 128]), "[64, 'M', 128]");
    assert.deepEqual(parseCfg(formatCfg(VGG16)).values, VGG16);
  });

  it('reads comma-separated widths', () => {
    assert.deepEqual(parseNumbers('4096, 4096'), [4096, 4096]);
    assert.deepEqual(parseNumbers('[512]'), [512]);
    assert.deepEqual(parseNumbers(''), []);
    assert.equal(parseNumbers('4096, x'), null);
  });
});

describe('difference from the original', () => {
  const summary = (params, multAdds, output) => ({ totals: { params, mult_adds: multAdds }, output_shape: output });

  it('gives each change with its percentage', () => {
    const d = compareSummaries(summary(138_357_544, 15_483_821_032, [1, 1000]), summary(9_000_000, 1_000_000_000, [1, 10]));
    assert.equal(d.params.delta, 9_000_000 - 138_357_544);
    assert.equal(formatPercent(d.params.percent), '−93.5 %');
    assert.equal(formatPercent(d.multAdds.percent), '−93.5 %');
    assert.ok(d.outputChanged);
    assert.deepEqual([d.outputBefore, d.outputAfter], [[1, 1000], [1, 10]]);
  });

  it('writes the sign and says when nothing changed', () => {
    assert.equal(formatPercent(change(100, 112.5).percent), '+12.5 %');
    assert.equal(formatPercent(change(100, 100).percent), '±0 %');
    assert.equal(formatPercent(change(100, 350).percent), '+250 %');
    assert.equal(formatPercent(change(0, 5).percent), '');
    const same = compareSummaries(summary(1, 1, [1, 10]), summary(2, 2, [1, 10]));
    assert.equal(same.outputChanged, false);
  });
});
