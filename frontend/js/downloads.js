/**
 * The download buttons beside the view tabs: the diagram as SVG (styles written onto the
 * elements) and PNG (that SVG drawn on a canvas), the summary as JSON and CSV, and the model
 * as ONNX for the current input size (exported by the server, which takes seconds).
 */

import * as api from './api.js';
import { exportSvg } from './diagram/render.js';
import { $ } from './dom.js';
import { download, exportFileName, summaryToCsv, summaryToJson, svgToPng } from './export.js';
import { store } from './state.js';

/** The picture's file name: the paper view's says so. */
function pictureName(summary, extension) {
  return exportFileName(summary, extension, { paper: Boolean(store.get().paperView) });
}

/** svg(): the diagram's SVG element as drawn now. */
export function createDownloads({ t, svg }) {
  $('dl-svg').addEventListener('click', () => {
    const { summary } = store.get();
    if (svg() && summary) download(exportSvg(svg()), pictureName(summary, 'svg'), 'image/svg+xml');
  });
  $('dl-png').addEventListener('click', async () => {
    const { summary } = store.get();
    if (!svg() || !summary) return;
    const { width, height } = svg().viewBox.baseVal;
    try {
      const png = await svgToPng(exportSvg(svg()), width, height);
      download(png, pictureName(summary, 'png'), 'image/png');
    } catch (error) {
      showDownloadError(String(error.message ?? error));
    }
  });
  function showDownloadError(message) {
    $('download-error').textContent = message ?? '';
    $('download-error').hidden = !message;
  }
  $('dl-onnx').addEventListener('click', async () => {
    const { model, params } = store.get();
    if (!model) return;
    const button = $('dl-onnx');
    button.disabled = true;
    showDownloadError(null);
    $('download-status').textContent = t('view.onnxRunning');
    try {
      const file = await api.exportOnnx(model.name, params ?? {});
      download(file.blob, file.filename, 'application/octet-stream');
      $('download-status').textContent = t(file.trained ? 'view.onnxDone' : 'view.onnxDoneRandom', { name: file.filename });
    } catch (error) {
      $('download-status').textContent = '';
      showDownloadError(t('view.onnxFailed', { detail: error.detail ?? error.message }));
    } finally {
      button.disabled = false;
    }
  });
  $('dl-json').addEventListener('click', () => {
    const { summary } = store.get();
    if (summary) download(summaryToJson(summary), exportFileName(summary, 'json'), 'application/json');
  });
  $('dl-csv').addEventListener('click', () => {
    const { summary } = store.get();
    if (summary) download(summaryToCsv(summary), exportFileName(summary, 'csv'), 'text/csv');
  });
}
