/**
 * The vanishing-gradient experiment in the lessons panel: per-layer gradient norms from one
 * backward pass at initialisation (GET /gradients/...), ResNet vs its plain twin or sigmoid vs
 * ReLU, plotted on a log scale (chart.js lays it out, this draws the SVG), with the server's
 * English or Korean explanation and its measured numbers.
 */

import * as api from './api.js';
import { gradientChart, scientific } from './chart.js';
import { $, node, svg } from './dom.js';
import { store } from './state.js';

/** A series' name in the page's language, from its key (resnet18, plain34, sigmoid20…). */
export function seriesTitle(series, t) {
  const match = /^(resnet|plain|relu|sigmoid)(\d+)$/.exec(series.key);
  return match ? t(`grad.series.${match[1]}`, { depth: match[2] }) : series.title;
}

function pointNode(p, series, i, t) {
  const name = p.shortcut ? t('grad.shortcutPoint', { name: p.name }) : p.name;
  const title = svg('title', {}, `${seriesTitle(series, t)}\n${name}: ${p.zero ? '0' : scientific(p.norm, 3)}`);
  const attrs = { class: `pt s${i}${p.shortcut ? ' shortcut' : ''}${p.zero ? ' zero' : ''}`, 'data-norm': String(p.norm), 'data-layer': p.name, 'data-x': String(p.x) };
  let shape;
  if (p.zero) {
    shape = svg('path', { ...attrs, d: `M ${p.cx - 3} ${p.cy - 5} L ${p.cx + 3} ${p.cy - 5} L ${p.cx} ${p.cy} Z` });
  } else if (p.shortcut) {
    shape = svg('rect', { ...attrs, x: p.cx - 2.6, y: p.cy - 2.6, width: 5.2, height: 5.2, transform: `rotate(45 ${p.cx} ${p.cy})` });
  } else {
    shape = svg('circle', { ...attrs, cx: p.cx, cy: p.cy, r: 2.4 });
  }
  shape.append(title);
  return shape;
}

/** The chart as an SVG element (exported for the page only; the layout is chart.js's). */
export function renderGradientChart(lesson, t) {
  const chart = gradientChart(lesson);
  const { plot } = chart;
  const root = svg('svg', {
    class: 'grad-svg',
    viewBox: `0 0 ${chart.width} ${chart.height}`,
    role: 'img',
    'aria-label': t('grad.chartLabel', { names: lesson.series.map((s) => seriesTitle(s, t)).join(', ') }),
    'data-series-count': String(chart.series.length),
  });
  const grid = svg('g', { class: 'grid' });
  for (const tick of chart.yTicks) {
    grid.append(svg('line', { x1: plot.left, x2: plot.right, y1: tick.y, y2: tick.y }));
    root.append(svg('text', { class: 'y-tick', x: plot.left - 4, y: tick.y + 3 }, tick.label));
  }
  for (const tick of chart.xTicks) {
    root.append(svg('text', { class: 'x-tick', x: tick.x, y: plot.bottom + 11 }, String(tick.n)));
  }
  root.append(grid);
  root.append(svg('rect', { class: 'plot-frame', x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top }));
  root.append(svg('text', { class: 'axis-title', x: (plot.left + plot.right) / 2, y: chart.height - 4 }, t('grad.xAxis')));
  const yTitleX = 9;
  const yTitleY = (plot.top + plot.bottom) / 2;
  root.append(svg('text', { class: 'axis-title', x: yTitleX, y: yTitleY, transform: `rotate(-90 ${yTitleX} ${yTitleY})` }, t('grad.yAxis')));
  chart.series.forEach((series, i) => {
    const g = svg('g', { class: `series s${i}`, 'data-series': series.key });
    g.append(svg('path', { class: 'line', d: series.path }));
    for (const p of series.points) g.append(pointNode(p, series, i, t));
    root.append(g);
  });
  return root;
}

