/**
 * The prediction panel: file picker and drag-and-drop, the drawing canvas for MNIST models,
 * top-k bars, the "what the network sees" preview, timings, and the random-weights notice
 * whenever the model is untrained.
 */

import * as api from './api.js';
import { createDrawingCanvas } from './canvas.js';
import { $, node } from './dom.js';
import { formatMs, formatShape } from './format.js';
import { titleOf } from './i18n.js';

const TOP_K = 5;

/**
 * onResult(input, result): the image just classified ({file} or {dataUrl}, with an `id`) and the
 * API's answer, so the feature maps and Grad-CAM can use the same image; (null, null) when
 * the result is cleared.
 */
export function createPredictPanel({ t, onResult = () => {} }) {
  const ui = {
    unavailable: $('predict-unavailable'),
    body: $('predict-body'),
    notice: $('untrained-notice'),
    noticeText: $('untrained-text'),
    drawArea: $('draw-area'),
    canvas: $('draw-canvas'),
    pen: $('pen-size'),
    clear: $('draw-clear'),
    dropZone: $('drop-zone'),
    fileInput: $('file-input'),
    error: $('predict-error'),
    status: $('predict-status'),
    result: $('predict-result'),
    resultUntrained: $('result-untrained'),
    topk: $('topk'),
    uploadFigure: $('upload-figure'),
    uploadCanvas: $('upload-canvas'),
    previewFigure: $('preview-figure'),
    previewImage: $('preview-image'),
    previewCaption: $('preview-caption'),
    timings: $('timings'),
  };
  let model = null;
  let models = [];
  let lastResult = null;
  let controller = null;
  let imageCount = 0; // numbers each image, so later requests know which one they belong to

  const drawing = createDrawingCanvas(ui.canvas, {
    penInput: ui.pen,
    onStrokeEnd: () => run({ dataUrl: drawing.toDataUrl() }, null),
  });

  function showError(message) {
    ui.error.textContent = message ?? '';
    ui.error.hidden = !message;
  }

  function clearResult() {
    lastResult = null;
    ui.result.hidden = true;
    ui.topk.replaceChildren();
    ui.previewImage.removeAttribute('src');
    ui.status.textContent = '';
    showError(null);
    onResult(null, null);
  }

  function renderResult() {
    const result = lastResult;
    if (!result) return;
    ui.result.hidden = false;
    ui.resultUntrained.hidden = result.trained !== false;
    ui.resultUntrained.textContent = t('predict.resultUntrained');
    ui.topk.setAttribute('aria-label', t('predict.topk', { k: result.predictions.length }));
    ui.topk.replaceChildren(
      ...result.predictions.map((p, i) => {
        const li = node('li', i === 0 ? 'top' : null);
        if (result.trained === false) li.classList.add('untrained');
        const label = node('span', 'topk-label', p.label);
        label.title = t('predict.classOf', { label: p.label, index: p.index });
        const bar = node('span', 'topk-bar');
        const fill = node('span');
        fill.style.width = `${Math.max(0.5, p.probability * 100)}%`;
        bar.append(fill);
        li.append(label, bar, node('span', 'topk-prob', `${(p.probability * 100).toFixed(1)} %`));
        return li;
      }),
    );
    if (result.preview) {
      ui.previewImage.src = result.preview;
      ui.previewImage.alt = t('predict.sees', { shape: formatShape(result.input_shape, { dropBatch: true }) });
      ui.previewCaption.textContent = ui.previewImage.alt;
      ui.previewFigure.hidden = false;
    } else {
      ui.previewFigure.hidden = true;
    }
    const ms = result.timings_ms ?? {};
    ui.timings.textContent = t('predict.timings', {
      decode: formatMs(ms.decode),
      preprocess: formatMs(ms.preprocess),
      forward: formatMs(ms.forward),
      total: formatMs(ms.total),
      device: result.device ?? '?',
    });
  }

  async function showUpload(file) {
    ui.uploadFigure.hidden = true;
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const ctx = ui.uploadCanvas.getContext('2d');
      const size = ui.uploadCanvas.width;
      const scale = Math.min(size / bitmap.width, size / bitmap.height);
      ctx.clearRect(0, 0, size, size);
      const w = bitmap.width * scale;
      const h = bitmap.height * scale;
      ctx.drawImage(bitmap, (size - w) / 2, (size - h) / 2, w, h);
      bitmap.close();
      ui.uploadFigure.hidden = false;
    } catch {
      // The browser cannot decode it; the server's answer will say what is wrong.
    }
  }

  async function run(input, file) {
    if (!model) return;
    controller?.abort();
    controller = new AbortController();
    const name = model.name;
    showError(null);
    ui.status.textContent = t('predict.running');
    if (file) showUpload(file);
    else ui.uploadFigure.hidden = true;
    try {
      const result = await api.predict(name, { ...input, topK: TOP_K }, { signal: controller.signal });
      if (model?.name !== name) return;
      lastResult = result;
      ui.status.textContent = '';
      renderResult();
      imageCount += 1;
      onResult({ ...input, id: imageCount }, result);
    } catch (error) {
      if (error.name === 'AbortError') return;
      ui.status.textContent = '';
      showError(error.detail ?? String(error.message));
    }
  }

  function takeFile(file) {
    if (!file) return;
    run({ file }, file);
  }

  ui.fileInput.addEventListener('change', () => {
    takeFile(ui.fileInput.files[0]);
    ui.fileInput.value = ''; // choosing the same file again predicts again
  });
  ui.clear.addEventListener('click', () => {
    drawing.clear();
    clearResult();
  });
  for (const type of ['dragenter', 'dragover']) {
    ui.dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      ui.dropZone.classList.add('dragging');
    });
  }
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('dragging');
    takeFile(event.dataTransfer?.files?.[0]);
  });

  function renderModel() {
    if (!model) return;
    const predicts = Boolean(model.dataset) && model.num_classes != null;
    ui.unavailable.hidden = predicts;
    ui.unavailable.textContent = predicts ? '' : t('predict.notClassifier');
    ui.body.hidden = !predicts;
    ui.drawArea.hidden = model.dataset !== 'mnist';
    ui.notice.hidden = model.trained !== false;
    const trained = models.filter((m) => m.trained).map(titleOf);
    ui.noticeText.textContent = [
      t('predict.untrainedText', { model: titleOf(model) }),
      trained.length ? t('predict.trainedOnes', { names: trained.join(', ') }) : '',
    ].join(' ');
  }

  return {
    /** A new model: forget the last result and the drawing. */
    setModel(next, allModels) {
      const changed = next?.name !== model?.name;
      model = next;
      models = allModels ?? models;
      if (changed) {
        controller?.abort();
        clearResult();
        drawing.clear();
        ui.uploadFigure.hidden = true;
      }
      renderModel();
    },
    /** Language switch: rewrite what this panel wrote itself. */
    retranslate() {
      renderModel();
      renderResult();
    },
  };
}
