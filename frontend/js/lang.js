/**
 * Which language the page starts in: the remembered choice, else the browser's. Kept apart from
 * i18n.js (and its dictionaries) so that early.js can send the right Accept-Language before the
 * dictionaries have arrived.
 */

export const STORAGE_KEY = 'cnn-explorer.lang';
export const LANGUAGES = ['en', 'ko'];

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

/** The remembered language, else the browser's (Korean for ko-*), else English. */
export function initialLanguage() {
  const saved = stored();
  if (LANGUAGES.includes(saved)) return saved;
  const browser = (globalThis.navigator?.language ?? 'en').toLowerCase();
  return browser.startsWith('ko') ? 'ko' : 'en';
}
