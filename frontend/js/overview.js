/**
 * The model's overview above the diagram: title, trained/random badge, description in the
 * chosen language and the paper; the totals strip; the legend of the kinds drawn.
 */

import { KINDS } from './diagram/kinds.js';
import { $, node } from './dom.js';
import { formatBytes, formatCompact, formatInt, formatShape } from './format.js';
import { titleOf } from './i18n.js';

export function renderHead(model, { t, lang }) {
  if (!model) return;
  $('model-title').textContent = titleOf(model);
  const badge = $('model-badge');
  badge.textContent = t(model.trained ? 'models.trained' : 'models.random');
  badge.className = `badge ${model.trained ? 'badge-trained' : 'badge-random'}`;
  $('model-description').textContent = model.descriptions?.[lang] ?? model.description;
  const paper = $('model-paper');
  paper.replaceChildren();
  if (model.paper) {
    const link = node('a', null, model.paper.title);
    link.href = model.paper.url;
    link.rel = 'noopener noreferrer';
    // SimpleCNN is the notes' own network in LeNet's line, not the paper's network.
    const label = model.paper.relation === 'tradition' ? t('lessons.paperTradition') : t('lessons.paper');
    paper.append(`${label}: ${model.paper.authors} (${model.paper.year}), `, link);
  }
}

export function renderTotals(summary, { t }) {
  const list = $('totals');
  list.replaceChildren();
  if (!summary) return;
  const totals = summary.totals;
  const items = [
    ['totals.params', formatInt(totals.params), formatCompact(totals.params)],
    // Trainable only when it says something (a frozen part): the strip stays short.
    ...(totals.trainable_params !== totals.params
      ? [['totals.trainable', formatInt(totals.trainable_params), null]]
      : []),
    // Transfer learning: what stays fixed (trainable + frozen = parameters).
    ...(totals.frozen_params > 0 ? [['totals.frozen', formatInt(totals.frozen_params), null]] : []),
    ['totals.multAdds', formatCompact(totals.mult_adds), formatInt(totals.mult_adds)],
    ['totals.io', `${formatShape(summary.input_shape)} → ${formatShape(summary.output_shape)}`, null],
    ['totals.memory', formatBytes(totals.total_bytes), null],
  ];
  for (const [key, value, title] of items) {
    const item = node('div');
    item.dataset.total = key.split('.')[1];
    const dd = node('dd', null, value);
    if (title) dd.title = title;
    item.append(node('dt', null, t(key)), dd);
    list.append(item);
  }
}

/** Only the kinds the current picture uses. */
export function renderLegend(layout, { t }) {
  const present = new Set(layout ? layout.blocks.map((b) => b.kind) : []);
  if (layout?.adds.length) present.add('add');
  const item = (cls, text) => {
    const li = node('li');
    li.append(node('span', `swatch ${cls}`), text);
    return li;
  };
  const extras = [];
  if (layout?.blocks.some((b) => b.frozen)) extras.push(item('swatch-frozen', t('legend.frozen')));
  if (layout?.gpuSplit) {
    // In the paper every layer runs on both GPUs; the two columns mark the grouped layers,
    // whose kernels read only their own GPU's maps.
    extras.push(item('swatch-gpus', t('legend.gpus')), node('li', 'legend-note', t('legend.gpusNote')));
  }
  if (layout?.blocks.some((b) => b.functional)) extras.push(item('swatch-functional', t('legend.functional')));
  $('legend').replaceChildren(
    ...KINDS.filter((k) => present.has(k)).map((kind) => item(`kind-${kind}`, t(`legend.${kind}`))),
    ...extras,
  );
}
