/**
 * The one module that talks to the backend. Every failure becomes an ApiError carrying the
 * server's `detail` sentence (and `field` / `layer` when the server names them), so the page
 * can show it beside the control that caused it. The page's language goes with every request
 * (Accept-Language), and the client's own sentences come from the same dictionaries.
 */

import { getLanguage, t } from './i18n.js';

/**
 * The request parameters an error body names: `fields` (every one that failed), else `field`,
 * else the locations of a validation error ({"errors": [{"loc": ["query", "height"]}]}).
 */
export function fieldsOf(body) {
  if (Array.isArray(body?.fields)) return body.fields.map(String);
  if (typeof body?.field === 'string') return [body.field];
  if (!Array.isArray(body?.errors)) return [];
  const names = body.errors.map((e) => (Array.isArray(e?.loc) ? String(e.loc[e.loc.length - 1]) : null));
  return [...new Set(names.filter(Boolean))];
}

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const detail = body && typeof body.detail === 'string' ? body.detail : fallback;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.body = body ?? {};
    this.layer = body?.layer ?? null;
    this.fields = fieldsOf(body);
    this.field = this.fields[0] ?? null;
  }
}

/** JSON answers, in the page's language (the server localises its error sentences). */
function headers() {
  return { Accept: 'application/json', 'Accept-Language': getLanguage() };
}

async function request(path, init = {}) {
  let response;
  try {
    // The list and the linked model's summary may already be on their way (early.js).
    const early = init.method || init.body ? null : globalThis.cnnExplorerEarly?.take(path, getLanguage());
    response = (early && (await early)) ?? (await fetch(path, { ...init, headers: { ...headers(), ...init.headers } }));
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, null, t('error.network'));
  }
  const body = await response.json().catch(() => null); // an empty or non-JSON body
  if (!response.ok) throw new ApiError(response.status, body, t('error.status', { status: response.status }));
  return body;
}

// Paths are relative so the page also works when served under a prefix.
const summaries = new Map(); // query string → summary; summaries of a model never change

export function listModels() {
  return request('models');
}

export function getModel(name) {
  return request(`models/${encodeURIComponent(name)}`);
}

/**
 * POST /architectures: a network in the seed's vocabulary ({family: 'vgg', cfg: [...], ...}) ->
 * {name, spec, params, ...}; a refused spec is an ApiError whose body names the `field`.
 */
export function createArchitecture(spec) {
  return request('architectures', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  });
}

/** params: {height, width, batch_size, num_classes}; null or '' values are left out. */
export function summaryUrl(name, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const qs = query.toString();
  return `models/${encodeURIComponent(name)}/summary${qs ? `?${qs}` : ''}`;
}

export async function getSummary(name, params, { signal } = {}) {
  const url = summaryUrl(name, params);
  if (summaries.has(url)) return summaries.get(url);
  const summary = await request(url, { signal });
  summaries.set(url, summary);
  return summary;
}

/**
 * Runs the model on one image: `file` (a File or Blob, sent as multipart) or `dataUrl`
 * (a canvas's toDataURL(), sent as JSON).
 */
export function predict(name, { file = null, dataUrl = null, topK = 5 } = {}, { signal } = {}) {
  const url = `models/${encodeURIComponent(name)}/predict?top_k=${topK}&preview=true`;
  if (file) {
    const form = new FormData();
    form.append('file', file, file.name || 'image');
    return request(url, { method: 'POST', body: form, signal });
  }
  return request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ image: dataUrl }),
    signal,
  });
}

// ---------------------------------------------------------------- analysis (issues 8 and 9)

function query(params = {}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The image a prediction was made from, in the body predict takes (multipart or JSON). */
function imageBody({ file = null, dataUrl = null }) {
  if (file) {
    const form = new FormData();
    form.append('file', file, file.name || 'image');
    return { body: form };
  }
  return {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ image: dataUrl }),
  };
}

const fieldCache = new Map(); // receptive fields depend only on the model and the input size

/** GET /models/{name}/receptive_field: size, jump and start at every summary row. */
export async function getReceptiveFields(name, { height, width } = {}) {
  const url = `models/${encodeURIComponent(name)}/receptive_field${query({ height, width })}`;
  if (!fieldCache.has(url)) {
    const pending = request(url);
    fieldCache.set(url, pending);
    pending.catch(() => fieldCache.delete(url));
  }
  return fieldCache.get(url);
}

/** POST /models/{name}/feature_maps for the image `input` ({file} or {dataUrl}). */
export function featureMaps(name, input, { layer, call = 1, maxChannels = 32, scale = 'per_map' }, { signal } = {}) {
  const url = `models/${encodeURIComponent(name)}/feature_maps${query({
    layer,
    call: call > 1 ? call : null,
    max_channels: maxChannels,
    scale,
  })}`;
  return request(url, { method: 'POST', ...imageBody(input), signal });
}

