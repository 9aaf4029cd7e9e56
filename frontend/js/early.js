/**
 * The first diagram waits for two answers: the model list and the summary of the model the
 * link names (`/#vgg16`). index.html runs this module on its own (`async`), as soon as it and
 * lang.js arrive, so both requests go out while the rest of the page's modules are still
 * loading; api.js then takes the answers instead of asking again (once each, and only for the
 * language they were asked in: the server words its answers in it).
 */

import { initialLanguage } from './lang.js';

const started = new Map(); // path -> {lang, response: Promise<Response | null>}

/** A name a link can carry for a summary: zoo models and runs; a custom network is longer. */
const SIMPLE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function start(path, lang) {
  const response = fetch(path, { headers: { Accept: 'application/json', 'Accept-Language': lang } })
    .catch(() => null); // api.js asks again and reports the failure in its own words
  started.set(path, { lang, response });
}

/** The early answer for a GET of `path` in `lang`, or null (then ask as usual). */
export function takeEarly(path, lang) {
  const entry = started.get(path);
  if (!entry) return null;
  started.delete(path);
  return entry.lang === lang ? entry.response : null;
}

export function startEarly(location = globalThis.location) {
  if (!location) return;
  const lang = initialLanguage();
  start('models', lang);
  let name;
  try {
    name = decodeURIComponent(location.hash.slice(1));
  } catch {
    return; // a malformed link: main.js says so once the list is there
  }
  if (SIMPLE_NAME.test(name)) start(`models/${encodeURIComponent(name)}/summary`, lang);
}

// Started once, when the page loads this module (node tests import it without a location).
if (globalThis.document) startEarly();
