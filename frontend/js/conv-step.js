/**
 * "Convolution at work" in the layer details: for the pinned Conv2d (or MaxPool2d) and the
 * image of the last prediction, one output unit computed step by step by the server
 * (POST /models/{name}/conv_step): the input window under the kernel, the filter's weights
 * (labelled random when the model is untrained), their products, the sum + bias, and the
 * model's own value beside it. The window steps over the input with the arrow keys, the
 * ◀ ▶ buttons, or plays by itself; each step waits for its answer before the next.
 */

import * as api from './api.js';
import { node } from './dom.js';
import { callOf } from './inspect.js';
import { store } from './state.js';

const STEP_TYPES = new Set(['Conv2d', 'MaxPool2d']);
const PLAY_MS = 650;


function num(value, digits = 3) {
  if (value == null) return '';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e4)) return value.toExponential(2);
  return value.toFixed(digits);
}

/** The next unit in reading order (right, then the next row; wraps to the top). */
export function nextUnit([r, q], [rows, cols], step = 1) {
  const flat = (((r * cols + q + step) % (rows * cols)) + rows * cols) % (rows * cols);
  return [Math.floor(flat / cols), flat % cols];
}

function grid(values, { padded = null, mark = null, cls = '', scale = null } = {}) {
  const table = node('table', `conv-grid ${cls}`);
  const max = scale ?? Math.max(1e-12, ...values.flat().map((v) => Math.abs(v)));
  values.forEach((row, i) => {
    const tr = node('tr');
    row.forEach((v, j) => {
      const td = node('td', null, num(v, 2));
      if (padded?.[i]?.[j]) td.classList.add('pad');
      else {
        const alpha = Math.min(1, Math.abs(v) / max) * 0.6;
        td.style.setProperty('--cell', v >= 0 ? `rgba(220, 90, 40, ${alpha})` : `rgba(40, 110, 220, ${alpha})`);
      }
      if (mark && mark[0] === i && mark[1] === j) td.classList.add('max');
      tr.append(td);
    });
    table.append(tr);
  });
  return table;
}

function mapWithOutline(src, label, shape, rect) {
  const figure = node('figure', 'conv-map');
  const frame = node('div', 'conv-map-frame');
  const img = node('img');
  img.src = src;
  img.alt = label;
  frame.append(img);
  const [h, w] = shape;
  const [top, left, bottom, right] = rect;
  const box = node('div', 'conv-outline');
  box.style.left = `${(left / w) * 100}%`;
  box.style.top = `${(top / h) * 100}%`;
  box.style.width = `${((right - left + 1) / w) * 100}%`;
  box.style.height = `${((bottom - top + 1) / h) * 100}%`;
  frame.append(box);
  figure.append(frame, node('figcaption', null, label));
  return figure;
}