/** POST /models/{name}/gradcam: the heat map of one class on one layer (defaults: the API's). */
export function gradCam(name, input, { layer = null, call = 1, classIndex = null, method = 'gradcam' }, { signal } = {}) {
  const url = `models/${encodeURIComponent(name)}/gradcam${query({
    layer,
    call: layer && call > 1 ? call : null,
    class_index: classIndex,
    method,
  })}`;
  return request(url, { method: 'POST', ...imageBody(input), signal });
}

const sourceCache = new Map(); // a model's code never changes while the server runs

/** GET /models/{name}/source: the code, its row -> line map and print(model). */
export function getSource(name) {
  const url = `models/${encodeURIComponent(name)}/source`;
  if (!sourceCache.has(url)) {
    const pending = request(url);
    sourceCache.set(url, pending);
    pending.catch(() => sourceCache.delete(url));
  }
  return sourceCache.get(url);
}

/** POST /models/{name}/conv_step: one output unit of a conv or max-pool layer, step by step. */
export function convStep(name, input, { layer, call = 1, channel = 0, row = null, col = null, maxInputs = 8 }, { signal } = {}) {
  const url = `models/${encodeURIComponent(name)}/conv_step${query({
    layer,
    call: call > 1 ? call : null,
    channel,
    row,
    col,
    max_inputs: maxInputs,
  })}`;
  return request(url, { method: 'POST', ...imageBody(input), signal });
}

/**
 * GET /compare: models side by side by stage, at one common `size`, or each at its own input
 * size when `size` is null (a CIFAR network is never scaled up to ImageNet's 224 px unasked).
 */
export function compare(names, size = null, { signal } = {}) {
  return request(`compare${query({ models: names.join(','), size, sizes: size == null ? 'own' : null })}`, { signal });
}

const lessonCache = new Map();

/** GET /gradients/skip_connections (kind 'skip') or /gradients/activations (kind 'activations'). */
export function gradientLesson(kind, params) {
  const path = kind === 'skip' ? 'gradients/skip_connections' : 'gradients/activations';
  const url = `${path}${query(params)}`;
  if (!lessonCache.has(url)) {
    const pending = request(url);
    lessonCache.set(url, pending);
    pending.catch(() => lessonCache.delete(url));
  }
  return lessonCache.get(url);
}

/**
 * GET /models/{name}/export.onnx for the current input size: {blob, filename, trained}. The
 * export takes seconds; errors (a size the model cannot take, another export running) come
 * back as ApiError with the server's sentence.
 */
export async function exportOnnx(name, { height, width, num_classes: numClasses } = {}) {
  const url = `models/${encodeURIComponent(name)}/export.onnx${query({ height, width, num_classes: numClasses })}`;
  let response;
  try {
    response = await fetch(url, { headers: { 'Accept-Language': getLanguage() } });
  } catch {
    throw new ApiError(0, null, t('error.network'));
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body, t('error.status', { status: response.status }));
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${name}.onnx`;
  return {
    blob: await response.blob(),
    filename,
    trained: response.headers.get('X-Model-Trained') === 'true',
  };
}

// ---------------------------------------------------------------- training lab

function postJson(path, body) {
  return request(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

export const startRun = (settings) => postJson('training/runs', settings);
export const listRuns = () => request('training/runs');
export const getRun = (id) => request(`training/runs/${encodeURIComponent(id)}`);
export const listPresets = () => request('training/presets');
export const startPreset = (name) => postJson(`training/presets/${encodeURIComponent(name)}`);
export const runEventsUrl = (id) => `training/runs/${encodeURIComponent(id)}/events`;

/** Cancels a queued or running run (its record), or deletes a finished one (null). */
export async function deleteRun(id) {
  const response = await fetch(`training/runs/${encodeURIComponent(id)}`, { method: 'DELETE' });
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body, `The server answered ${response.status}.`);
  return body;
}

// ---------------------------------------------------------------- published weights (issue 15)

/** GET /weights: per classifier, trained or not, published weights, and a download's state. */
export function listWeights() {
  return request('weights');
}

/** POST /weights/{name}/download: starts the server's download, or joins the one under way. */
export function startWeightsDownload(name) {
  return request(`weights/${encodeURIComponent(name)}/download`, { method: 'POST' });
}

/** GET /weights/{name}: the model's entry; `download` is idle, running, done or failed. */
export async function weightsDownload(name) {
  const entry = await request(`weights/${encodeURIComponent(name)}`);
  return entry.download ?? { model: name, state: 'idle', bytes_done: 0 };
}
