/**
 * Wires the page together: loads the models, keeps state.js in step with the controls, and
 * redraws the diagram, table, details, lessons and prediction panel when the state changes.
 * The analysis panels (feature maps, Grad-CAM and receptive field, compare, the gradient
 * lesson) subscribe to the store themselves; they are created here.
 */

import * as api from './api.js';
import { rowForLine } from './code-map.js';
import { createCodeView } from './code-view.js';
import { createConvStep } from './conv-step.js';
import { createCompareView } from './compare-view.js';
import { createControls, fieldErrorsFor } from './controls.js';
import { createDownloads } from './downloads.js';
import { renderDetails } from './details.js';
import { containerNames, layoutSummary } from './diagram/layout.js';
import { paperLayout } from './diagram/paper-layout.js';
import { withStages } from './diagram/stages.js';
import { createDiagramView } from './diagram/view.js';
import { $ } from './dom.js';
import { createEditor } from './editor/index.js';
import { createFeatureMaps } from './featuremaps.js';
import { formatInt, formatShape } from './format.js';
import { createGradientLesson } from './gradients.js';
import { getLanguage, initialLanguage, setLanguage, t, titleOf, translatePage } from './i18n.js';
import { createLens } from './lens.js';
import { renderLessons } from './lessons.js';
import { renderModelList } from './models.js';
import { createWeightsOffer } from './weights-offer.js';
import { renderHead, renderLegend, renderTotals } from './overview.js';
import { createPredictPanel } from './predict.js';
import { store } from './state.js';
import { createLayerTable } from './table.js';
import { createTrainPanel } from './train.js';
import { headText } from './transfer.js';

const VIEWS = ['diagram', 'table', 'compare', 'train']; // the tabs above the centre panel

let layout = null; // the drawn layout, for looking blocks up by id
let summaryToken = 0; // answers to superseded summary requests are dropped

const view = createDiagramView($('diagram-scroll'), {
  t,
  onHover: (id) => store.set({ hovered: id }),
  onSelect: (id, how) => {
    // Keys move the selection away from the pointer: show what the keys picked.
    store.set(how.fromKeyboard || id === null ? { selected: id, hovered: null } : { selected: id });
    if (how.fromKeyboard && id) view.reveal(id);
  },
  onToggle: (name) => toggleCollapsed(name),
  onZoom: (zoom) => store.set({ zoom }),
});

const table = createLayerTable($('layer-table'), $('table-totals'), {
  t,
  onRowSelect: (index) => store.set({ selected: idForRow(index) }),
});

const controls = createControls($('controls'), {
  t,
  onChange: (params, edited) => loadSummary(store.get().model.name, params, edited),
});

const predictPanel = createPredictPanel({
  t,
  onResult: (image, prediction) => store.set({ image, prediction }),
});
const weightsOffer = createWeightsOffer($('weights-offer'), { t, onInstalled: reloadModels });
createFeatureMaps($('layer-maps'), { t, lookup: (id) => lookup(id) });
createConvStep($('conv-step'), { t, lookup: (id) => lookup(id) });
const codeView = createCodeView($('code-panel'), {
  t,
  toggle: $('show-code'),
  split: $('diagram-split'),
  isCurrent: (name) => store.get().model?.name === name,
  onResize: () => {
    const { zoom } = store.get();
    if (zoom === null || zoom === 'all') {
      view.applyZoom(zoom); // the diagram's width changed: fit it again
      renderZoomLevel();
    }
  },
  onPickLine: (line) => {
    const current = lookup(store.get().selected)?.row?.name ?? null;
    const name = rowForLine(codeView.source, line, current);
    if (name) selectRowByName(name);
  },
});
createLens({ t, lookup: (id) => lookup(id) });
createCompareView({ t });
createGradientLesson({ t });
// The architecture editor: each accepted edit becomes the page's model (and the URL's name).
const editor = createEditor({ t, onNetwork: (name) => selectModel(name) });

// ---------------------------------------------------------------- lookups

function idForRow(index) {
  const row = store.get().summary?.layers.find((r) => r.index === index);
  if (!row) return null;
  if (row.is_leaf) return `L${index}`;
  return layout?.blocks.some((b) => b.id === `C${index}`) ? `C${index}` : `G${index}`;
}

