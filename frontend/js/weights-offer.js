/**
 * The offer inside the random-weights notice: where a model has published weights, either a
 * button that has the server download them (with a progress bar, polled twice a second) when
 * the server allows it, or the exact command to run on the server. When a download has
 * installed the weights, onInstalled(name) lets the page reload the model list, which then
 * marks the model trained and hides the notice.
 */

import * as api from './api.js';
import { node } from './dom.js';

const POLL_MS = 500;
const MIB = 1024 * 1024;

/**
 * What to show for one /weights entry: 'none' (trained, or nothing published), 'progress'
 * (a download under way), 'failed', 'button' or 'command'. Pure: node tests cover it.
 */
export function offerFor(entry, downloadsAllowed) {
  if (!entry || entry.trained || !entry.published) return { kind: 'none' };
  const size = entry.published.size_label;
  const download = entry.download ?? { state: 'idle' };
  if (download.state === 'running') return { kind: 'progress', size, download };
  if (!downloadsAllowed) return { kind: 'command', size, command: entry.command };
  if (download.state === 'failed') return { kind: 'failed', size, error: download.error };
  return { kind: 'button', size };
}

/** "123 of 528 MB (23 %)" while bytes arrive; "checking" once all are in (hash, keys). */
export function progressText(download, size, t) {
  const total = download.bytes_total;
  if (!download.bytes_done) return t('weights.starting');
  if (total && download.bytes_done >= total) return t('weights.checking');
  const done = Math.floor(download.bytes_done / MIB);
  const percent = total ? `${Math.floor((download.bytes_done / total) * 100)} %` : '…';
  return t('weights.progress', { done, size, percent });
}

export function createWeightsOffer(container, { t, onInstalled = () => {} }) {
  let model = null;
  let offer = { kind: 'none' };
  let timer = null;
  let generation = 0; // a reply for a model no longer shown is dropped

  function render() {
    container.hidden = offer.kind === 'none';
    container.dataset.state = offer.kind;
    if (offer.kind === 'none') {
      container.replaceChildren();
      return;
    }
    if (offer.kind === 'command') {
      const code = node('code', 'weights-command', offer.command);
      container.replaceChildren(node('span', '', t('weights.command', { size: offer.size })), code);
      return;
    }
    if (offer.kind === 'progress') {
      const bar = node('progress', 'weights-progress');
      bar.max = 1;
      if (offer.download.fraction != null) bar.value = offer.download.fraction;
      bar.setAttribute('aria-label', t('weights.progressLabel', { model: model.title }));
      const text = node('span', 'weights-progress-text', progressText(offer.download, offer.size, t));
      container.replaceChildren(bar, text);
      return;
    }
    const button = node('button', 'button small weights-get', t('weights.get', { size: offer.size }));
    button.type = 'button';
    button.title = t('weights.getTitle');
    button.addEventListener('click', start);
    const parts = [button];
    if (offer.kind === 'failed') {
      button.textContent = t('weights.retry', { size: offer.size });
      const error = node('span', 'weights-error', t('weights.failed', { error: offer.error ?? '' }));
      error.setAttribute('role', 'alert');
      parts.unshift(error);
    }
    container.replaceChildren(...parts);
  }

  function poll(name, size, mine) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      let download;
      try {
        download = await api.weightsDownload(name);
      } catch {
        if (mine === generation) poll(name, size, mine); // a lost poll: ask again
        return;
      }
      if (mine !== generation) return;
      if (download.state === 'running') {
        offer = { kind: 'progress', size, download };
        render();
        poll(name, size, mine);
      } else if (download.state === 'done') {
        offer = { kind: 'none' };
        render();
        onInstalled(name);
      } else {
        offer = { kind: 'failed', size, error: download.error };
        render();
      }
    }, POLL_MS);
  }

  async function start() {
    const name = model.name;
    const size = offer.size;
    const mine = generation;
    offer = { kind: 'progress', size, download: { state: 'running', bytes_done: 0 } };
    render();
    try {
      const download = await api.startWeightsDownload(name);
      if (mine !== generation) return;
      offer = { kind: 'progress', size, download };
      render();
      poll(name, size, mine);
    } catch (error) {
      if (mine !== generation) return;
      offer = error.body?.command
        ? { kind: 'command', size, command: error.body.command }
        : { kind: 'failed', size, error: error.detail ?? String(error.message) };
      render();
    }
  }

  return {
    /** The model on show: asks the server what it can offer for it. */
    async setModel(next) {
      generation += 1;
      clearTimeout(timer);
      model = next;
      offer = { kind: 'none' };
      render();
      if (!next || next.trained !== false || next.num_classes == null) return;
      const mine = generation;
      let listing;
      try {
        listing = await api.listWeights();
      } catch {
        return; // no offer; the notice still says the weights are random
      }
      if (mine !== generation) return;
      const entry = listing.models.find((m) => m.model === next.name);
      offer = offerFor(entry, listing.downloads_allowed);
      render();
      if (offer.kind === 'progress') poll(next.name, offer.size, mine);
    },
    retranslate: render,
  };
}