export function createConvStep(container, { t, lookup }) {
  let answer = null;
  let error = null;
  let loading = false;
  let unit = null; // [channel, row, col]; null: the server's default (centre, channel 0)
  let shown = 0; // which input window the grids show
  let targetKey = null;
  let controller = null;
  let playing = false;
  let playTimer = null;

  function target() {
    const { selected, summary, image, model } = store.get();
    const block = lookup(selected);
    const row = block?.row;
    if (!row || block.isAdd || row.functional || !STEP_TYPES.has(row.type) || !summary) return null;
    return { row, call: callOf(summary.layers, row), image, model };
  }

  async function fetchStep() {
    const now = target();
    if (!now?.image) return render();
    controller?.abort();
    controller = new AbortController();
    const key = targetKey;
    loading = true;
    render();
    try {
      const [channel, row, col] = unit ?? [0, null, null];
      const result = await api.convStep(
        now.model.name,
        now.image,
        { layer: now.row.name, call: now.call, channel, row, col, maxInputs: 8 },
        { signal: controller.signal },
      );
      if (key !== targetKey) return;
      answer = result;
      unit = result.unit;
      error = null;
    } catch (failure) {
      if (failure.name === 'AbortError' || key !== targetKey) return;
      error = failure.detail ?? String(failure.message);
      stop();
    }
    loading = false;
    render();
    if (playing) playTimer = setTimeout(() => move(1), PLAY_MS);
  }

  function move(step, axis = 'flat') {
    if (!answer) return;
    const [, , rows, cols] = answer.output_shape;
    const [c, r, q] = unit;
    let next;
    if (axis === 'row') next = [Math.min(Math.max(r + step, 0), rows - 1), q];
    else next = nextUnit([r, q], [rows, cols], step);
    unit = [c, ...next];
    fetchStep();
  }

  function stop() {
    playing = false;
    clearTimeout(playTimer);
  }

  function toggle() {
    if (playing) stop();
    else {
      playing = true;
      move(1);
    }
    render();
  }

  function controls() {
    const bar = node('div', 'conv-controls');
    const label = node('label', 'conv-channel');
    label.append(t('conv.channel'), ' ');
    const input = node('input');
    input.type = 'number';
    input.min = '0';
    input.max = String((answer?.output_shape?.[1] ?? 1) - 1);
    input.value = String(unit?.[0] ?? 0);
    input.addEventListener('change', () => {
      const c = Math.min(Math.max(Number(input.value) || 0, 0), Number(input.max));
      unit = [c, unit?.[1] ?? null, unit?.[2] ?? null];
      fetchStep();
    });
    label.append(input);
    const prev = node('button', 'button small icon', '◀');
    prev.type = 'button';
    prev.setAttribute('aria-label', t('conv.prev'));
    prev.addEventListener('click', () => move(-1));
    const next = node('button', 'button small icon', '▶');
    next.type = 'button';
    next.dataset.convNext = '';
    next.setAttribute('aria-label', t('conv.next'));
    next.addEventListener('click', () => move(1));
    const play = node('button', 'button small', t(playing ? 'conv.pause' : 'conv.play'));
    play.type = 'button';
    play.dataset.convPlay = '';
    play.addEventListener('click', toggle);
    bar.append(label, prev, next, play);
    return bar;
  }

  function body(a) {
    const wrap = node('div', 'conv-body');
    const maps = node('div', 'conv-maps');
    const inShape = a.input_shape.slice(2);
    const first = a.windows[0];
    maps.append(
      mapWithOutline(first.image, t('conv.inputMap', { c: first.channel }), inShape, a.window),
      mapWithOutline(a.output_image, t('conv.outputMap', { c: a.unit[0] }), a.output_shape.slice(2), [a.unit[1], a.unit[2], a.unit[1], a.unit[2]]),
    );
    wrap.append(maps);
    const win = a.windows[Math.min(shown, a.windows.length - 1)];
    if (a.type === 'Conv2d' && a.windows.length > 1) {
      const pick = node('label', 'conv-pick');
      pick.append(t('conv.inputChannel'), ' ');
      const select = node('select');
      a.windows.forEach((w, i) => select.append(new Option(String(w.channel), String(i), false, i === shown)));
      select.addEventListener('change', () => {
        shown = Number(select.value);
        render();
      });
      pick.append(select, ` · ${t('conv.shownChannels', { from: a.windows[0].channel, to: a.windows.at(-1).channel, n: a.in_channels })}`);
      wrap.append(pick);
    }
    const grids = node('div', 'conv-grids');
    const titled = (title, table) => {
      const box = node('div', 'conv-grid-box');
      box.append(node('h4', null, title), table);
      return box;
    };
    grids.append(titled(t('conv.window'), grid(win.values, { padded: a.padded, mark: a.argmax, cls: 'values' })));
    if (win.weights) {
      grids.append(titled(t(a.trained ? 'conv.weights' : 'conv.weightsRandom'), grid(win.weights, { cls: 'weights' })));
      grids.append(titled(t('conv.products'), grid(win.products, { padded: a.padded, cls: 'products' })));
    }
    wrap.append(grids);
    if (a.padded.flat().some(Boolean)) wrap.append(node('p', 'hint', t('conv.padding')));
    const sums = node('div', 'conv-sums');
    if (a.type === 'Conv2d') {
      sums.append(node('p', null, t('conv.sumLine', { n: a.in_channels, total: num(a.total, 4) })));
      sums.append(
        node('p', 'conv-value', a.bias == null ? t('conv.noBias', { value: num(a.value, 4) }) : t('conv.biasLine', { bias: num(a.bias, 4), value: num(a.value, 4) })),
      );
    } else {
      sums.append(node('p', 'conv-value', t('conv.maxLine', { value: num(a.value, 4), r: a.argmax[0], q: a.argmax[1] })));
    }
    const check = node('p', 'conv-model', t('conv.modelLine', { model: num(a.model_value, 4), diff: a.difference.toExponential(1) }));
    check.dataset.difference = String(a.difference);
    sums.append(check);
    wrap.append(sums);
    return wrap;
  }

  function render() {
    const now = target();
    container.hidden = !now;
    if (!now) return;
    container.replaceChildren();
    const title = node('h3', 'conv-title', t(now.row.type === 'MaxPool2d' ? 'conv.poolTitle' : 'conv.title'));
    title.append(' ', node('span', 'maps-layer', now.row.name));
    container.append(title);
    if (!now.image) {
      container.append(node('p', 'hint', t('conv.needImage')));
      return;
    }
    if (answer) {
      const [c, r, q] = answer.unit;
      const unitText = node('p', 'conv-unit', t('conv.unit', { c, r, q }));
      unitText.setAttribute('aria-live', 'polite');
      container.dataset.unit = `${c},${r},${q}`;
      container.append(unitText, controls(), node('p', 'hint', t('conv.keys')), body(answer));
    }
    if (loading && !answer) container.append(node('p', 'placeholder', t('conv.loading')));
    if (error) container.append(node('p', 'error-text', t('conv.error', { detail: error })));
    container.tabIndex = 0;
  }

  container.addEventListener('keydown', (event) => {
    if (event.target.closest('input, select')) return;
    const moves = { ArrowRight: [1, 'flat'], ArrowLeft: [-1, 'flat'], ArrowDown: [1, 'row'], ArrowUp: [-1, 'row'] };
    if (event.key in moves) {
      event.preventDefault();
      stop();
      move(...moves[event.key]);
    } else if (event.key === ' ') {
      event.preventDefault();
      toggle();
    }
  });

  store.subscribe((state, changed) => {
    if (!['selected', 'image', 'model', 'summary', 'lang'].some((k) => changed.has(k))) return;
    const now = target();
    const key = now?.image ? [now.model.name, now.image.id, now.row.name, now.call].join('|') : null;
    if (key !== targetKey) {
      stop();
      targetKey = key;
      answer = null;
      error = null;
      unit = null;
      shown = 0;
      if (key) fetchStep();
    }
    render();
  });
}
