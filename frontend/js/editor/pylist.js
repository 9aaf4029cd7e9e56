/**
 * The seed's cfg notation as text: `[64, 64, 'M', 128, ...]` parsed exactly as Python would
 * read the list (quotes ' or ", a trailing comma, an assignment such as `cfg = ` before it),
 * and written back the way the seed writes it. Pure: no DOM.
 */

const NUMBER = /^[1-9][0-9]*$/;
const POOL = /^(?:'M'|"M"|M)$/;

/**
 * Text -> {values} (numbers and 'M') or {error: {key, index, token}}; key is an i18n key
 * (editor.parse.*) and index the entry at fault (null for the whole text).
 */
export function parseCfg(text) {
  let body = String(text).trim();
  const open = body.indexOf('[');
  const close = body.lastIndexOf(']');
  if (open !== -1 || close !== -1) {
    if (open === -1 || close < open) return { error: { key: 'editor.parse.brackets', index: null, token: '' } };
    if (body.slice(close + 1).trim() !== '') return { error: { key: 'editor.parse.after', index: null, token: body.slice(close + 1).trim() } };
    body = body.slice(open + 1, close);
  }
  const tokens = body.split(',').map((token) => token.trim());
  if (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop(); // a trailing comma
  if (tokens.length === 0) return { error: { key: 'editor.parse.empty', index: null, token: '' } };
  const values = [];
  for (const [index, token] of tokens.entries()) {
    if (NUMBER.test(token)) values.push(Number(token));
    else if (POOL.test(token)) values.push('M');
    else return { error: { key: 'editor.parse.entry', index, token } };
  }
  return { values };
}

/** Values -> the seed's spelling: `[64, 64, 'M', 128]`. */
export function formatCfg(values) {
  return `[${values.map((v) => (v === 'M' ? "'M'" : String(v))).join(', ')}]`;
}

/** "4096, 4096" (or "[4096, 4096]", or "") -> numbers, or null when an entry is not one. */
export function parseNumbers(text) {
  const body = String(text).trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (body === '') return [];
  const tokens = body.split(',').map((token) => token.trim());
  if (tokens[tokens.length - 1] === '') tokens.pop();
  return tokens.every((token) => NUMBER.test(token)) ? tokens.map(Number) : null;
}
