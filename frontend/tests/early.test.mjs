import assert from 'node:assert/strict';
import { test } from 'node:test';

import '../js/early.js'; // a classic script: it sets globalThis.cnnExplorerEarly
import { initialLanguage } from '../js/i18n.js';

const { start: startEarly, take: takeEarly, language } = globalThis.cnnExplorerEarly;

/** fetch replaced by a recorder for the length of `body`. */
async function withFetch(body) {
  const asked = [];
  const saved = globalThis.fetch;
  globalThis.fetch = (path, init) => {
    asked.push({ path, lang: init.headers['Accept-Language'] });
    return Promise.resolve({ path });
  };
  try {
    await body(asked);
  } finally {
    globalThis.fetch = saved;
  }
}

test('a link to a model starts the list and that model summary, each taken once', async () => {
  await withFetch(async (asked) => {
    const lang = initialLanguage();
    startEarly({ hash: '#vgg16' });
    assert.deepEqual(asked, [
      { path: 'models', lang },
      { path: 'models/vgg16/summary', lang },
    ]);
    assert.deepEqual(await takeEarly('models/vgg16/summary', lang), { path: 'models/vgg16/summary' });
    assert.equal(takeEarly('models/vgg16/summary', lang), null); // a second request asks again
    assert.equal(takeEarly('models/alexnet/summary', lang), null); // never started
  });
});

test('an answer asked in another language is not used', async () => {
  await withFetch(async () => {
    const lang = initialLanguage();
    startEarly({ hash: '' });
    assert.equal(takeEarly('models', lang === 'en' ? 'ko' : 'en'), null);
    assert.equal(takeEarly('models', lang), null); // the entry was dropped with the refusal
  });
});

test('no summary is started for a missing, malformed or custom-network link', async () => {
  for (const hash of ['', '#', '#%E0%A4%A', `#${'x'.repeat(65)}`, '#{"family":"vgg"}']) {
    await withFetch(async (asked) => {
      startEarly({ hash });
      assert.deepEqual(asked.map((a) => a.path), ['models'], hash);
      takeEarly('models', initialLanguage());
    });
  }
});

test('a failed early request gives null, so api.js asks again itself', async () => {
  const saved = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new TypeError('network'));
  try {
    startEarly({ hash: '#alexnet' });
    assert.equal(await takeEarly('models/alexnet/summary', initialLanguage()), null);
    takeEarly('models', initialLanguage());
  } finally {
    globalThis.fetch = saved;
  }
});

test('early.js picks the language i18n.js starts in', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const store = new Map();
  globalThis.localStorage = { getItem: (k) => store.get(k) ?? null };
  try {
    for (const browser of ['en-US', 'ko-KR', 'ko', 'de', undefined]) {
      Object.defineProperty(globalThis, 'navigator', { value: { language: browser }, configurable: true });
      for (const remembered of [null, 'en', 'ko', 'fr']) {
        store.clear();
        if (remembered) store.set('cnn-explorer.lang', remembered);
        assert.equal(language(), initialLanguage(), `${browser} ${remembered}`);
      }
    }
    assert.equal(language(), 'en'); // the last case: browser undefined, 'fr' remembered
    store.set('cnn-explorer.lang', 'ko');
    assert.equal(language(), 'ko');
  } finally {
    delete globalThis.localStorage;
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
  }
});
