/**
 * The Train tab: settings and Start, the live chart (EventSource on the run's events; it
 * reconnects with Last-Event-ID by itself), runs with their final accuracy, overlays of ticked
 * runs, "Use these weights", and the lessons' experiments. Layout lives in train-chart.js.
 */

import * as api from './api.js';
import { $, node, svg as svgEl } from './dom.js';
import { accuracyChart, duration, lossChart } from './train-chart.js';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];
const ENDED = new Set(['done', 'failed', 'cancelled', 'interrupted']);
const TRAINABLE = ['simplecnn', 'stack8-relu', 'stack8-sigmoid', 'resnet18', 'resnet34', 'plain18', 'plain34'];

/** An HTML element with these attributes and text. */
function el(tag, attrs = {}, text = null) {
  const element = node(tag, null, text);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, v);
  return element;
}

export function createTrainPanel({ t, onUseWeights }) {
  const form = $('train-form');
  const runs = new Map(); // id -> record (with curves)
  const shown = new Set(); // ids overlaid on the chart
  let current = null; // the run being watched live
  let source = null;
  let presets = [];

  const modelSelect = $('train-model');
  for (const name of TRAINABLE) modelSelect.append(el('option', { value: name }, name));

  function showError(message) {
    const box = $('train-error');
    box.hidden = !message;
    box.textContent = message ?? '';
  }

  function settingsFromForm() {
    const data = new FormData(form);
    const body = {
      model: data.get('model'),
      dataset: data.get('dataset'),
      epochs: Number(data.get('epochs')),
      batch_size: Number(data.get('batch_size')),
      lr: Number(data.get('lr')),
      optimizer: data.get('optimizer'),
      schedule: data.get('schedule'),
      seed: Number(data.get('seed')),
      augmentation: $('train-augmentation').checked,
    };
    if (data.get('train_images')) body.train_images = Number(data.get('train_images'));
    return body;
  }

  // ------------------------------------------------------------ live events
  function watch(id) {
    source?.close();
    current = id;
    shown.add(id);
    source = new EventSource(api.runEventsUrl(id));
    const run = () => runs.get(id);
    source.addEventListener('info', (e) => Object.assign(run(), JSON.parse(e.data)));
    source.addEventListener('step', (e) => {
      const d = JSON.parse(e.data);
      const r = run();
      // losses arrive in order; a replay after a reconnect starts after the last id seen
      r.curves.step_loss.push(...d.losses);
      Object.assign(r, { step: d.step, images_per_s: d.images_per_s, eta_s: d.eta_s, status: 'running' });
      draw();
      renderProgress();
    });
    source.addEventListener('epoch', (e) => {
      const d = JSON.parse(e.data);
      const r = run();
      r.curves.epochs.push(d);
      Object.assign(r, { epoch: d.epoch, val_accuracy: d.val_accuracy, eta_s: d.eta_s });
      draw();
      renderRuns();
    });
    source.addEventListener('status', async (e) => {
      const d = JSON.parse(e.data);
      Object.assign(run(), { status: d.status, detail: d.detail ?? run().detail });
      if (ENDED.has(d.status)) {
        source.close();
        source = null;
        runs.set(id, await api.getRun(id)); // the stored record: curves complete, model name
        if (d.status === 'failed') showError(d.detail);
      }
      renderRuns();
      renderProgress();
      draw();
    });
  }

  async function start(body) {
    showError(null);
    try {
      const record = await api.startRun(body);
      record.curves = { step_loss: [], epochs: [] };
      runs.set(record.id, record);
      shown.clear();
      watch(record.id);
      renderRuns();
      renderProgress();
      draw();
    } catch (error) {
      showError(error.detail ?? error.message);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    start(settingsFromForm());
  });
  $('train-cancel').addEventListener('click', async () => {
    if (current) await api.deleteRun(current).catch((error) => showError(error.detail));
  });

  // ------------------------------------------------------------ drawing
  function colourOf(id) {
    const ids = [...runs.keys()].sort();
    return COLOURS[ids.indexOf(id) % COLOURS.length];
  }

  function drawChart(svg, chart, formatY, xLabel) {
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${chart.width} ${chart.height}`);
    const { left, right, top, bottom } = chart.plot;
    svg.append(svgEl('rect', { x: left, y: top, width: right - left, height: bottom - top, class: 'plot-area' }));
    for (const tick of chart.yTicks) {
      svg.append(svgEl('line', { x1: left, x2: right, y1: tick.y, y2: tick.y, class: 'grid' }));
      svg.append(svgEl('text', { x: left - 4, y: tick.y + 4, 'text-anchor': 'end', class: 'tick' }, formatY(tick.value)));
    }
    for (const tick of chart.xTicks) {
      svg.append(svgEl('text', { x: tick.x, y: bottom + 14, 'text-anchor': 'middle', class: 'tick' }, String(tick.value)));
    }
    svg.append(svgEl('text', { x: right, y: bottom + 24, 'text-anchor': 'end', class: 'tick' }, xLabel));
    for (const line of chart.lines) {
      const attrs = { d: line.d, fill: 'none', stroke: colourOf(line.key), 'stroke-width': 2, 'data-run': line.key };
      if (line.kind) attrs['data-kind'] = line.kind;
      if (line.kind === 'train') attrs['stroke-dasharray'] = '5 4';
      svg.append(svgEl('path', attrs));
    }
  }

  function draw() {
    const visible = [...shown].filter((id) => runs.has(id)).map((id) => runs.get(id));
    drawChart(
      $('train-loss'),
      lossChart(visible.map((r) => ({ key: r.id, stepLoss: r.curves.step_loss })), { width: 560, height: 200 }),
      (v) => v.toFixed(1),
      t('train.step'),
    );
    drawChart(
      $('train-accuracy'),
      accuracyChart(visible.map((r) => ({ key: r.id, epochs: r.curves.epochs })), { width: 560, height: 200 }),
      (v) => `${Math.round(v * 100)}%`,
      t('train.epoch'),
    );
  }

  function renderProgress() {
    const r = current ? runs.get(current) : null;
    const running = r && !ENDED.has(r.status);
    $('train-cancel').disabled = !running;
    const box = $('train-progress');
    if (!r) {
      box.textContent = '';
      return;
    }
    const status = t(`train.status.${r.status}`);
    if (r.status !== 'running' || !r.total_steps) {
      box.textContent = `${r.settings.model}: ${status}`;
      return;
    }
    const spe = r.steps_per_epoch || 1;
    box.textContent = t('train.progress', {
      epoch: Math.min(Math.floor((r.step - 1) / spe) + 1, r.settings.epochs),
      epochs: r.settings.epochs,
      step: r.step,
      steps: r.total_steps,
      rate: Math.round(r.images_per_s ?? 0),
      eta: duration(r.eta_s),
    });
  }

  async function toggle(id, on) {
    if (on) {
      shown.add(id);
      if (!runs.get(id).curves.step_loss.length) runs.set(id, await api.getRun(id));
    } else {
      shown.delete(id);
    }
    draw();
  }

  function renderRuns() {
    const table = $('train-runs');
    table.replaceChildren();
    if (!runs.size) {
      table.append(el('caption', {}, t('train.noRuns')));
      return;
    }
    const head = el('tr');
    for (const key of ['show', 'run', 'status', 'accuracy']) head.append(el('th', { scope: 'col' }, t(`train.col.${key}`)));
    head.append(el('th'));
    table.appendChild(el('thead')).append(head);
    const body = table.appendChild(el('tbody'));
    const ordered = [...runs.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    for (const r of ordered) {
      const row = el('tr', { 'data-run': r.id, 'data-status': r.status });
      const box = el('input', { type: 'checkbox', 'aria-label': `${t('train.col.show')} ${r.id}` });
      box.checked = shown.has(r.id);
      box.addEventListener('change', () => toggle(r.id, box.checked));
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colourOf(r.id);
      row.appendChild(el('td')).append(box, swatch);
      const label = `${r.label ? `${r.label} · ` : ''}${r.settings.model} · ${r.settings.dataset} · ${r.settings.epochs} ep · ${r.id}`;
      row.append(el('td', {}, label));
      row.append(el('td', { class: 'status' }, t(`train.status.${r.status}`)));
      const accuracy = r.val_accuracy == null ? '–' : `${(r.val_accuracy * 100).toFixed(1)} %`;
      row.append(el('td', { class: 'accuracy num' }, accuracy));
      const actions = row.appendChild(el('td'));
      if (r.status === 'done' && r.model) {
        const use = el('button', { type: 'button', class: 'button small use-weights' }, t('train.use'));
        use.addEventListener('click', async () => {
          await onUseWeights(r.model);
          const note = $('train-note');
          note.hidden = false;
          note.textContent = t('train.used', { name: r.model });
        });
        actions.append(use);
      }
      if (ENDED.has(r.status)) {
        const del = el('button', { type: 'button', class: 'button small' }, t('train.delete'));
        del.addEventListener('click', async () => {
          await api.deleteRun(r.id).catch((error) => showError(error.detail));
          runs.delete(r.id);
          shown.delete(r.id);
          renderRuns();
          draw();
        });
        actions.append(del);
      }
      body.append(row);
    }
  }

  function renderPresets() {
    const box = $('train-presets');
    box.replaceChildren();
    const lang = document.documentElement.lang === 'ko' ? 'ko' : 'en';
    for (const p of presets) {
      const card = el('article', { class: 'train-preset', 'data-preset': p.name });
      card.append(el('h4', {}, p.title[lang] ?? p.title.en));
      card.append(el('p', {}, p.lesson[lang] ?? p.lesson.en));
      const button = el('button', { type: 'button', class: 'button small' }, t('train.startExperiment'));
      button.disabled = !p.available;
      button.addEventListener('click', async () => {
        showError(null);
        try {
          const started = await api.startPreset(p.name);
          shown.clear();
          for (const r of started.runs) {
            r.curves = { step_loss: [], epochs: [] };
            runs.set(r.id, r);
            shown.add(r.id);
          }
          followGroup(started.runs.map((r) => r.id));
          renderRuns();
          draw();
        } catch (error) {
          showError(error.detail ?? error.message);
        }
      });
      card.append(button);
      if (!p.available) card.append(el('p', { class: 'hint' }, t('train.unavailable', { why: p.missing.join('; ') })));
      box.append(card);
    }
  }

  /** Runs of an experiment train one after another: watch each in turn. */
  async function followGroup(ids) {
    for (const id of ids) {
      watch(id);
      renderProgress();
      while (!ENDED.has(runs.get(id)?.status)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function load() {
    try {
      const [list, presetList] = await Promise.all([api.listRuns(), api.listPresets()]);
      for (const r of list) if (!runs.has(r.id)) runs.set(r.id, r);
      presets = presetList;
      const live = list.find((r) => !ENDED.has(r.status));
      if (live) {
        runs.set(live.id, await api.getRun(live.id));
        runs.get(live.id).curves = { step_loss: [], epochs: [] }; // the stream replays them
        watch(live.id);
      }
    } catch (error) {
      showError(error.detail ?? error.message);
    }
    renderRuns();
    renderPresets();
    renderProgress();
    draw();
  }

  return {
    load,
    retranslate() {
      renderRuns();
      renderPresets();
      renderProgress();
      draw();
    },
  };
}
