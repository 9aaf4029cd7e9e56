/**
 * The one module that talks to the backend. Every failure becomes an ApiError carrying the
 * server's `detail` sentence (and `field` / `layer` when the server names them), so the page
 * can show it beside the control that caused it.
 */

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const detail = body && typeof body.detail === 'string' ? body.detail : fallback;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.body = body ?? {};
    this.layer = body?.layer ?? null;
    // Validation errors name the query parameter: {"errors": [{"loc": ["query", "height"]}]}
    const loc = Array.isArray(body?.errors) ? body.errors[0]?.loc : null;
    this.field = Array.isArray(loc) ? String(loc[loc.length - 1]) : null;
  }
}

async function request(path, init = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, ...init });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, null, 'The server could not be reached; check that it is running.');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body, `The server answered ${response.status}.`);
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
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ image: dataUrl }),
    signal,
  });
}