/** Select the block of a summary row by name, opening the containers that hide it. */
function selectRowByName(name) {
  const { summary, collapsed } = store.get();
  const row = summary?.layers.find((r) => r.name === name);
  if (!row) return;
  const hiding = [...collapsed].filter((c) => name.startsWith(`${c}.`));
  if (hiding.length) {
    store.set({ collapsed: new Set([...collapsed].filter((c) => !hiding.includes(c))) });
  }
  const add = layout?.adds.find((a) => a.row?.index === row.index);
  let id = add ? add.id : idForRow(row.index);
  if (!lookup(id)) id = layout?.blocks.find((b) => b.folded?.includes(row))?.id ?? null;
  if (!id) return;
  store.set({ selected: id, hovered: null });
  view.reveal(id);
}

/** The block, ⊕ or container (frame) behind an id, in the shape details.js reads. */
function lookup(id) {
  if (!id || !layout) return null;
  const block = layout.blocks.find((b) => b.id === id);
  if (block) return block;
  const add = layout.adds.find((a) => a.id === id);
  if (add) return { ...add, isAdd: true, type: '⊕' };
  const frame = layout.frames.find((f) => f.id === id);
  if (frame?.row) {
    const row = frame.row;
    const rows = store.get().summary.layers;
    const descendants = rows.filter((r) => r.is_leaf && r.name.startsWith(`${row.name}.`));
    return {
      id,
      kind: 'container',
      row,
      name: row.name,
      type: row.type,
      inputShape: row.input_shape,
      outputShape: row.output_shape,
      leafCount: descendants.length,
    };
  }
  return null;
}

// ---------------------------------------------------------------- actions

function defaultsOf(model) {
  const [, height, width] = model.input_shape;
  return { height, width, batch_size: 1, num_classes: model.num_classes ?? '' };
}

/** The fixed IdentityBlock is itself one residual block: draw its shortcut too. */
function isResidualRoot(model, summary) {
  return model.family === 'resnet' && !summary.layers.some((r) => !r.is_leaf);
}

async function loadSummary(name, params, edited = null) {
  const token = ++summaryToken;
  store.set({ pending: true });
  try {
    const summary = await api.getSummary(name, params);
    if (token !== summaryToken) return;
    const changedModel = store.get().summary?.model !== summary.model;
    loadFields(name, summary);
    store.set({
      summary,
      params,
      fieldErrors: {},
      summaryError: null,
      pending: false,
      ...(changedModel
        ? { collapsed: new Set(), level: 'layers', selected: null, hovered: null, zoom: null }
        : {}),
    });
  } catch (error) {
    if (token !== summaryToken) return;
    if (error.status === 422) {
      store.set({ pending: false, fieldErrors: fieldErrorsFor(error, edited) });
    } else {
      // Not about a value the person typed (server down, time limit): say so above the diagram.
      store.set({ pending: false, fieldErrors: {}, summaryError: error.detail ?? String(error) });
    }
  }
}

/** Receptive fields for the details panel, at the summary's input size (cached by api.js). */
async function loadFields(name, summary) {
  const [, , height, width] = summary.input_shape;
  try {
    const fields = await api.getReceptiveFields(name, { height, width });
    if (store.get().summary === summary) store.set({ fields });
  } catch {
    // The details panel simply shows no receptive field; the summary already said what failed.
  }
}

let selectToken = 0; // a model picked while another one's info was on its way wins

/** Shows a model: a zoo one from the list, or a custom network (its info fetched by name). */
async function selectModel(name) {
  const token = ++selectToken;
  let model = store.get().models.find((m) => m.name === name);
  if (!model) {
    try {
      model = await api.getModel(name);
    } catch (error) {
      if (token === selectToken) store.set({ summaryError: error.detail ?? String(error) });
      return false;
    }
    if (token !== selectToken) return false;
  }
  history.replaceState(null, '', `#${name}`);
  store.set({ model, fieldErrors: {}, summaryError: null, fields: null });
  controls.setValues(defaultsOf(model), { classifier: model.num_classes != null });
  loadSummary(name, {});
  codeView.load(name);
  return true;
}

/** After weights were installed on the server: the list again, so the badges and notice say so. */
async function reloadModels() {
  try {
    const models = await api.listModels();
    const current = store.get().model?.name;
    store.set({ models, model: models.find((m) => m.name === current) ?? store.get().model });
  } catch {
    // the list stays as it was; the next page load shows the new weights
  }
}

function toggleCollapsed(name) {
  const collapsed = new Set(store.get().collapsed);
  if (collapsed.has(name)) collapsed.delete(name);
  else collapsed.add(name);
  store.set({ collapsed });
}

// ---------------------------------------------------------------- rendering

let drawnModel = null; // redrawing the same model keeps the scroll position

