/**
 * The Code panel beside the diagram: the model's code (the lecture notes' own for the seed's
 * networks, with every OCR correction marked; the builder source for the others) with line
 * numbers, and print(model) as a second tab. The selected block's lines are highlighted (the
 * line that made it strongest, with VGG's cfg entry marked inside its line); clicking a line
 * asks for its row through `onPickLine`.
 */

import * as api from './api.js';
import { correctionAt, linesForRow } from './code-map.js';
import { node } from './dom.js';


/**
 * panel: the aside; toggle: the "Code" checkbox that shows it beside the diagram (`split`);
 * isCurrent(name): whether a loaded model is still the one shown; onResize: the diagram's
 * width changed (refit it); onPickLine(line): a line was clicked.
 */
export function createCodeView(panel, { t, toggle, split, isCurrent, onResize, onPickLine }) {
  const body = panel.querySelector('.code-body');
  const origin = panel.querySelector('.code-origin');
  const tabs = [...panel.querySelectorAll('[data-code-tab]')];
  let source = null;
  let status = null; // null | 'loading' | error sentence
  let tab = 'code';
  let marked = null; // row name highlighted

  function lineNode(n, text) {
    const li = node('li', 'code-line');
    li.dataset.line = String(n);
    li.append(node('span', 'ln', String(n)));
    const code = node('code', 'src', text || ' ');
    li.append(code);
    const fix = correctionAt(source, n);
    if (fix) {
      li.classList.add('corrected');
      li.title = `${t('code.corrected', { original: fix.original.map((s) => s.trim()).join(' ⏎ ') })}\n${(fix.reasons[document.documentElement.lang] ?? fix.reasons.en).join(' ')}`;
    }
    return li;
  }

  function renderCode() {
    body.replaceChildren();
    if (status) {
      body.append(node('p', status === 'loading' ? 'placeholder' : 'error-text', status === 'loading' ? t('code.loading') : t('code.error', { detail: status })));
      return;
    }
    if (!source) return;
    if (tab === 'print') {
      body.append(node('pre', 'print-model', source.print_model));
      return;
    }
    const list = node('ol', 'code-lines');
    list.setAttribute('aria-label', source.path);
    source.code.split('\n').forEach((text, i) => {
      if (i === source.line_count && text === '') return;
      list.append(lineNode(i + 1, text));
    });
    body.append(list);
    mark(marked, { scroll: false });
  }

  function renderOrigin() {
    origin.replaceChildren();
    if (!source) return;
    origin.dataset.origin = source.origin;
    if (source.origin === 'notes') {
      origin.textContent = t('code.notes', { n: source.corrections.length });
    } else if (source.origin === 'generated') {
      const link = node('a', null, source.path.replace(/^\//, ''));
      link.href = source.path.replace(/^\//, ''); // relative: the page may be served under a prefix
      link.target = '_blank';
      origin.append(t('code.generated'), ' ', link);
    } else {
      origin.textContent = t('code.builder', { path: source.path });
    }
  }

  function render() {
    for (const button of tabs) {
      const active = button.dataset.codeTab === tab;
      button.setAttribute('aria-selected', String(active));
      button.tabIndex = active ? 0 : -1;
    }
    renderOrigin();
    renderCode();
  }

  /** Highlight the lines of row `name` and scroll the first into view. */
  function mark(name, { scroll = true } = {}) {
    marked = name;
    for (const li of body.querySelectorAll('.code-line.hl, .code-line.hl-context')) {
      li.classList.remove('hl', 'hl-context');
      const code = li.querySelector('code');
      if (code.querySelector('mark')) code.replaceChildren(code.textContent); // drop the cfg mark
    }
    panel.dataset.marked = name ?? '';
    if (!name || !source || tab !== 'code') return;
    const { primary, context, spans } = linesForRow(source, name);
    panel.dataset.line = primary ?? '';
    const at = (n) => body.querySelector(`.code-line[data-line="${n}"]`);
    for (const n of context) at(n)?.classList.add('hl-context');
    const first = primary ? at(primary) : null;
    first?.classList.add('hl');
    for (const span of spans) {
      const code = at(span.line)?.querySelector('code');
      if (!code) continue;
      const text = code.textContent;
      code.replaceChildren(text.slice(0, span.start), node('mark', 'cfg-entry', text.slice(span.start, span.end)), text.slice(span.end));
    }
    if (scroll && first) first.scrollIntoView({ block: 'nearest' });
  }

  body.addEventListener('click', (event) => {
    const li = event.target.closest('.code-line');
    if (li) onPickLine(Number(li.dataset.line));
  });
  for (const button of tabs) {
    button.addEventListener('click', () => {
      tab = button.dataset.codeTab;
      render();
    });
  }

  function setSource(next, nextStatus = null) {
    source = next;
    status = nextStatus;
    render();
  }

  function show(shown) {
    split.classList.toggle('with-code', shown);
    panel.hidden = !shown;
    onResize();
  }
  toggle.addEventListener('change', () => show(toggle.checked));
  show(toggle.checked);

  return {
    setSource,
    /** GET /models/{name}/source (cached by api.js), shown unless another model came since. */
    async load(name) {
      setSource(null, 'loading');
      try {
        const answer = await api.getSource(name);
        if (isCurrent(name)) setSource(answer);
      } catch (error) {
        if (isCurrent(name)) setSource(null, error.detail ?? String(error));
      }
    },
    mark,
    retranslate: render,
    get source() {
      return source;
    },
  };
}
