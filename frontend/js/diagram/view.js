/**
 * The diagram on the page: mounts render.js's SVG in its scroll box, zooms (fit to width on
 * load, buttons, Ctrl + wheel), and turns pointer and keyboard input into hover, select and
 * collapse requests. What is selected lives in state.js; this module only reports and shows.
 */

import { renderPaper } from './paper-render.js';
import { highlight, renderDiagram } from './render.js';

const MIN_ZOOM = 0.3;
const MAX_ZOOM = 2.5;
const FIT_ALL_MIN = 0.08; // ResNet-34 expanded is very tall; "Fit" still shows all of it

/** onDrawn(layout, zoom): after a new picture or zoom, for the overview strip (minimap.js). */
export function createDiagramView(scroll, { t, onHover, onSelect, onToggle, onZoom, onDrawn = () => {} }) {
  let svg = null;
  let layout = null;
  let zoom = 1;

  function fitZoom() {
    if (!layout) return 1;
    const available = Math.max(scroll.clientWidth - 4, 200);
    return Math.min(1, Math.max(MIN_ZOOM, available / layout.width));
  }

  /** The whole network in view, height too (VGG16's 40-odd layers at once). */
  function fitAllZoom() {
    if (!layout) return 1;
    const across = Math.max(scroll.clientWidth - 4, 100) / layout.width;
    const down = Math.max(scroll.clientHeight - 4, 100) / layout.height;
    return Math.min(1, Math.max(FIT_ALL_MIN, Math.min(across, down)));
  }

  /** requested: a factor, null (fit the width) or 'all' (fit the whole network). */
  function sizeTo(requested) {
    if (requested === 'all') zoom = fitAllZoom();
    else zoom = requested == null ? fitZoom() : Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, requested));
    svg.setAttribute('width', Math.round(layout.width * zoom));
    svg.setAttribute('height', Math.round(layout.height * zoom));
  }

  function applyZoom(requested) {
    if (!svg || !layout) return;
    sizeTo(requested);
    onDrawn(layout, zoom);
  }

  function blockElement(id) {
    return svg ? svg.querySelector(`.block[data-id="${id}"]`) : null;
  }

  /** Draws `next`; keeps the scroll position when it is the same model redrawn. */
  function show(next, { title, zoom: requested, keepScroll }) {
    const top = scroll.scrollTop;
    const left = scroll.scrollLeft;
    layout = next;
    svg = layout.paper ? renderPaper(layout, { t, title }) : renderDiagram(layout, { t, title });
    scroll.replaceChildren(svg);
    sizeTo(requested);
    if (keepScroll) {
      scroll.scrollTop = top;
      scroll.scrollLeft = left;
    } else {
      scroll.scrollTop = 0;
      scroll.scrollLeft = 0;
    }
    onDrawn(layout, zoom);
  }

  function mark(selected, hovered) {
    if (!svg) return;
    highlight(svg, selected, 'selected');
    highlight(svg, hovered, 'hover');
  }

  /** Brings the selected block into view and gives it focus for screen readers. */
  function reveal(id) {
    const node = blockElement(id);
    if (!node) return;
    node.focus({ preventScroll: true });
    const box = node.getBoundingClientRect();
    const view = scroll.getBoundingClientRect();
    if (box.top < view.top + 8 || box.bottom > view.bottom - 8) {
      scroll.scrollTop += box.top - view.top - view.height / 2 + box.height / 2;
    }
    if (box.left < view.left || box.right > view.right) {
      scroll.scrollLeft += box.left - view.left - view.width / 2 + box.width / 2;
    }
  }

  function idFrom(target) {
    const node = target.closest?.('[data-id]');
    return node && svg?.contains(node) ? node.dataset.id : null;
  }

  scroll.addEventListener('pointerover', (event) => onHover(idFrom(event.target)));
  scroll.addEventListener('pointerleave', () => onHover(null));
  scroll.addEventListener('click', (event) => {
    const toggle = event.target.closest('[data-toggle]');
    if (toggle) {
      onToggle(toggle.dataset.toggle);
      return;
    }
    const label = event.target.closest('.frame-label');
    if (label) {
      onSelect(label.parentNode.dataset.frameId, { fromPointer: true });
      return;
    }
    const id = idFrom(event.target);
    if (id) onSelect(id, { fromPointer: true });
  });

  scroll.addEventListener('keydown', (event) => {
    if (!layout) return;
    const toggle = event.target.closest?.('[data-toggle]');
    if (toggle && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onToggle(toggle.dataset.toggle);
      return;
    }
    const order = layout.order;
    const current = order.indexOf(idFrom(event.target) ?? scroll.dataset.selected ?? '');
    let next;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = order[Math.min(current + 1, order.length - 1)];
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = current < 0 ? order[0] : order[Math.max(current - 1, 0)];
        break;
      case 'Home':
        next = order[0];
        break;
      case 'End':
        next = order[order.length - 1];
        break;
      case 'Enter': {
        const block = layout.blocks.find((b) => b.id === order[current]);
        if (block?.kind === 'container' && block.collapsed) {
          event.preventDefault();
          onToggle(block.container);
        }
        return;
      }
      case 'Escape':
        event.preventDefault();
        onSelect(null, {});
        scroll.focus({ preventScroll: true });
        return;
      case '+':
      case '=':
        onZoom(zoom * 1.2);
        return;
      case '-':
        onZoom(zoom / 1.2);
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next) onSelect(next, { fromKeyboard: true });
  });

  scroll.addEventListener(
    'wheel',
    (event) => {
      if (!event.ctrlKey || !layout) return;
      event.preventDefault();
      onZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
    },
    { passive: false },
  );

  return {
    show,
    mark,
    reveal,
    applyZoom,
    get zoom() {
      return zoom;
    },
    get svg() {
      return svg;
    },
  };
}