function renderDiagram() {
  const { summary: full, model, collapsed, foldActivations, paperView, zoom, level } = store.get();
  if (!full || !model) return;
  const summary = level === 'stages' ? withStages(full).summary : full;
  const drawing = `${summary.model}:${paperView}`;
  const keepScroll = drawnModel === drawing;
  drawnModel = drawing;
  layout = paperView
    ? paperLayout(summary)
    : layoutSummary(summary, {
        collapsed,
        foldActivations,
        rootResidual: isResidualRoot(model, summary),
        rootLabel: model.name,
      });
  for (const id of ['fold-activations', 'collapse-all', 'expand-all', 'collapse-level']) $(id).disabled = paperView;
  view.show(layout, {
    title: t('diagram.title', { model: titleOf(model), shape: formatShape(summary.input_shape) }),
    zoom,
    keepScroll,
  });
  // For tests and scripts: which summary the picture shows.
  const scroll = $('diagram-scroll');
  scroll.dataset.model = summary.model;
  scroll.dataset.input = formatShape(summary.input_shape);
  renderLegend(layout, { t });
  renderZoomLevel();
  renderSelection();
}

function renderZoomLevel() {
  $('zoom-level').textContent = `${Math.round(view.zoom * 100)} %`;
}

function renderSelection() {
  const { selected, hovered, summary, fields } = store.get();
  view.mark(selected, hovered);
  const shown = lookup(hovered) ?? lookup(selected);
  renderDetails($('details'), shown, {
    t,
    summary,
    fields: fields?.model === summary?.model ? fields : null,
    source: codeView.source?.model === summary?.model ? codeView.source : null,
  });
  const row = lookup(selected)?.row;
  table.setSelected(row ? row.index : null);
  codeView.mark(row?.name ?? null);
  $('diagram-scroll').dataset.selected = selected ?? '';
  $('collapse-level').value = store.get().level;
}

function renderStatus() {
  const { fieldErrors, summary, pending } = store.get();
  controls.showErrors(fieldErrors);
  const general = $('summary-error');
  general.hidden = !store.get().summaryError;
  general.textContent = store.get().summaryError ?? '';
  const stale = $('stale-note');
  const hasErrors = Object.keys(fieldErrors).length > 0;
  stale.hidden = !(hasErrors && summary);
  if (summary) stale.textContent = t('stale.note', { shape: formatShape(summary.input_shape) });
  $('summary-status').textContent = pending ? t('controls.loading') : '';
  $('freeze-hint').textContent = summary ? headText(summary, { t, formatInt }) : '';
  $('diagram-scroll').setAttribute('aria-busy', String(pending));
  const warnings = $('summary-warnings');
  warnings.hidden = !summary?.warnings?.length;
  warnings.textContent = summary?.warnings?.join(' ') ?? '';
}

function renderView() {
  const { view: current } = store.get();
  for (const [name, tab] of VIEWS.map((v) => [v, $(`tab-${v}`)])) {
    const active = name === current;
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
    $(`view-${name}`).hidden = !active;
  }
  // A diagram drawn while hidden had no width to fit: fit it now that it shows.
  if (current === 'diagram' && (store.get().zoom === null || store.get().zoom === 'all')) {
    view.applyZoom(store.get().zoom);
    renderZoomLevel();
  }
}

function renderModels() {
  const { models, model } = store.get();
  renderModelList($('model-list'), models, model?.name, { t, onPick: selectModel });
}

