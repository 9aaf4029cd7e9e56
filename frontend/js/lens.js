/**
 * "Where the network looks", under the prediction: the input as the network sees it, with
 * - Grad-CAM (or HiResCAM) of a chosen class on a chosen layer laid over it, opacity adjustable;
 * - the receptive field of one unit of the layer pinned in the diagram outlined on it: the
 *   centre unit, or the one under a click (arrow keys move it, Escape goes back to the centre).
 * Picking a layer with a feature map in the diagram also points Grad-CAM at it.
 */

import * as api from './api.js';
import { $, svg } from './dom.js';
import { callOf, camLayers, centreUnit, fieldOf, hasFeatureMap, layerKey, parseLayerKey, pointInImage, regionRect, unitAt, unitCentre, unitRegion } from './inspect.js';
import { store } from './state.js';

const MAX_DOTS = 900; // unit centres drawn as dots up to this many (a 30×30 grid)

/** Flattening heads weigh each position separately: HiResCAM is the faithful choice there. */
function defaultMethod(model) {
  return model?.family === 'resnet' ? 'gradcam' : 'hirescam';
}

export function createLens({ t, lookup }) {
  const ui = {
    section: $('lens'),
    figure: $('lens-figure'),
    input: $('lens-input'),
    heat: $('cam-heat'),
    overlay: $('rf-overlay'),
    show: $('cam-show'),
    layer: $('cam-layer'),
    klass: $('cam-class'),
    method: $('cam-method'),
    opacity: $('cam-opacity'),
    status: $('cam-status'),
    error: $('cam-error'),
    note: $('cam-note'),
    caption: $('rf-caption'),
  };
  let cam = null;
  let camKey = null;
  let controller = null;
  let fields = null; // receptive fields at the prediction's input size
  let fieldsFor = null;
  let unit = null; // null: the centre unit
  let unitLayer = null;

  function inputHW() {
    const shape = store.get().prediction?.input_shape;
    return shape ? [shape[2], shape[3]] : null;
  }

  // ------------------------------------------------------------ Grad-CAM

  function fillLayers() {
    const { summary } = store.get();
    const keep = ui.layer.value;
    const options = [new Option(t('lens.layerAuto'), '')];
    for (const layer of camLayers(summary)) {
      const text = layer.call > 1 ? `${layer.name} (${t('maps.call', { n: layer.call })})` : layer.name;
      options.push(new Option(`${text} · ${layer.type}`, layer.key));
    }
    ui.layer.replaceChildren(...options);
    if ([...ui.layer.options].some((o) => o.value === keep)) ui.layer.value = keep;
  }

  function fillClasses() {
    const predictions = store.get().prediction?.predictions ?? [];
    const keep = ui.klass.value;
    ui.klass.replaceChildren(
      new Option(t('lens.classTop'), ''),
      ...predictions.map((p) => new Option(`${p.label} · ${(p.probability * 100).toFixed(1)} %`, String(p.index))),
    );
    if ([...ui.klass.options].some((o) => o.value === keep)) ui.klass.value = keep;
  }

  function applyOpacity() {
    ui.heat.style.opacity = String(Number(ui.opacity.value) / 100);
    ui.heat.dataset.opacity = ui.opacity.value;
  }

  async function fetchCam() {
    const { model, image, prediction } = store.get();
    if (!model || !image || !prediction || !ui.show.checked) {
      ui.heat.hidden = true;
      ui.note.textContent = '';
      return;
    }
    const { layer, call } = ui.layer.value ? parseLayerKey(ui.layer.value) : { layer: null, call: 1 };
    const classIndex = ui.klass.value === '' ? null : Number(ui.klass.value);
    const key = [model.name, image.id, layer, call, classIndex, ui.method.value].join('|');
    if (key === camKey) {
      if (cam?.key === key) renderCam(); // shown again after the checkbox hid it
      return;
    }
    camKey = key;
    controller?.abort();
    controller = new AbortController();
    ui.status.textContent = t('lens.running');
    ui.error.hidden = true;
    try {
      const answer = await api.gradCam(model.name, image, { layer, call, classIndex, method: ui.method.value }, { signal: controller.signal });
      if (camKey !== key) return;
      cam = { ...answer, key };
      ui.status.textContent = '';
      renderCam();
    } catch (failure) {
      if (failure.name === 'AbortError' || camKey !== key) return;
      ui.status.textContent = '';
      ui.error.textContent = failure.detail ?? String(failure.message);
      ui.error.hidden = false;
      ui.heat.hidden = true;
    }
  }

  function renderCam() {
    if (!cam) return;
    ui.heat.src = cam.heatmap_png;
    ui.heat.alt = t('lens.heatAlt', { label: cam.label, layer: cam.layer });
    ui.heat.hidden = !ui.show.checked;
    ui.input.src = cam.preview;
    ui.figure.dataset.camLayer = layerKey(cam.layer, cam.call);
    ui.figure.dataset.camClass = String(cam.class_index);
    // The server picked the layer ("automatic"): say which.
    const key = layerKey(cam.layer, cam.call);
    if (!ui.layer.value && [...ui.layer.options].some((o) => o.value === key)) ui.layer.options[0].text = t('lens.layerAutoIs', { layer: cam.layer });
    const method = cam.method === 'hirescam' ? 'HiResCAM' : 'Grad-CAM';
    const [h, w] = cam.layer_shape;
    const parts = [
      t('lens.camNote', { method, label: cam.label, p: (cam.probability * 100).toFixed(1), layer: cam.call > 1 ? `${cam.layer} (${t('maps.call', { n: cam.call })})` : cam.layer, map: `${h}×${w}` }),
    ];
    if (cam.all_zero) parts.push(t('lens.allZero'));
    if (cam.method === 'gradcam' && store.get().model?.family !== 'resnet') parts.push(t('lens.preferHires'));
    ui.note.textContent = parts.join(' ');
  }

  // ------------------------------------------------------------ receptive field

  async function loadFields() {
    const { model } = store.get();
    const hw = inputHW();
    if (!model || !hw) return;
    const key = `${model.name}|${hw.join('x')}`;
    if (fieldsFor === key && fields) return;
    fieldsFor = key;
    try {
      const answer = await api.getReceptiveFields(model.name, { height: hw[0], width: hw[1] });
      if (fieldsFor !== key) return;
      fields = answer;
      renderField();
    } catch (failure) {
      if (fieldsFor !== key) return;
      fields = null;
      ui.caption.textContent = failure.detail ?? String(failure.message);
    }
  }

  function selectedRow() {
    return lookup(store.get().selected)?.row ?? null;
  }

  function renderField() {
    const hw = inputHW();
    ui.overlay.replaceChildren();
    ui.figure.dataset.rf = '';
    if (!hw) return;
    ui.overlay.setAttribute('viewBox', `0 0 ${hw[1]} ${hw[0]}`);
    ui.overlay.setAttribute('preserveAspectRatio', 'none');
    const row = selectedRow();
    const field = row ? fieldOf(fields, row.index) : null;
    if (!row || !field) {
      ui.caption.textContent = row && fields ? t('lens.rfNone', { layer: row.name }) : t('lens.rfHint');
      return;
    }
    if (unitLayer !== row.index) {
      unit = null;
      unitLayer = row.index;
    }
    const whole = field.whole_input || !field.size;
    const chosen = whole ? [0, 0] : (unit ?? centreUnit(field));
    const region = unitRegion(field, chosen, hw);
    if (!region) return;
    const rect = regionRect(region);
    const stroke = Math.max(hw[0], hw[1]) / 120;
    if (!whole && field.output_shape.length === 4) {
      const [, , rows, cols] = field.output_shape;
      // Unit centres show the jump: only where units are spaced out, and not too many.
      if (rows * cols <= MAX_DOTS && Math.max(...field.jump) >= 2) {
        const dots = svg('g', { class: 'rf-units' });
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const p = unitCentre(field, [r, c]);
            dots.append(svg('circle', { cx: p.x, cy: p.y, r: stroke * 0.9 }));
          }
        }
        ui.overlay.append(dots);
      }
    }
    ui.overlay.append(svg('rect', { class: `rf-rect${whole ? ' whole' : ''}`, x: rect.x, y: rect.y, width: rect.width, height: rect.height, 'stroke-width': stroke * 1.6 }));
    if (!whole) {
      const p = unitCentre(field, chosen);
      ui.overlay.append(svg('circle', { class: 'rf-centre', cx: p.x, cy: p.y, r: stroke * 2.2 }));
    }
    ui.figure.dataset.rf = region.join(',');
    ui.figure.dataset.rfLayer = row.name;
    const [top, left, bottom, right] = region;
    ui.caption.textContent = whole
      ? t('lens.rfWhole', { layer: row.name })
      : t('lens.rfText', {
          layer: row.name,
          unit: `(${chosen[0]}, ${chosen[1]})`,
          rows: `${top}–${bottom}`,
          cols: `${left}–${right}`,
          size: `${bottom - top + 1}×${right - left + 1}`,
          full: `${field.size[0]}×${field.size[1]}`,
        });
  }

  function pickUnit(next) {
    unit = next;
    renderField();
  }

  ui.figure.addEventListener('click', (event) => {
    const row = selectedRow();
    const field = row ? fieldOf(fields, row.index) : null;
    const hw = inputHW();
    if (!field || !hw || field.whole_input || !field.size) return;
    const point = pointInImage(ui.figure.getBoundingClientRect(), event.clientX, event.clientY, hw);
    pickUnit(unitAt(field, point));
  });
  ui.figure.addEventListener('keydown', (event) => {
    const row = selectedRow();
    const field = row ? fieldOf(fields, row.index) : null;
    if (!field || field.whole_input || !field.size) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (event.key === 'Escape') {
      event.preventDefault();
      pickUnit(null);
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [, , rows, cols] = field.output_shape;
    const [r, c] = unit ?? centreUnit(field);
    pickUnit([Math.min(Math.max(r + move[0], 0), rows - 1), Math.min(Math.max(c + move[1], 0), cols - 1)]);
  });

  // ------------------------------------------------------------ wiring

  ui.opacity.addEventListener('input', applyOpacity);
  ui.show.addEventListener('change', () => {
    ui.heat.hidden = !ui.show.checked || !cam;
    ui.opacity.disabled = !ui.show.checked;
    fetchCam();
  });
  for (const select of [ui.layer, ui.klass, ui.method]) select.addEventListener('change', fetchCam);

  function reset() {
    cam = null;
    camKey = null;
    controller?.abort();
    ui.heat.hidden = true;
    ui.heat.removeAttribute('src');
    ui.input.removeAttribute('src');
    ui.error.hidden = true;
    ui.status.textContent = '';
    ui.note.textContent = '';
    ui.overlay.replaceChildren();
  }

  store.subscribe((state, changed) => {
    if (changed.has('model')) {
      reset();
      ui.method.value = defaultMethod(state.model);
      ui.layer.value = '';
    }
    if (changed.has('summary') || changed.has('lang')) fillLayers();
    if (changed.has('prediction') || changed.has('lang')) fillClasses();
    if (changed.has('prediction')) {
      if (!state.prediction) reset();
      else {
        ui.input.src = state.prediction.preview ?? '';
        ui.input.alt = t('lens.inputAlt');
        loadFields();
      }
    }
    if (changed.has('selected')) {
      // Pointing at a layer with a feature map points Grad-CAM at it too.
      const row = selectedRow();
      if (row && hasFeatureMap(row)) {
        const key = layerKey(row.name, callOf(state.summary.layers, row));
        if (![...ui.layer.options].some((o) => o.value === key)) ui.layer.append(new Option(`${row.name} · ${row.type}`, key));
        ui.layer.value = key;
      }
    }
    if (changed.has('prediction') || changed.has('selected')) fetchCam();
    if (changed.has('prediction') || changed.has('selected') || changed.has('lang') || changed.has('summary')) renderField();
    if (changed.has('lang')) renderCam();
  });
  applyOpacity();
}
