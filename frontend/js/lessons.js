/**
 * Short lessons beside the diagram, per model family. Their text lives with the page's other
 * strings (i18n/en.js, i18n/ko.js: lesson.<family>.<n>); the Korean follows the seed lecture
 * notes (shared/seed). Two facts are computed from the live summary (the spatial path and the
 * heaviest layer), so they follow the controls.
 */

import { isResidualType } from './diagram/kinds.js';
import { node } from './dom.js';
import { formatInt, formatPercent, spatialSize } from './format.js';
import { dictionaries, LANGUAGES } from './i18n.js';

const LESSON_KEY = /^lesson\.(\w+)\.(\d+)$/;

/** Each family's lessons in each language, in order: { resnet: { en: [...], ko: [...] }, ... }. */
function collectLessons() {
  const lessons = {};
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries(dictionaries[lang])) {
      const match = LESSON_KEY.exec(key);
      if (!match) continue;
      const byLang = (lessons[match[1]] ??= Object.fromEntries(LANGUAGES.map((l) => [l, []])));
      byLang[lang][Number(match[2]) - 1] = text;
    }
  }
  return lessons;
}

export const LESSONS = collectLessons();

/** The sizes the tensor passes through, e.g. "224 → 55 → 27 → 13 → 6" (squares written once). */
export function spatialPath(summary) {
  const sizes = [];
  for (const shape of [summary.input_shape, ...summary.layers.filter((r) => r.is_leaf).map((r) => r.output_shape)]) {
    const hw = spatialSize(shape);
    if (!hw) continue;
    const [h, w] = hw.split('×');
    const text = h === w ? h : hw;
    if (sizes[sizes.length - 1] !== text) sizes.push(text);
  }
  return sizes.join(' → ');
}

/** The leaf row with the most parameters. */
export function heaviestLayer(summary) {
  let best = null;
  for (const row of summary.layers) {
    if (row.is_leaf && !row.recursive && (!best || row.params > best.params)) best = row;
  }
  return best;
}

/**
 * AlexNet on two GPUs beside the seed's single-column AlexNet: both parameter counts and the
 * difference (the grouped convolutions' halved kernels). Null unless one of the two is shown
 * and the other is in the model list.
 */
export function gpuComparison(model, models) {
  if (!model || !['alexnet', 'alexnet_2gpu'].includes(model.name)) return null;
  const one = models?.find((m) => m.name === 'alexnet');
  const two = models?.find((m) => m.name === 'alexnet_2gpu');
  if (!one || !two) return null;
  return { one: one.params, two: two.params, fewer: one.params - two.params, share: (one.params - two.params) / one.params };
}

/**
 * Which lessons fit: a ResNet-family net whose blocks add nothing back is a plain twin. A custom
 * network (the editor's) gets none: the family's lessons quote the zoo model's own numbers
 * (VGG16's 224 → 7, its classifier.0's share), which the computed facts replace.
 */
export function lessonKey(model, summary) {
  if (model.custom) return null;
  if (model.family === 'resnet' && summary) {
    const containers = summary.layers.filter((r) => !r.is_leaf && r.depth === 2);
    if (containers.length > 0 && !containers.some((r) => isResidualType(r.type))) return 'plain';
  }
  return model.family;
}

export function renderLessons(container, { model, summary, lang, t, models = [] }) {
  container.replaceChildren();
  if (!model) return;
  const lessons = LESSONS[lessonKey(model, summary)];
  if (summary) {
    const facts = node('div', 'lesson-facts');
    const path = spatialPath(summary);
    if (path.includes('→')) facts.append(node('p', null, t('lessons.path', { path })));
    const heavy = heaviestLayer(summary);
    if (heavy && summary.totals.params > 0) {
      const share = formatPercent(heavy.params / summary.totals.params);
      facts.append(node('p', null, t('lessons.heaviest', { name: heavy.name, share, n: formatInt(heavy.params) })));
    }
    const gpus = gpuComparison(model, models);
    if (gpus) {
      const text = t('lessons.gpus', {
        two: formatInt(gpus.two),
        one: formatInt(gpus.one),
        fewer: formatInt(gpus.fewer),
        share: formatPercent(gpus.share),
      });
      const fact = node('p', 'gpu-fact', text);
      fact.dataset.twoGpu = String(gpus.two);
      fact.dataset.oneGpu = String(gpus.one);
      facts.append(fact);
    }
    container.append(facts);
  }
  if (lessons) {
    const list = node('ul');
    for (const text of lessons[lang] ?? lessons.en) list.append(node('li', null, text));
    container.append(list);
  }
}
