import assert from 'node:assert/strict';
import { test } from 'node:test';

import { dictionaries } from '../js/i18n.js';
import { offerFor, progressText } from '../js/weights-offer.js';

const t = (key, params = {}) =>
  dictionaries.en[key].replace(/\{(\w+)\}/g, (_, name) => String(params[name]));

const published = { file: 'vgg16-397923af.pth', size_bytes: 553432121, size_label: '528 MB' };
const entry = (extra = {}) => ({
  model: 'vgg16',
  trained: false,
  weights: null,
  published,
  command: 'python -m backend.weights fetch vgg16',
  download: { model: 'vgg16', state: 'idle', bytes_done: 0 },
  ...extra,
});

test('a random model with published weights gets the button, or the command when not allowed', () => {
  assert.deepEqual(offerFor(entry(), true), { kind: 'button', size: '528 MB' });
  assert.deepEqual(offerFor(entry(), false), {
    kind: 'command',
    size: '528 MB',
    command: 'python -m backend.weights fetch vgg16',
  });
  assert.equal(t('weights.get', { size: '528 MB' }), 'Get trained weights (528 MB)');
});

test('nothing is offered for trained models or models without published weights', () => {
  assert.equal(offerFor(entry({ trained: true, weights: 'user' }), true).kind, 'none');
  assert.equal(offerFor(entry({ published: null, command: null, download: null }), true).kind, 'none');
  assert.equal(offerFor(undefined, true).kind, 'none');
});

test('a download under way shows its progress, a failed one its reason and the button again', () => {
  const running = { state: 'running', bytes_done: 10, bytes_total: 100, fraction: 0.1 };
  assert.equal(offerFor(entry({ download: running }), true).kind, 'progress');
  assert.equal(offerFor(entry({ download: running }), false).kind, 'progress');
  const failed = offerFor(entry({ download: { state: 'failed', bytes_done: 0, error: 'HTTP 404' } }), true);
  assert.deepEqual(failed, { kind: 'failed', size: '528 MB', error: 'HTTP 404' });
});

test('progress reads as megabytes of the published size, then as the check', () => {
  const mib = 1024 * 1024;
  assert.equal(progressText({ bytes_done: 0 }, '528 MB', t), 'Starting the download…');
  assert.equal(
    progressText({ bytes_done: 123 * mib + 5, bytes_total: 528 * mib }, '528 MB', t),
    '123 of 528 MB (23 %)',
  );
  assert.equal(progressText({ bytes_done: 5 * mib, bytes_total: null }, '528 MB', t), '5 of 528 MB (…)');
  assert.equal(
    progressText({ bytes_done: 528 * mib, bytes_total: 528 * mib }, '528 MB', t),
    'Checking the SHA-256, keys and shapes…',
  );
});

test('every offer string exists in Korean too', () => {
  const keys = Object.keys(dictionaries.en).filter((k) => k.startsWith('weights.'));
  assert.equal(keys.length, 9);
  for (const key of keys) {
    assert.ok(dictionaries.ko[key] && dictionaries.ko[key] !== dictionaries.en[key], key);
    const holes = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(holes(dictionaries.ko[key]), holes(dictionaries.en[key]), key);
  }
});
