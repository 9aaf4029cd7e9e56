/**
 * The Compare tab: pick two or more models, each shown at its own input size unless a common
 * size is typed; a table puts them side by side by stage, lined up by resolution (how far each
 * has shrunk its input) — size after the stage, channels, parameters and mult-adds as bars on
 * one shared scale, weight-layer depth — says why a model is shown at its own size when it
 * cannot take the common one, and warns loudly when a network is scaled past its data set's
 * images (ResNet-18 for CIFAR-10 at 224 px).
 */

import * as api from './api.js';
import { barShare, compareGrid, defaultSelection, shortTitles, stageShapeText } from './compare-table.js';
import { $, node } from './dom.js';
import { formatCompact, formatInt } from './format.js';
import { titleOf } from './i18n.js';
import { store } from './state.js';

const MAX_MODELS = 8;

function bar(cls, share, label, title) {
  const wrap = node('div', `cmp-metric ${cls}`);
  const track = node('span', 'cmp-track');
  const fill = node('span', 'cmp-fill');
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  track.append(fill);
  const value = node('span', 'cmp-value', label);
  value.title = title;
  wrap.append(track, value);
  return wrap;
}

/** The model list's entry for a compared model (it has the titles in every language). */
function listed(model) {
  return store.get().models.find((m) => m.name === model.name) ?? model;
}