export function createGradientLesson({ t }) {
  const ui = {
    details: $('gradient-lesson'),
    kinds: [...document.querySelectorAll('input[name="grad-kind"]')],
    depthSkipWrap: $('grad-depth-skip'),
    depthSkip: $('grad-depth-select'),
    depthActWrap: $('grad-depth-act'),
    depthAct: $('grad-depth-range'),
    depthOut: $('grad-depth-out'),
    bnWrap: $('grad-bn-wrap'),
    bn: $('grad-bn'),
    heWrap: $('grad-he-wrap'),
    he: $('grad-he'),
    chart: $('grad-chart'),
    caption: $('grad-caption'),
    status: $('grad-status'),
    error: $('grad-error'),
    explanation: $('grad-explanation'),
  };
  let lesson = null;
  let wanted = null;
  let timer = null;

  function kind() {
    return ui.kinds.find((k) => k.checked)?.value ?? 'skip';
  }

  function params() {
    if (kind() === 'skip') {
      return { depth: ui.depthSkip.value, batchnorm: ui.bn.checked ? 'batch' : 'running', init: ui.he.checked ? 'he' : 'default' };
    }
    return { depth: ui.depthAct.value };
  }

  async function load() {
    if (!ui.details.open) return;
    const skip = kind() === 'skip';
    ui.depthSkipWrap.hidden = !skip;
    ui.bnWrap.hidden = !skip;
    ui.heWrap.hidden = !skip;
    ui.depthActWrap.hidden = skip;
    ui.depthOut.value = ui.depthAct.value;
    const request = JSON.stringify([kind(), params()]);
    wanted = request;
    ui.status.textContent = t('grad.running');
    ui.error.hidden = true;
    try {
      const answer = await api.gradientLesson(kind(), params());
      if (wanted !== request) return;
      lesson = answer;
      ui.status.textContent = '';
      render();
    } catch (failure) {
      if (wanted !== request) return;
      ui.status.textContent = '';
      ui.error.textContent = failure.detail ?? String(failure.message);
      ui.error.hidden = false;
    }
  }

  function legend() {
    const list = node('ul', 'grad-legend');
    lesson.series.forEach((series, i) => {
      const li = node('li');
      li.append(node('span', `grad-swatch s${i}`), seriesTitle(series, t), node('span', 'muted', ` — ${t('grad.first', { n: scientific(series.first) })}`));
      list.append(li);
    });
    if (lesson.series.some((s) => s.layers.some((l) => l.shortcut))) {
      const li = node('li');
      li.append(node('span', 'grad-swatch diamond'), t('grad.shortcut'));
      list.append(li);
    }
    return list;
  }

  function render() {
    if (!lesson) return;
    ui.chart.replaceChildren(renderGradientChart(lesson, t), legend());
    const [a, b] = lesson.series;
    ui.caption.replaceChildren();
    const ratio = node('strong', 'grad-ratio', scientific(lesson.first_layer_ratio));
    const names = { b: seriesTitle(b, t), a: seriesTitle(a, t) };
    ui.caption.append(t('grad.ratioBefore', names), ratio, t('grad.ratioAfter', names));
    const lang = store.get().lang;
    ui.explanation.textContent = lesson.explanation?.[lang] ?? lesson.explanation?.en ?? '';
    if (lesson.series.some((s) => s.underflow)) ui.explanation.append(` ${t('grad.underflow')}`);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(load, delay);
  }

  ui.details.addEventListener('toggle', () => schedule(0));
  for (const input of ui.kinds) input.addEventListener('change', () => schedule(0));
  ui.depthSkip.addEventListener('change', () => schedule(0));
  ui.bn.addEventListener('change', () => schedule(0));
  ui.he.addEventListener('change', () => schedule(0));
  ui.depthAct.addEventListener('input', () => {
    ui.depthOut.value = ui.depthAct.value;
    schedule(250);
  });

  store.subscribe((state, changed) => {
    if (changed.has('model') && state.model) {
      // ResNet and its plain twins are this lesson's networks: open it there, at their depth.
      const { name, family } = state.model;
      if (family === 'resnet' && name !== 'basicblock') {
        const skip = ui.kinds.find((k) => k.value === 'skip');
        skip.checked = true;
        ui.depthSkip.value = /34$/.test(name) ? '34' : '18';
        if (ui.details.open) schedule(0);
        else ui.details.open = true; // the toggle event loads it
      }
    }
    if (changed.has('lang')) render();
  });
}