function renderLanguage() {
  translatePage();
  const toggle = $('lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.lang = getLanguage() === 'en' ? 'ko' : 'en';
  toggle.setAttribute('aria-label', t('langToggleLabel'));
}

store.subscribe((state, changed) => {
  const has = (...keys) => keys.some((k) => changed.has(k));
  if (has('lang')) renderLanguage();
  if (has('models', 'model', 'lang')) renderModels();
  if (has('model')) editor.modelChanged(state.model);
  if (has('lang')) editor.retranslate();
  if (has('summary')) editor.summaryChanged(state.summary);
  if (has('model', 'lang')) {
    renderHead(state.model, { t, lang: state.lang });
    $('edit-copy').hidden = !state.model?.architecture;
    predictPanel.setModel(state.model, state.models);
    if (changed.has('lang')) {
      predictPanel.retranslate();
      codeView.retranslate();
    }
    if (changed.has('model')) weightsOffer.setModel(state.model);
    else weightsOffer.retranslate();
  }
  if (has('summary', 'collapsed', 'foldActivations', 'paperView', 'lang', 'level')) {
    renderDiagram();
    table.setSummary(state.summary);
    renderTotals(state.summary, { t });
    renderLessons($('lessons'), { model: state.model, summary: state.summary, lang: state.lang, t, models: state.models });
  } else if (has('selected', 'hovered', 'fields')) {
    renderSelection();
  }
  if (has('zoom')) {
    view.applyZoom(state.zoom);
    renderZoomLevel();
  }
  if (has('fieldErrors', 'summaryError', 'pending', 'summary', 'lang')) renderStatus();
  if (has('view')) renderView();
});

// ---------------------------------------------------------------- page controls

$('lang-toggle').addEventListener('click', () => {
  store.set({ lang: setLanguage(getLanguage() === 'en' ? 'ko' : 'en') });
});

$('edit-copy').addEventListener('click', () => editor.openCopy(store.get().model, store.get().models));
$('editor-close').addEventListener('click', () => editor.close());

$('ctl-reset').addEventListener('click', () => {
  const { model } = store.get();
  if (model) selectModel(model.name);
});

$('paper-view').addEventListener('change', (event) => {
  store.set({ paperView: event.target.checked, zoom: null, hovered: null });
});
$('fold-activations').addEventListener('change', (event) => {
  store.set({ foldActivations: event.target.checked });
});
function collapseTo(level) {
  const summary = store.get().summary;
  if (!summary) return;
  if (level === 'stages') {
    store.set({ level, collapsed: new Set(withStages(summary).names) });
  } else if (level === 'top') {
    const topLevel = containerNames(summary.layers).filter((name) => !name.includes('.'));
    store.set({ level, collapsed: new Set(topLevel) });
  } else {
    store.set({ level: 'layers', collapsed: new Set() });
  }
}
$('collapse-level').addEventListener('change', (event) => collapseTo(event.target.value));
$('collapse-all').addEventListener('click', () => collapseTo('top'));
$('expand-all').addEventListener('click', () => collapseTo('layers'));
$('zoom-in').addEventListener('click', () => store.set({ zoom: view.zoom * 1.2 }));
$('zoom-out').addEventListener('click', () => store.set({ zoom: view.zoom / 1.2 }));
$('zoom-fit').addEventListener('click', () => {
  store.set({ zoom: 'all' });
  view.applyZoom('all');
  renderZoomLevel();
});

for (const [i, name] of VIEWS.entries()) {
  const tab = $(`tab-${name}`);
  tab.addEventListener('click', () => store.set({ view: name }));
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const step = event.key === 'ArrowRight' ? 1 : -1;
    const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length];
    store.set({ view: next });
    $(`tab-${next}`).focus();
  });
}

createDownloads({ t, svg: () => view.svg });

// "Use these weights": a finished run is a model like any other (run-<id>); it joins the list
// and becomes the current model, so predictions, feature maps and Grad-CAM use it.
const trainPanel = createTrainPanel({
  t,
  onUseWeights: async (name) => {
    const info = await api.getModel(name);
    const models = store.get().models.filter((m) => m.name !== name);
    store.set({ models: [...models, info] });
    selectModel(name);
  },
});
let trainLoaded = false;
store.subscribe((state, changed) => {
  if (changed.has('view') && state.view === 'train' && !trainLoaded) {
    trainLoaded = true;
    trainPanel.load();
  }
  if (changed.has('lang') && trainLoaded) trainPanel.retranslate();
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const { zoom } = store.get();
    if (zoom === null || zoom === 'all') {
      view.applyZoom(zoom);
      renderZoomLevel();
    }
  }, 100);
});

window.addEventListener('hashchange', () => {
  const name = decodeURIComponent(location.hash.slice(1));
  if (name && name !== store.get().model?.name) selectModel(name);
});

// ---------------------------------------------------------------- start

async function start() {
  store.set({ lang: setLanguage(initialLanguage()) });
  renderView();
  try {
    const models = await api.listModels();
    store.set({ models });
    const wanted = decodeURIComponent(location.hash.slice(1));
    // A custom network's name holds the whole network: the link opens it, editor and all.
    const shown = wanted && (await selectModel(wanted));
    if (shown && store.get().model?.custom) editor.openCopy(store.get().model, store.get().models);
    if (!shown) {
      const linkError = store.get().summaryError; // a link to a network that is not valid
      await selectModel(models[0].name);
      if (wanted && linkError) {
        const box = $('models-error');
        box.hidden = false;
        box.textContent = t('models.linkError', { detail: linkError });
      }
    }
  } catch (error) {
    const box = $('models-error');
    box.hidden = false;
    box.textContent = t('models.loadError', { detail: error.detail ?? error.message });
  }
}

start();
