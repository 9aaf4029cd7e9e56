/**
 * The first diagram waits for two answers: the model list and the summary of the model the
 * link names (`/#vgg16`). This is a classic script, first in <head>: it runs as soon as it
 * arrives, before the page's first layout and while the modules are still loading (an `async`
 * module was measured to run only after that layout, ~0.5 s later under load), and asks for
 * both. api.js then takes the answers (`globalThis.cnnExplorerEarly.take`) instead of asking
 * again: once each, and only for the language they were asked in (the server words its answers
 * in it). Not a module, so it imports nothing: the language rule is i18n.js's initialLanguage()
 * (frontend/tests/early.test.mjs keeps the two equal).
 */
(() => {
  const STORAGE_KEY = 'cnn-explorer.lang'; // i18n.js's
  const SIMPLE_NAME = /^[A-Za-z0-9_.-]{1,64}$/; // zoo models and runs; a custom network is longer
  const started = new Map(); // path -> {lang, response: Promise<Response | null>}

  function language() {
    let saved = null;
    try {
      saved = localStorage.getItem(STORAGE_KEY);
    } catch {
      // storage disabled: the browser's language
    }
    if (saved === 'en' || saved === 'ko') return saved;
    const browser = (globalThis.navigator?.language ?? 'en').toLowerCase();
    return browser.startsWith('ko') ? 'ko' : 'en';
  }

  function ask(path, lang) {
    const headers = { Accept: 'application/json', 'Accept-Language': lang };
    // A failure gives null: api.js asks again and reports it in its own words.
    started.set(path, { lang, response: fetch(path, { headers }).catch(() => null) });
  }

  function start(location) {
    const lang = language();
    ask('models', lang);
    let name;
    try {
      name = decodeURIComponent(location.hash.slice(1));
    } catch {
      return; // a malformed link: the page says so once the list is there
    }
    if (SIMPLE_NAME.test(name)) ask(`models/${encodeURIComponent(name)}/summary`, lang);
  }

  /** The early answer for a GET of `path` in `lang` (a promise), or null: ask as usual. */
  function take(path, lang) {
    const entry = started.get(path);
    if (!entry) return null;
    started.delete(path);
    return entry.lang === lang ? entry.response : null;
  }

  globalThis.cnnExplorerEarly = { start, take, language };
  if (globalThis.document && globalThis.location) start(globalThis.location);
})();
