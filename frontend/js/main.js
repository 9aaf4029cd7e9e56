/**
 * Wires the page together: creates the panels, keeps state.js in step with the controls, and
 * redraws the diagram, table, details, lessons and prediction panel when the state changes.
 * Loading models and summaries lives in model-loader.js, the diagram's toolbar in
 * diagram-toolbar.js, the centre tabs in view-tabs.js, the address in url-hash.js. The analysis
 * panels (feature maps, Grad-CAM and receptive field, compare, the gradient lesson) subscribe to
 * the store themselves; they are created here.
 */

import * as api from './api.js';
import { rowForLine } from './code-map.js';
import { createCodeView } from './code-view.js';
import { createConvStep } from './conv-step.js';
import { createCompareView } from './compare-view.js';
import { createControls } from './controls.js';
import { createDiagramToolbar } from './diagram-toolbar.js';
import { createDownloads } from './downloads.js';
import { renderDetails } from './details.js';
import { layoutSummary } from './diagram/layout.js';
import { idShowingRow, idForRow as rowBlockId, lookupBlock } from './diagram/lookup.js';
import { createMinimap } from './diagram/minimap.js';
import { paperLayout } from './diagram/paper-layout.js';
import { withStages } from './diagram/stages.js';
import { createDiagramView } from './diagram/view.js';
import { $ } from './dom.js';
import { createEditor } from './editor/index.js';
import { createFeatureMaps } from './featuremaps.js';
import { formatShape } from './format.js';
import { createGradientLesson } from './gradients.js';
import { getLanguage, initialLanguage, setLanguage, t, titleOf, translatePage } from './i18n.js';
import { createLens } from './lens.js';
import { renderLessons } from './lessons.js';
import { createModelLoader } from './model-loader.js';
import { renderModelList } from './models.js';
import { createWeightsOffer } from './weights-offer.js';
import { renderHead, renderLegend, renderTotals } from './overview.js';
import { renderStatus } from './page-status.js';
import { createPredictPanel } from './predict.js';
import { store } from './state.js';
import { createLayerTable } from './table.js';
import { createTrainPanel } from './train.js';
import { modelFromHash, watchHash } from './url-hash.js';
import { createViewTabs } from './view-tabs.js';

let layout = null; // the drawn layout, for looking blocks up by id

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
  onDrawn: (drawn, zoom) => minimap.show(drawn, zoom),
});
const toolbar = createDiagramToolbar(store, view);
// The strip beside the diagram; appearing or going, it changes the diagram's width.
const minimap = createMinimap($('diagram-minimap'), $('diagram-scroll'), { t, onResize: () => toolbar.refit() });

const table = createLayerTable($('layer-table'), $('table-totals'), {
  t,
  onRowSelect: (index) => store.set({ selected: idForRow(index) }),
});

const controls = createControls($('controls'), {
  t,
  onChange: (params, edited) => loader.loadSummary(store.get().model.name, params, edited),
});

const predictPanel = createPredictPanel({
  t,
  onResult: (image, prediction) => store.set({ image, prediction }),
});
const weightsOffer = createWeightsOffer($('weights-offer'), { t, onInstalled: () => loader.reloadModels() });
createFeatureMaps($('layer-maps'), { t, lookup: (id) => lookup(id) });
createConvStep($('conv-step'), { t, lookup: (id) => lookup(id) });
const codeView = createCodeView($('code-panel'), {
  t,
  toggle: $('show-code'),
  split: $('diagram-split'),
  isCurrent: (name) => store.get().model?.name === name,
  onResize: () => toolbar.refit(), // the diagram's width changed: fit it again
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
const editor = createEditor({ t, onNetwork: (name) => loader.selectModel(name) });
const loader = createModelLoader(store, { controls, codeView });
const selectModel = (name) => loader.selectModel(name);
const tabs = createViewTabs(store, {
  // A diagram drawn while hidden had no width to fit: fit it now that it shows.
  onShown: (name) => name === 'diagram' && toolbar.refit(),
});

// ---------------------------------------------------------------- lookups

function idForRow(index) {
  return rowBlockId(layout, store.get().summary, index);
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
  const id = idShowingRow(layout, store.get().summary, row);
  if (!id) return;
  store.set({ selected: id, hovered: null });
  view.reveal(id);
}

/** The block, ⊕ or container (frame) behind an id, in the shape details.js reads. */
function lookup(id) {
  return lookupBlock(layout, store.get().summary, id);
}

// ---------------------------------------------------------------- actions

/** The fixed IdentityBlock is itself one residual block: draw its shortcut too. */
function isResidualRoot(model, summary) {
  return model.family === 'resnet' && !summary.layers.some((r) => !r.is_leaf);
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
  toolbar.renderZoomLevel();
  renderSelection();
}

function renderSelection() {
  const { selected, hovered, summary, fields } = store.get();
  view.mark(selected, hovered);
  minimap.mark(selected);
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
    toolbar.renderZoomLevel();
  }
  if (has('fieldErrors', 'summaryError', 'pending', 'summary', 'lang')) renderStatus(state, { t, controls });
  if (has('view')) tabs.render();
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

watchHash(() => store.get().model?.name, selectModel);

// ---------------------------------------------------------------- start

async function start() {
  store.set({ lang: setLanguage(initialLanguage()) });
  tabs.render();
  try {
    const models = await api.listModels();
    store.set({ models });
    const wanted = modelFromHash();
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
