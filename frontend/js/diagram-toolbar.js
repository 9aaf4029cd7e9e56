/**
 * The toolbar above the diagram: paper view, fold activations, the collapse level (every layer,
 * stages, top level), collapse/expand all and zoom (−, Fit, +); and the refit that keeps a fitted
 * diagram fitted when its box changes size (window resize, the code panel, a tab shown).
 */

import { containerNames } from './diagram/layout.js';
import { withStages } from './diagram/stages.js';
import { $ } from './dom.js';

export function createDiagramToolbar(store, view) {
  function renderZoomLevel() {
    $('zoom-level').textContent = `${Math.round(view.zoom * 100)} %`;
  }

  /** A diagram fitted to its box (width or whole) is fitted again; a chosen zoom stays. */
  function refit() {
    const { zoom } = store.get();
    if (zoom === null || zoom === 'all') {
      view.applyZoom(zoom);
      renderZoomLevel();
    }
  }

  function collapseTo(level) {
    const summary = store.get().summary;
    if (!summary) return;
    if (level === 'stages') {
      store.set({ level, collapsed: new Set(withStages(summary).names) });
    } else if (level === 'top') {
      const topLevel = containerNames(summary.layers).filter((name) => !name.includes('.'));
      store.set({ level, collapsed: new Set(topLevel) });
    } else {
      store.set({ level: 'layers', collapsed: new Set() });
    }
  }

  $('paper-view').addEventListener('change', (event) => {
    store.set({ paperView: event.target.checked, zoom: null, hovered: null });
  });
  $('fold-activations').addEventListener('change', (event) => {
    store.set({ foldActivations: event.target.checked });
  });
  $('collapse-level').addEventListener('change', (event) => collapseTo(event.target.value));
  $('collapse-all').addEventListener('click', () => collapseTo('top'));
  $('expand-all').addEventListener('click', () => collapseTo('layers'));
  $('zoom-in').addEventListener('click', () => store.set({ zoom: view.zoom * 1.2 }));
  $('zoom-out').addEventListener('click', () => store.set({ zoom: view.zoom / 1.2 }));
  $('zoom-fit').addEventListener('click', () => {
    store.set({ zoom: 'all' });
    view.applyZoom('all');
    renderZoomLevel();
  });

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(refit, 100);
  });

  return { renderZoomLevel, refit };
}
