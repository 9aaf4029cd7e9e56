/** Diagram downloads: the PNG scale stays inside what browsers' canvases accept. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { exportFileName, pngScale } from '../js/export.js';
import { fixture } from './helpers.mjs';

it('PNG at twice the size, less when a side or the area would be too large', () => {
  assert.equal(pngScale(700, 900), 2);
  assert.equal(pngScale(700, 20000), 16384 / 20000); // VGG19 expanded is tall
  const scale = pngScale(9000, 9000);
  assert.ok(9000 * scale * 9000 * scale <= 120e6 + 1);
  assert.ok(scale < 2 && scale > 1);
});

it('file names say the model and input', () => {
  assert.equal(exportFileName(fixture('alexnet_2gpu'), 'png'), 'alexnet_2gpu_3x224x224_b1.png');
  assert.equal(exportFileName(fixture('vgg16'), 'svg', { paper: true }), 'vgg16_3x224x224_b1_paper.svg');
});
