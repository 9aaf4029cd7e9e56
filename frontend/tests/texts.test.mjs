/** What the page says in Korean and in the lessons: the corrections of issue 17. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { seriesTitle } from '../js/gradients.js';
import { dictionaries, setLanguage, t } from '../js/i18n.js';
import { headOf, headText } from '../js/transfer.js';
import { fixture } from './helpers.mjs';
import { formatInt } from '../js/format.js';

const { en, ko } = dictionaries;
afterEach(() => setLanguage('en'));

describe('Korean wording', () => {
  it('says 연산량 (MACs), never 곱셈-덧셈', () => {
    assert.deepEqual(Object.entries(ko).filter(([, text]) => text.includes('곱셈-덧셈')), []);
    assert.equal(ko['totals.multAdds'], '연산량(MACs)');
    assert.match(ko['details.empty'], /연산량\(MACs\)이 나옵니다/, 'the particle fits 량');
  });

  it('calls the one-column AlexNet the notes’ single-column (one GPU) AlexNet', () => {
    assert.ok(!ko['lessons.gpus'].includes('시드'), ko['lessons.gpus']);
    assert.match(ko['lessons.gpus'], /강의 노트의 단일 열\(GPU 1개\) AlexNet/);
    assert.equal(ko['maps.order'], '활성이 큰 순서로 {n}개');
  });

  it('leaves no English words in the client’s own sentences', () => {
    setLanguage('ko');
    assert.equal(t('details.yes'), '예');
    assert.equal(t('table.recursive'), '(다시 실행)');
    assert.equal(t('predict.classOf', { label: '7', index: 7 }), '7(클래스 7)');
    assert.equal(t('grad.shortcutPoint', { name: 'layer2.0.downsample.0' }), 'layer2.0.downsample.0(지름길)');
  });
});

describe('gradient series names', () => {
  it('come from the series key in the page’s language', () => {
    setLanguage('ko');
    assert.equal(seriesTitle({ key: 'plain18', title: 'Plain-18 (CIFAR, no skip connections)' }, t), 'Plain-18 (CIFAR, 지름길 없음)', 'the model list’s Korean title');
    assert.equal(seriesTitle({ key: 'sigmoid20', title: '20 × (3×3 conv + Sigmoid)' }, t), '20 × (3×3 합성곱 + Sigmoid)');
    setLanguage('en');
    assert.equal(seriesTitle({ key: 'resnet34', title: 'x' }, t), 'ResNet-34 (CIFAR)');
    assert.equal(seriesTitle({ key: 'other', title: 'As sent' }, t), 'As sent', 'an unknown key keeps the server’s title');
  });
});

describe('lessons agree with the experiment', () => {
  it('the plain-network lessons do not blame vanishing gradients for degradation', () => {
    for (const key of ['lesson.plain.2', 'lesson.plain.3', 'lesson.resnet.1']) {
      assert.match(en[key], /notes|He et al\. \(2015, §4\.1\)/, key);
    }
    assert.match(en['lesson.plain.2'], /4\.2e-6 × ResNet-18’s.*1\.5 ×: it does not vanish/);
    assert.match(en['lesson.resnet.1'], /not vanishing gradients/);
    assert.match(ko['lesson.plain.2'], /1\.5배로 소실되지 않습니다/);
    assert.ok(!ko['lesson.plain.2'].includes('0보다 작은'), 'factors below 1, not below 0');
  });

  it('the two-GPU legend marks the grouped layers, not the split', () => {
    assert.ok(!/^split over 2 GPUs/.test(en['legend.gpus']), en['legend.gpus']);
    assert.match(en['legend.gpusNote'], /every layer is split over the two GPUs/);
    assert.match(ko['legend.gpusNote'], /모든 층이 GPU 2개에 나뉘어/);
  });
});

describe('transfer learning’s head', () => {
  it('is VGG’s whole classifier and ResNet’s fc alone', () => {
    assert.deepEqual(headOf(fixture('vgg16')), { modules: ['classifier'], linearLayers: 3, params: 123_642_856 });
    assert.deepEqual(headOf(fixture('resnet18')), { modules: ['fc'], linearLayers: 1, params: 5_130 });
    assert.deepEqual(headOf(fixture('simplecnn')), { modules: ['fc1', 'fc2'], linearLayers: 2, params: 402_826 });
    assert.equal(headOf(fixture('basicblock')), null);
  });

  it('is said in both languages', () => {
    assert.match(headText(fixture('resnet18'), { t, formatInt }), /fc, one fully connected layer, 5,130 parameters for 10 classes/);
    setLanguage('ko');
    assert.match(headText(fixture('vgg16'), { t, formatInt }), /classifier, 완전연결층 3개 전부, 파라미터 123,642,856개/);
  });
});
