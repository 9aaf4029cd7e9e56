/** The page's one home of strings (i18n/en.js, i18n/ko.js), its templates and Korean particles. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { dictionaries, fill, LANGUAGES, setLanguage, t } from '../js/i18n.js';
import { finalSound, josa } from '../js/i18n/josa.js';

const { en, ko } = dictionaries;
const placeholders = (text) => new Set([...text.matchAll(/\{(\w+)(?:\|[^{}]+)?\}/g)].map((m) => m[1]));
// A particle written for either case ("은(는)", "(를)") instead of chosen with {name|은/는}.
const BOTH_FORMS = /(?:을|은|이|와|과|으)?\((?:를|을|는|은|가|이|와|과|으로|로)\)/;

describe('dictionaries', () => {
  it('every key exists in both languages', () => {
    const enOnly = Object.keys(en).filter((k) => !(k in ko));
    const koOnly = Object.keys(ko).filter((k) => !(k in en));
    assert.deepEqual(enOnly, [], 'keys with English text only');
    assert.deepEqual(koOnly, [], 'keys with Korean text only');
    assert.ok(Object.keys(en).length > 200, `${Object.keys(en).length} keys`);
  });

  it('no text is empty, and Korean text is Korean where English has letters', () => {
    for (const lang of LANGUAGES) {
      for (const [key, text] of Object.entries(dictionaries[lang])) assert.ok(text.trim(), `${lang} ${key} is empty`);
    }
    // Only text without words (the table's "#", a proper name) may read the same in both languages.
    const same = Object.keys(en).filter((k) => en[k] === ko[k]);
    assert.deepEqual(same, ['table.index', 'grad.series.resnet'], 'English text copied into the Korean side');
  });

  it('both languages fill the same placeholders', () => {
    for (const key of Object.keys(en)) {
      assert.deepEqual(placeholders(ko[key]), placeholders(en[key]), `placeholders of ${key}`);
    }
  });

  it('no Korean template writes a particle in both forms', () => {
    const offenders = Object.entries(ko).filter(([, text]) => BOTH_FORMS.test(text));
    assert.deepEqual(offenders, []);
    assert.ok(BOTH_FORMS.test('{model}은(는)') && BOTH_FORMS.test('{cols}을(를)') && BOTH_FORMS.test('{x}(를)'));
    assert.ok(BOTH_FORMS.test('{a}와(과)') && BOTH_FORMS.test('{a}이(가)') && !BOTH_FORMS.test('(fc1만 401,536개)'));
  });

  it('particles in templates name a known pair', () => {
    for (const [key, text] of Object.entries(ko)) {
      for (const [, value] of text.matchAll(/\{\w+\|([^{}]+)\}/g)) {
        assert.doesNotThrow(() => josa('값', value), `${key}: ${value}`);
      }
    }
  });

  it('every key the page names exists', () => {
    const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
    const keys = [...html.matchAll(/data-i18n(?:-label|-title|-placeholder)?="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(keys.length > 20, `${keys.length} keys in index.html`);
    assert.deepEqual(keys.filter((k) => !(k in en)), []);
  });
});

describe('josa', () => {
  it('reads the last Hangul syllable', () => {
    assert.equal(josa('사과', '을/를'), '를');
    assert.equal(josa('책', '을/를'), '을');
    assert.equal(josa('모델', '은/는'), '은');
    assert.equal(josa('레이어', '이/가'), '가');
    assert.equal(josa('채널', '과/와'), '과');
    assert.equal(josa('입력', '와/과'), '과', 'either spelling of a pair');
    assert.equal(josa('서울', '으로/로'), '로', 'ㄹ takes 로');
    assert.equal(josa('집', '으로/로'), '으로');
    assert.equal(josa('바다', '으로/로'), '로');
  });

  it('reads digits as Korean does', () => {
    const withBatchim = ['0', '1', '3', '6', '7', '8'];
    for (let d = 0; d <= 9; d++) {
      const expected = withBatchim.includes(String(d)) ? '은' : '는';
      assert.equal(josa(String(d), '은/는'), expected, `${d}`);
    }
    assert.equal(josa('12', '을/를'), '를', '십이');
    assert.equal(josa('3–10', '을/를'), '을', '십');
    assert.equal(josa('4', '으로/로'), '로');
    assert.equal(josa('16', '으로/로'), '으로', '육');
    assert.equal(josa('1', '으로/로'), '로', '일: ㄹ');
  });

  it('reads letters by their Korean names, words by their sound', () => {
    for (const letter of 'LMNR') assert.equal(josa(letter, '은/는'), '은', letter);
    for (const letter of 'ABCGKSTXZ') assert.equal(josa(letter, '은/는'), '는', letter);
    assert.equal(josa('SimpleCNN', '은/는'), '은', '씨엔엔');
    assert.equal(josa('VGG', '이/가'), '가', '브이지지');
    assert.equal(josa('AlexNet', '은/는'), '은', '알렉스넷');
    assert.equal(josa('layer', '이/가'), '가', '레이어');
    assert.equal(josa('pool', '으로/로'), '로', '풀');
  });

  it('skips a trailing aside and punctuation', () => {
    assert.equal(josa('ResNet-18 (CIFAR)', '은/는'), '은', '팔');
    assert.equal(josa('AlexNet (two GPUs)', '은/는'), '은');
    assert.equal(josa('VGG16, VGG19', '은/는'), '는', '구');
    assert.equal(josa('“사과”', '을/를'), '를');
    assert.equal(finalSound('...'), null);
    assert.equal(josa('', '을/를'), '을(를)', 'nothing to read: both forms');
  });

  it('refuses an unknown pair', () => {
    assert.throws(() => josa('사과', '의/에'), /Unknown particle pair "의\/에"/);
  });
});

describe('t and fill', () => {
  it('fills values and the particle that fits them', () => {
    assert.equal(fill('{model|은/는} 여기서', { model: 'VGG16' }), 'VGG16은 여기서');
    assert.equal(fill('{model|은/는} 여기서', { model: 'VGG19' }), 'VGG19는 여기서');
    assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}', 'a missing value stays visible');
  });

  it('in Korean and English, on real templates', () => {
    try {
      setLanguage('ko');
      assert.equal(
        t('compare.commonExcept', { n: 224, names: 'SimpleCNN' }),
        '224×224 px로 비교합니다. 단 SimpleCNN은 이 크기를 받을 수 없어 자기 크기로 보이며, 이유는 이름 아래에 있습니다.',
      );
      assert.match(t('details.reshapeWarn', { from: 1, to: 4 }), /배치가 1에서 4로 바뀝니다/);
      assert.match(t('details.reshapeWarn', { from: 1, to: 16 }), /배치가 1에서 16으로 바뀝니다/);
      assert.match(t('lens.rfText', { layer: 'conv1', unit: '(3, 3)', rows: '0–6', cols: '0–6', size: 7, full: 7 }), /열 0–6을 봅니다/);
      assert.match(t('predict.untrainedText', { model: 'AlexNet' }), /^AlexNet은 여기서 학습되지 않았습니다/);
      assert.equal(t('no.such.key'), 'no.such.key');
      setLanguage('en');
      assert.match(t('predict.untrainedText', { model: 'AlexNet' }), /^AlexNet has not been trained here/);
    } finally {
      setLanguage('en');
    }
  });
});
