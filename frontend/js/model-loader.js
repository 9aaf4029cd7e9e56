/**
 * Loading what the page shows: a model (from the list, or a custom network's info by name), its
 * summary for the controls' values, its receptive fields, and the list again after weights were
 * installed. Answers to superseded requests are dropped; errors land in the store.
 */

import * as api from './api.js';
import { fieldErrorsFor } from './controls.js';
import { showModelInHash } from './url-hash.js';

function defaultsOf(model) {
  const [, height, width] = model.input_shape;
  return { height, width, batch_size: 1, num_classes: model.num_classes ?? '' };
}

export function createModelLoader(store, { controls, codeView }) {
  let summaryToken = 0; // answers to superseded summary requests are dropped
  let selectToken = 0; // a model picked while another one's info was on its way wins

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
    showModelInHash(name);
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

  return { loadSummary, selectModel, reloadModels };
}
