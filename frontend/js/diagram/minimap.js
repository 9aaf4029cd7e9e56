/**
 * The overview strip beside the diagram: the whole network as small marks coloured by kind (the
 * diagram's colours, from css via class names), and a rectangle for the part the scroll box
 * shows. Click or drag on it to scroll the diagram there; as a focusable scrollbar it takes the
 * arrow keys, Page Up/Down, Home and End. It shows only while the diagram does not fit its box.
 * The geometry is minimap-layout.js's; this module draws and wires it.
 */

import { svg as el } from '../dom.js';
import {
  blocksInView,
  fitsInView,
  MINIMAP,
  minimapLayout,
  scrollForPoint,
  scrolledPercent,
  viewportRect,
} from './minimap-layout.js';

const KEY_STEP = 0.25; // arrow keys scroll a quarter of the box
const PAGE_STEP = 0.9; // Page Up/Down a box, less a little overlap

/**
 * strip: the element beside `scroll` (role="scrollbar" in index.html); onResize: called after the
 * strip appeared or disappeared, since the diagram's box changed width (a fitted diagram refits).
 */
export function createMinimap(strip, scroll, { t, onResize }) {
  let layout = null;
  let zoom = 1;
  let map = null;
  let rect = null;
  let selected = null; // the diagram's selected block, outlined on its mark
  let settling = false; // showing/hiding the strip resized the box: no second decision for it
  let frame = 0;
  let draws = 0; // how many times the strip was drawn (see show)
  let drawn = { width: -1, height: -1 }; // the strip's width and the box's height last drawn for

  function box() {
    return {
      zoom,
      scrollTop: scroll.scrollTop,
      scrollLeft: scroll.scrollLeft,
      clientWidth: scroll.clientWidth,
      clientHeight: scroll.clientHeight,
      scrollHeight: scroll.scrollHeight,
    };
  }

  /** A new picture or zoom from the diagram view. */
  function show(nextLayout, nextZoom) {
    layout = nextLayout;
    zoom = nextZoom;
    // A hidden tab has no size to compare with: decide when it shows (the view refits then).
    if (!settling && scroll.clientHeight > 0) {
      const wanted = Boolean(layout && !layout.paper && !fitsInView(layout, box()));
      if (wanted === strip.hidden) {
        strip.hidden = !wanted;
        settling = true;
        const before = draws;
        try {
          onResize();
        } finally {
          settling = false;
        }
        // A fitted diagram was refitted to the new width, and its view showed it here again,
        // which drew the strip: drawing it a second time would cost another layout of the page.
        if (draws !== before) return;
      }
    }
    draw();
  }

  function draw() {
    draws += 1;
    if (strip.hidden || !layout || layout.paper || scroll.clientHeight === 0) {
      map = null;
      rect = null;
      strip.replaceChildren();
      return;
    }
    // The strip's width is the stylesheet's (narrower on a phone); its height the diagram box's.
    drawn = { width: strip.clientWidth, height: scroll.clientHeight };
    map = minimapLayout(layout, { width: drawn.width || MINIMAP.width, maxHeight: drawn.height });
    const picture = el('svg', {
      class: 'minimap-map',
      width: map.width,
      height: Math.ceil(map.height),
      viewBox: `0 0 ${map.width} ${map.height}`,
      'aria-hidden': 'true',
      focusable: 'false',
    });
    for (const f of map.frames) {
      picture.append(el('rect', { class: `minimap-frame${f.residual ? ' residual' : ''}`, x: f.x, y: f.y, width: f.w, height: f.h, rx: 1 }));
    }
    for (const m of map.marks) {
      picture.append(el('rect', { class: `minimap-mark kind-${m.kind}`, x: m.x, y: m.y, width: m.w, height: m.h, 'data-id': m.id }));
    }
    for (const a of map.adds) picture.append(el('circle', { class: 'minimap-add', cx: a.cx, cy: a.cy, r: a.r }));
    rect = el('rect', { class: 'minimap-view', rx: 2 });
    picture.append(rect);
    strip.replaceChildren(picture);
    strip.dataset.marks = String(map.marks.length);
    mark(selected);
    place();
  }

  /** Outlines the selected block's mark (null: none). */
  function mark(id) {
    selected = id;
    for (const node of strip.querySelectorAll('.minimap-mark.selected')) node.classList.remove('selected');
    if (id) strip.querySelector(`.minimap-mark[data-id="${CSS.escape(id)}"]`)?.classList.add('selected');
  }

  /** The rectangle and the spoken value follow the scroll box. */
  function place() {
    if (!map || !rect) return;
    const now = box();
    const view = viewportRect(map, now);
    rect.setAttribute('x', view.x);
    rect.setAttribute('y', view.y);
    rect.setAttribute('width', view.w);
    rect.setAttribute('height', view.h);
    strip.setAttribute('aria-valuenow', String(scrolledPercent(now)));
    const seen = blocksInView(layout, now);
    if (seen) strip.setAttribute('aria-valuetext', t('minimap.inView', seen));
    else strip.removeAttribute('aria-valuetext');
  }

  scroll.addEventListener(
    'scroll',
    () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    },
    { passive: true },
  );

  // The box changed size without a new zoom (a chosen zoom, the code panel): redraw to its height.
  // The box's width alone (the strip itself appearing) changes nothing the strip draws.
  new ResizeObserver(() => {
    if (strip.hidden) return;
    if (scroll.clientHeight !== drawn.height || strip.clientWidth !== drawn.width) draw();
  }).observe(scroll);

  function scrollTo(event) {
    const picture = strip.querySelector('svg');
    if (!map || !picture) return;
    const bounds = picture.getBoundingClientRect();
    const point = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
    const { top, left } = scrollForPoint(map, box(), point);
    scroll.scrollTop = top;
    scroll.scrollLeft = left;
  }

  strip.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || !map) return;
    event.preventDefault(); // no text selection while dragging; focus stays for the keys
    strip.focus({ preventScroll: true });
    strip.setPointerCapture?.(event.pointerId);
    strip.classList.add('dragging');
    scrollTo(event);
  });
  strip.addEventListener('pointermove', (event) => {
    if (strip.hasPointerCapture?.(event.pointerId)) scrollTo(event);
  });
  const stop = () => strip.classList.remove('dragging');
  strip.addEventListener('pointerup', stop);
  strip.addEventListener('pointercancel', stop);

  strip.addEventListener('keydown', (event) => {
    const down = scroll.clientHeight;
    const across = scroll.clientWidth;
    const moves = {
      ArrowDown: [down * KEY_STEP, 0],
      ArrowUp: [-down * KEY_STEP, 0],
      PageDown: [down * PAGE_STEP, 0],
      PageUp: [-down * PAGE_STEP, 0],
      ArrowRight: [0, across * KEY_STEP],
      ArrowLeft: [0, -across * KEY_STEP],
    };
    if (event.key === 'Home') scroll.scrollTop = 0;
    else if (event.key === 'End') scroll.scrollTop = scroll.scrollHeight;
    else if (moves[event.key]) {
      scroll.scrollTop += moves[event.key][0];
      scroll.scrollLeft += moves[event.key][1];
    } else return;
    event.preventDefault();
  });

  return {
    show,
    mark,
    /** The spoken value in the page's (new) language. */
    retranslate: place,
  };
}