export function createCompareView({ t }) {
  const ui = {
    picks: $('compare-picks'),
    size: $('compare-size'),
    error: $('compare-error'),
    note: $('compare-note'),
    warning: $('compare-warning'),
    table: $('compare-table'),
  };
  let controller = null;
  let timer = null;
  let answer = null;
  let touched = false; // the person chose the models: keep them when the model changes

  function chosen() {
    return store.get().compareModels ?? [];
  }

  /** The zoo, and the custom network on show (the editor's), which compares like any other. */
  function comparable() {
    const { models, model } = store.get();
    return model?.custom ? [...models, model] : models;
  }

  function renderPicks() {
    const models = comparable();
    const names = new Set(chosen());
    const labels = shortTitles(models);
    ui.picks.replaceChildren(
      ...models.map((model, i) => {
        const label = node('label', 'check cmp-pick');
        const box = node('input');
        box.type = 'checkbox';
        box.value = model.name;
        box.checked = names.has(model.name);
        box.disabled = !box.checked && names.size >= MAX_MODELS;
        box.addEventListener('change', () => {
          touched = true;
          const next = models.map((m) => m.name).filter((n) => (n === model.name ? box.checked : names.has(n)));
          store.set({ compareModels: next });
        });
        label.append(box, labels[i]);
        label.title = model.title;
        return label;
      }),
    );
  }

  async function load() {
    const names = chosen();
    controller?.abort();
    if (names.length === 0) {
      answer = null;
      showError(t('compare.pickOne'));
      render();
      return;
    }
    controller = new AbortController();
    const raw = ui.size.value.trim();
    ui.table.setAttribute('aria-busy', 'true');
    try {
      const result = await api.compare(names, raw === '' ? null : raw, { signal: controller.signal });
      answer = result;
      showError(null);
    } catch (failure) {
      if (failure.name === 'AbortError') return;
      showError(failure.detail ?? String(failure.message));
    }
    ui.table.setAttribute('aria-busy', 'false');
    render();
  }

  function showError(message) {
    ui.error.textContent = message ?? '';
    ui.error.hidden = !message;
    ui.size.setAttribute('aria-invalid', message && ui.size.value ? 'true' : 'false');
  }

  function headCell(model) {
    const th = node('th', 'cmp-model');
    th.scope = 'col';
    th.dataset.model = model.name;
    th.append(node('span', 'cmp-title', titleOf(listed(model))));
    const size = node('span', `cmp-size${model.at_common_size ? '' : ' off'}`, t('compare.at', { n: model.input_size }));
    th.append(size);
    if (model.upscaled) {
      const badge = node('span', 'cmp-upscaled', t('compare.upscaledBadge'));
      badge.dataset.upscaled = model.name;
      th.append(badge);
    }
    const totals = node('span', 'cmp-totals');
    totals.append(
      node('span', null, t('compare.params', { n: formatCompact(model.params) })),
      node('span', null, t('compare.macs', { n: formatCompact(model.mult_adds) })),
      node('span', null, t('compare.depth', { n: model.depth })),
    );
    totals.title = `${formatInt(model.params)} · ${formatInt(model.mult_adds)}`;
    th.append(totals);
    if (model.reason) {
      const reason = node('span', 'cmp-reason', model.reason);
      reason.dataset.reason = model.name;
      th.append(reason);
    }
    return th;
  }

  function stageCell(stage, model, grid) {
    const td = node('td', 'cmp-stage');
    td.dataset.model = model.name;
    if (!stage) {
      td.classList.add('empty');
      return td;
    }
    td.dataset.stage = stage.name;
    const top = node('div', 'cmp-stage-top');
    top.append(node('span', 'cmp-stage-name', stage.name), node('span', 'cmp-shape', stageShapeText(stage)));
    td.append(top);
    td.append(
      bar('params', barShare(stage.params, grid.maxParams), t('compare.params', { n: formatCompact(stage.params) }), formatInt(stage.params)),
      bar('macs', barShare(stage.mult_adds, grid.maxMultAdds), t('compare.macs', { n: formatCompact(stage.mult_adds) }), formatInt(stage.mult_adds)),
    );
    td.append(node('span', 'cmp-depth', t('compare.layers', { n: stage.depth, k: stage.layers.length })));
    td.title = stage.layers.join(', ');
    return td;
  }

  function render() {
    ui.table.replaceChildren();
    if (!answer) return;
    const grid = compareGrid(answer);
    const off = grid.models.filter((m) => !m.at_common_size).map((m) => titleOf(listed(m)));
    ui.note.hidden = false;
    if (grid.note) ui.note.textContent = grid.note;
    else if (grid.commonSize == null) ui.note.textContent = t('compare.own');
    else if (off.length) ui.note.textContent = t('compare.commonExcept', { n: grid.commonSize, names: off.join(', ') });
    else ui.note.textContent = t('compare.common', { n: grid.commonSize });
    const lang = store.get().lang;
    const warnings = grid.models.filter((m) => m.upscale_warning).map((m) => m.upscale_warning[lang] ?? m.upscale_warning.en);
    ui.warning.hidden = warnings.length === 0;
    ui.warning.textContent = warnings.join(' ');
    ui.table.dataset.models = grid.models.map((m) => m.name).join(',');
    const caption = node('caption', 'visually-hidden', t('compare.caption'));
    const thead = node('thead');
    const headRow = node('tr');
    const corner = node('th', 'cmp-corner', t('compare.stage'));
    corner.scope = 'col';
    headRow.append(corner, ...grid.models.map(headCell));
    thead.append(headRow);
    const tbody = node('tbody');
    for (const row of grid.rows) {
      const tr = node('tr', row.head ? 'cmp-head-row' : '');
      const th = node('th', 'cmp-row', row.head ? t('compare.head') : t('compare.shrunk', { n: row.factor }));
      th.dataset.row = row.key;
      th.scope = 'row';
      tr.append(th, ...row.cells.map((stage, i) => stageCell(stage, grid.models[i], grid)));
      tbody.append(tr);
    }
    ui.table.append(caption, thead, tbody);
  }

  function schedule(delay = 0) {
    clearTimeout(timer);
    timer = setTimeout(load, delay);
  }

  ui.size.addEventListener('input', () => schedule(350));
  ui.size.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') schedule(0);
  });

  store.subscribe((state, changed) => {
    const active = state.view === 'compare';
    if ((changed.has('model') || changed.has('view') || changed.has('models')) && active && state.model && state.models.length) {
      if (!touched || !state.compareModels) {
        const names = comparable().map((m) => m.name);
        store.set({ compareModels: defaultSelection(state.model.name, names) });
        return;
      }
    }
    if (changed.has('models') || changed.has('model') || changed.has('compareModels') || changed.has('lang')) renderPicks();
    if (active && (changed.has('compareModels') || changed.has('view'))) schedule(0);
    else if (changed.has('lang')) render();
  });
}
