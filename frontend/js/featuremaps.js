/**
 * Feature maps in their own panel below the prediction's canvas: for the image of the last prediction and the pinned
 * layer, the layer's output channels as a grid of grey images (the most active first, as the
 * API orders them), with the channel count and spatial size; a flat layer (fc1) as a strip of
 * bars, one per feature. Fetches through api.js when the pinned layer or the image changes.
 */

import * as api from './api.js';
import { node, svg } from './dom.js';
import { formatShape } from './format.js';
import { callOf } from './inspect.js';
import { store } from './state.js';

const FIRST_MAPS = 32;
const MOST_MAPS = 256;

/** What the selection asks for: {row, call} of a summary row, or null (input, inferred, ⊕). */
function targetOf(block, summary) {
  const row = block?.row;
  if (!row || !summary || block.isAdd || row.functional) return null; // no module to hook
  return { row, call: callOf(summary.layers, row) };
}

function valuesStrip(values, t) {
  const max = Math.max(1e-12, ...values.map((v) => Math.abs(v)));
  const strip = svg('svg', {
    class: 'values-strip',
    viewBox: `0 0 ${values.length} 40`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': t('maps.valuesLabel', { n: values.length }),
  });
  values.forEach((v, i) => {
    const h = (Math.abs(v) / max) * 19;
    strip.append(svg('rect', { x: i + 0.1, width: 0.8, y: v >= 0 ? 20 - h : 20, height: Math.max(h, 0.3), class: v >= 0 ? 'pos' : 'neg' }));
  });
  return strip;
}

export function createFeatureMaps(container, { t, lookup }) {
  let controller = null;
  let timer = null;
  let requested = null; // key of the request in flight or shown
  let result = null;
  let error = null;
  let loading = false;
  let maxChannels = FIRST_MAPS;
  let scale = 'per_map';

  function current() {
    const { selected, summary, image, model } = store.get();
    const target = targetOf(lookup(selected), summary);
    return { target, image, model, summary };
  }

  function keyOf({ target, image, model }) {
    if (!target || !image || !model) return null;
    return [model.name, image.id, target.row.name, target.call, maxChannels, scale].join('|');
  }

  async function fetchMaps() {
    const now = current();
    const key = keyOf(now);
    if (!key || key === requested) return render();
    controller?.abort();
    controller = new AbortController();
    requested = key;
    loading = true;
    error = null;
    render();
    try {
      const answer = await api.featureMaps(
        now.model.name,
        now.image,
        { layer: now.target.row.name, call: now.target.call, maxChannels, scale },
        { signal: controller.signal },
      );
      if (requested !== key) return;
      result = answer;
    } catch (failure) {
      if (failure.name === 'AbortError' || requested !== key) return;
      result = null;
      error = failure.detail ?? String(failure.message);
    }
    loading = false;
    render();
  }

  function schedule() {
    clearTimeout(timer);
    // Arrow keys walk the layers quickly: ask only for where the walk stops.
    timer = setTimeout(fetchMaps, 120);
  }

  function header(answer) {
    const wrap = node('div', 'maps-head');
    const title = node('h3', 'maps-title', t('maps.title'));
    title.append(' ', node('span', 'maps-layer', answer.call > 1 ? `${answer.layer} (${t('maps.call', { n: answer.call })})` : answer.layer));
    wrap.append(title);
    const meta = node('p', 'maps-meta');
    const count = node('strong', 'maps-count', t('maps.channels', { n: answer.channels }));
    count.dataset.channels = String(answer.channels);
    meta.append(count);
    if (answer.spatial) {
      meta.append(` · ${answer.spatial[0]}×${answer.spatial[1]} · `, t('maps.order', { n: answer.maps.length }));
    } else {
      meta.append(` · ${t('maps.flat', { shape: formatShape(answer.output_shape) })}`);
    }
    wrap.append(meta);
    return wrap;
  }

  function scaleSwitch() {
    const group = node('div', 'segmented small');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', t('maps.scaleLabel'));
    for (const value of ['per_map', 'shared']) {
      const button = node('button', 'button small', t(value === 'shared' ? 'maps.scaleShared' : 'maps.scalePerMap'));
      button.type = 'button';
      button.setAttribute('aria-pressed', String(scale === value));
      button.addEventListener('click', () => {
        if (scale === value) return;
        scale = value;
        fetchMaps();
      });
      group.append(button);
    }
    return group;
  }

  function grid(answer) {
    const list = node('ol', 'maps-grid');
    list.setAttribute('aria-label', t('maps.gridLabel', { layer: answer.layer }));
    for (const map of answer.maps) {
      const item = node('li', 'map');
      item.dataset.channel = String(map.channel);
      const img = node('img', 'map-image');
      img.src = map.image;
      img.alt = t('maps.mapAlt', { c: map.channel });
      img.title = t('maps.mapTitle', { c: map.channel, mean: map.mean.toFixed(3), min: map.min.toFixed(2), max: map.max.toFixed(2) });
      item.append(img, node('span', 'map-caption', String(map.channel)));
      list.append(item);
    }
    return list;
  }

  function render() {
    const { target, image, model } = current();
    container.replaceChildren();
    container.dataset.channels = '';
    const predicts = model && model.num_classes != null;
    if (!predicts || !target) {
      if (predicts && image) container.append(node('p', 'hint', t('maps.pickLayer')));
      return;
    }
    if (!image) {
      container.append(node('p', 'hint maps-empty', t('maps.needImage')));
      return;
    }
    const shown = result && result.layer === target.row.name && result.call === target.call ? result : null;
    if (error) {
      container.append(node('p', 'field-error', error));
      return;
    }
    if (!shown) {
      container.append(node('p', 'status-text', t('maps.loading')));
      return;
    }
    container.dataset.channels = String(shown.channels);
    container.append(header(shown));
    if (shown.spatial) {
      const tools = node('div', 'maps-tools');
      tools.append(scaleSwitch());
      if (shown.maps.length < shown.channels && maxChannels < MOST_MAPS) {
        const more = node('button', 'button small', t('maps.more', { n: Math.min(shown.channels, MOST_MAPS) }));
        more.type = 'button';
        more.id = 'maps-more';
        more.addEventListener('click', () => {
          maxChannels = MOST_MAPS;
          fetchMaps();
        });
        tools.append(more);
      }
      container.append(tools, grid(shown));
    } else if (shown.values) {
      container.append(valuesStrip(shown.values, t));
    }
    if (shown.trained === false) container.append(node('p', 'hint', t('maps.untrained')));
    if (loading) container.append(node('p', 'status-text', t('maps.loading')));
    container.classList.toggle('loading', loading);
  }

  store.subscribe((state, changed) => {
    if (changed.has('model')) {
      maxChannels = FIRST_MAPS;
      result = null;
      requested = null;
      error = null;
    }
    if (changed.has('selected') || changed.has('image') || changed.has('model')) {
      error = null;
      const key = keyOf(current());
      if (!key) {
        controller?.abort();
        requested = null;
        render();
      } else {
        if (requested && key.split('|')[2] !== requested.split('|')[2]) maxChannels = FIRST_MAPS;
        schedule();
      }
    } else if (changed.has('lang') || changed.has('summary')) {
      render();
    }
  });
}
