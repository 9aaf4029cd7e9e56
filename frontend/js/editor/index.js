/**
 * "Edit a copy": the editor panel beside the diagram. Each change is sent (debounced) to
 * POST /architectures; an accepted spec becomes the page's model through `onNetwork(name)`
 * (so the diagram, totals, table and URL follow), a refused one shows the server's sentence
 * beside the control at fault while the diagram keeps the last valid network. The difference
 * from the network the copy was made from (parameters, mult-adds, output shape) is shown
 * under the controls.
 */

import * as api from '../api.js';
import { $, node } from '../dom.js';
import { formatCompact, formatInt, formatShape } from '../format.js';
import { compareSummaries, formatPercent } from './diff.js';
import { createEditorForm } from './form.js';

const DELAY_MS = 400;
// The zoo model a custom network is measured against when the page opens on its link.
const FAMILY_ORIGINAL = { vgg: 'vgg16', resnet: 'resnet18', simplecnn: 'simplecnn', alexnet: 'alexnet' };

export function createEditor({ t, onNetwork }) {
  const panel = $('editor');
  const status = $('editor-status');
  const diffBox = $('editor-diff');
  const form = createEditorForm($('editor-form'), { t, onEdit: schedule });
  let original = null; // {name, title, summary}
  let current = null; // the name of the network the editor shows
  let timer = null;
  let token = 0;
  let lastSummary = null;

  function schedule() {
    clearTimeout(timer);
    status.textContent = t('editor.checking');
    timer = setTimeout(submit, DELAY_MS);
  }

  async function submit() {
    const mine = ++token;
    try {
      const answer = await api.createArchitecture(form.spec);
      if (mine !== token) return;
      form.clearErrors();
      status.textContent = '';
      panel.dataset.network = answer.name;
      if (answer.name !== current) {
        current = answer.name;
        onNetwork(answer.name);
      }
    } catch (error) {
      if (mine !== token) return;
      status.textContent = '';
      form.showError(error.status === 422 ? error.body.field : null, error.detail ?? String(error));
    }
  }

  async function loadOriginal(model) {
    original = { name: model.name, title: model.title, summary: null };
    renderDiff();
    try {
      const summary = await api.getSummary(model.name, {});
      if (original?.name === model.name) original.summary = summary;
      renderDiff();
    } catch {
      // No difference to show; the editor itself still works.
    }
  }

  function measure(label, key, c, format) {
    const row = node('div', 'editor-diff-row');
    row.dataset.diff = key;
    const sign = c.delta > 0 ? 'up' : c.delta < 0 ? 'down' : 'same';
    const value = node('dd', `diff-${sign}`, `${format(c.after)} (${formatPercent(c.percent)})`);
    value.title = `${formatInt(c.before)} → ${formatInt(c.after)}`;
    row.append(node('dt', null, label), value);
    return row;
  }

  function renderDiff() {
    diffBox.replaceChildren();
    const summary = lastSummary;
    if (!original?.summary || !summary || summary.model !== current) return;
    const d = compareSummaries(original.summary, summary);
    diffBox.append(
      node('p', 'editor-diff-title', t('editor.diffTitle', { model: original.title })),
      measure(t('totals.params'), 'params', d.params, formatInt),
      measure(t('totals.multAdds'), 'mult_adds', d.multAdds, formatCompact),
    );
    const output = node('div', 'editor-diff-row');
    output.dataset.diff = 'output';
    const text = d.outputChanged
      ? t('editor.outputChanged', { before: formatShape(d.outputBefore), after: formatShape(d.outputAfter) })
      : t('editor.outputSame', { shape: formatShape(d.outputAfter) });
    output.append(node('dt', null, t('editor.output')), node('dd', null, text));
    diffBox.append(output);
  }

  return {
    /** Opens on `model` (its `architecture` spec), measured against `from` (a zoo model). */
    open(model, from) {
      clearTimeout(timer);
      token++;
      current = model.name;
      panel.hidden = false;
      panel.dataset.network = model.name;
      status.textContent = '';
      form.show(model.architecture);
      loadOriginal(from ?? model);
      $('editor-code').href = `models/${encodeURIComponent(model.name)}/code`;
    },
    /** "Edit a copy" of `model` (zoo or custom), measured against the zoo model it copies. */
    openCopy(model, models) {
      if (!model?.architecture) return;
      const fromName = model.custom ? FAMILY_ORIGINAL[model.family] : model.name;
      this.open(model, models.find((m) => m.name === fromName) ?? model);
    },
    close() {
      clearTimeout(timer);
      token++;
      panel.hidden = true;
      current = null;
      original = null;
    },
    get isOpen() {
      return !panel.hidden;
    },
    /** The page's model changed: a network the editor did not make closes it. */
    modelChanged(model) {
      if (!this.isOpen || !model) return;
      if (model.name !== current && model.name !== original?.name) this.close();
      else $('editor-code').href = `models/${encodeURIComponent(model.name)}/code`;
    },
    summaryChanged(summary) {
      lastSummary = summary;
      renderDiff();
    },
    retranslate() {
      form.retranslate();
      renderDiff();
    },
  };
}
