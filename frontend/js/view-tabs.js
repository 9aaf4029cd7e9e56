/**
 * The tabs above the centre panel (diagram, layer table, compare, train): click or arrow keys
 * switch `view` in the store; render() shows the chosen panel and hides the others.
 */

import { $ } from './dom.js';

export const VIEWS = ['diagram', 'table', 'compare', 'train'];

/** onShown(name): after a panel became visible (the diagram fits itself again then). */
export function createViewTabs(store, { onShown }) {
  for (const [i, name] of VIEWS.entries()) {
    const tab = $(`tab-${name}`);
    tab.addEventListener('click', () => store.set({ view: name }));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const step = event.key === 'ArrowRight' ? 1 : -1;
      const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length];
      store.set({ view: next });
      $(`tab-${next}`).focus();
    });
  }

  function render() {
    const { view: current } = store.get();
    for (const [name, tab] of VIEWS.map((v) => [v, $(`tab-${v}`)])) {
      const active = name === current;
      tab.setAttribute('aria-selected', String(active));
      tab.tabIndex = active ? 0 : -1;
      $(`view-${name}`).hidden = !active;
    }
    onShown(current);
  }

  return { render };
}
