/**
 * The page's language: the remembered choice, t() over the one home of its strings (i18n/en.js
 * and i18n/ko.js, same keys), and translatePage() for static text in index.html, which carries
 * `data-i18n="key"` (text) or `data-i18n-label="key"` (aria-label).
 */

import { en } from './i18n/en.js';
import { josa } from './i18n/josa.js';
import { ko } from './i18n/ko.js';

const STORAGE_KEY = 'cnn-explorer.lang';
export const LANGUAGES = ['en', 'ko'];

const DICTIONARIES = { en, ko };
let current = 'en';

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

export function getLanguage() {
  return current;
}

export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not remembered; the page still switches
  }
  return current;
}

/**
 * `template` with each {name} replaced by params[name]; {name|은/는} also appends the particle
 * that fits the value (josa.js). A name without a value stays as written.
 */
export function fill(template, params = {}) {
  return template.replace(/\{(\w+)(?:\|([^{}]+))?\}/g, (whole, name, pair) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    return pair ? value + josa(value, pair) : value;
  });
}

/** Text for `key` in the current language with {placeholders} filled in. */
export function t(key, params = {}) {
  return fill(DICTIONARIES[current][key] ?? DICTIONARIES.en[key] ?? key, params);
}

/** A model's title in the current language (the server sends `titles`; `title` is English). */
export function titleOf(model) {
  return model?.titles?.[current] ?? model?.title ?? '';
}

/** Rewrites every data-i18n / data-i18n-label element under `root`. */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
}

export const dictionaries = DICTIONARIES;
