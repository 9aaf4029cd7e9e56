/**
 * Draws a layout (layout.js) as SVG: frames, shape ticks, edges, residual arcs with ⊕,
 * blocks and the parameter-share column. Colours come from css/app.css via class names, so
 * light and dark themes need nothing here. Also: highlighting and SVG export.
 */

import { SVG_NS, svg as el } from '../dom.js';
import { formatInt, formatPercent } from '../format.js';
import { GEOMETRY } from './layout.js';

const CHAR_W = 6.1; // average advance of the 11 px system font, for trimming labels
const HEAVY_SHARE = 0.2; // a block holding a fifth of the parameters is drawn as heavy

function fit(text, width, charW = CHAR_W) {
  const max = Math.floor(width / charW);
  return text.length <= max ? text : `${text.slice(0, Math.max(max - 1, 1))}…`;
}

/**
 * The block's accessible name. It begins with its tooltip's lines (name, label, shape) as
 * they read, so the text a person sees is part of the name (WCAG 2.5.3).
 */
function describeBlock(block, t) {
  // A split block shows each GPU's half: those words come first, as drawn.
  const drawn = block.halves ? halfTexts(block).flat().filter(Boolean) : [];
  const text = [block.name, ...drawn, block.label, block.shapeText].filter(Boolean).join(' ');
  return block.params > 0 ? `${text}, ${t('diagram.paramsOf', { n: formatInt(block.params) })}` : text;
}

/** A padlock left of a block whose weights are frozen (transfer learning). */
function lockNode(x, y, t) {
  const g = el('g', { class: 'lock', transform: `translate(${x} ${y})` });
  g.append(el('title', {}, t('diagram.frozenTitle')));
  g.append(el('path', { class: 'lock-shackle', d: 'M 2.5 6 V 4 a 3 3 0 0 1 6 0 V 6' }));
  g.append(el('rect', { class: 'lock-body', x: 0.5, y: 5.5, width: 10, height: 7.5, rx: 1.5 }));
  return g;
}

/** Each half's drawn text, shortened to fit: [label, shape] (shape null on a thin block). */
function halfTexts(block) {
  return block.halves.map((half) =>
    block.h >= 30
      ? [fit(block.halfLabel, half.w - 8), fit(`GPU ${half.gpu} · ${half.shapeText}`, half.w - 8, 5.6)]
      : [fit(block.halfLabel, half.w - 8, block.kind === 'act' ? 5 : CHAR_W), null],
  );
}

/** Two halves side by side, "GPU 1" and "GPU 2" (diagram/gpus.js). */
function halvesNodes(g, block) {
  // The gap between the halves still belongs to the block (hover, click).
  g.append(el('rect', { class: 'block-hit', x: block.x, y: block.y, width: block.w, height: block.h }));
  const texts = halfTexts(block);
  block.halves.forEach((half, i) => {
    const [label, shape] = texts[i];
    g.append(el('rect', { class: 'block-box gpu-half', x: half.x, y: block.y, width: half.w, height: block.h, rx: 4, 'data-gpu': half.gpu }));
    if (shape !== null) {
      g.append(el('text', { class: 'block-label', x: half.cx, y: block.y + 15 }, label));
      g.append(' '); // the label and the shape read as two words (accessible-name checks)
      g.append(el('text', { class: 'block-shape', x: half.cx, y: block.y + 30 }, shape));
    } else {
      const y = block.y + block.h / 2 + (block.kind === 'act' ? 3 : 4);
      const cls = block.kind === 'act' ? 'block-label thin' : 'block-label';
      g.append(el('text', { class: cls, x: half.cx, y }, label));
    }
    g.append(' ');
  });
}

function frozenNodes(g, block, t) {
  const parts = block.halves ?? [{ x: block.x, w: block.w }];
  for (const part of parts) {
    g.append(el('rect', { class: 'frozen-hatch', x: part.x, y: block.y, width: part.w, height: block.h, rx: 4 }));
  }
  if (block.params > 0 && block.h >= 20) g.append(lockNode(block.x - 16, block.y + block.h / 2 - 7, t));
}

function blockNode(block, t) {
  const classes = ['block', `kind-${block.kind}`];
  if (block.frozen) classes.push('frozen');
  if (block.halves) classes.push('split');
  if (block.share >= HEAVY_SHARE) classes.push('heavy');
  if (block.warn) classes.push('warn');
  if (block.inferred) classes.push('inferred');
  if (block.functional) classes.push('functional');
  if (block.residual) classes.push('residual');
  const g = el('g', {
    class: classes.join(' '),
    'data-id': block.id,
    'data-layer': block.row && block.row.is_leaf ? String(block.row.index) : null,
    'data-name': block.row ? block.name : null,
    'data-container': block.kind === 'container' ? block.container : null,
    'data-inferred': block.inferred ?? null,
    'data-functional': block.functional ? 'true' : null,
    'data-node': block.kind === 'input' ? 'input' : null,
    'data-frozen': block.frozen ? 'true' : null,
    'data-gpus': block.halves ? '2' : null,
    tabindex: '-1',
    role: 'button',
    'aria-label': describeBlock(block, t),
  });
  g.append(el('title', {}, `${block.name}\n${block.label}\n${block.shapeText}`));
  if (block.halves) {
    halvesNodes(g, block);
  } else {
    g.append(
      el('rect', { class: 'block-box', x: block.x, y: block.y, width: block.w, height: block.h, rx: 4 }),
    );
  }
  if (block.frozen) frozenNodes(g, block, t);
  const cx = block.x + block.w / 2;
  if (block.halves) return finishBlock(g, block, t); // each half carries its own text
  if (block.h >= 30) {
    g.append(el('text', { class: 'block-label', x: cx, y: block.y + 15 }, fit(block.label, block.w - 10)));
    g.append(' '); // the label and the shape read as two words (accessible-name checks)
    g.append(el('text', { class: 'block-shape', x: cx, y: block.y + 30 }, fit(block.shapeText, block.w - 10, 5.6)));
  } else {
    const cls = block.kind === 'act' ? 'block-label thin' : 'block-label';
    const text = block.kind === 'act' ? block.label : block.label;
    const y = block.y + block.h / 2 + (block.kind === 'act' ? 3 : 4);
    g.append(el('text', { class: cls, x: cx, y }, fit(text, block.w - 10, block.kind === 'act' ? 5 : CHAR_W)));
  }
  return finishBlock(g, block, t);
}

function finishBlock(g, block, t) {
  if (block.kind === 'container' && block.collapsed) {
    g.append(toggleNode(block.container, false, block.x + block.w - 20, block.y + 4, t));
  }
  return g;
}

/** The ▾/▸ button of a frame or a collapsed block. */
function toggleNode(name, expanded, x, y, t) {
  const key = expanded ? 'diagram.collapse' : 'diagram.expand';
  const g = el('g', {
    class: 'frame-toggle',
    'data-toggle': name,
    role: 'button',
    tabindex: '0',
    'aria-expanded': String(expanded),
    'aria-label': t(key, { name }),
  });
  g.append(el('title', {}, t(key, { name })));
  g.append(el('rect', { x, y, width: 16, height: 14, rx: 3 }));
  g.append(el('text', { x: x + 8, y: y + 11 }, expanded ? '▾' : '▸'));
  return g;
}

function frameNode(frame, t) {
  const g = el('g', {
    class: `frame level-${Math.min(frame.level, 4)}${frame.residual ? ' residual' : ''}${frame.lane === 'side' ? ' side' : ''}${frame.frozen ? ' frozen' : ''}`,
    'data-frame': frame.name,
    'data-frame-id': frame.id,
  });
  g.append(
    el('rect', {
      class: 'frame-box',
      x: frame.x0,
      y: frame.y0,
      width: frame.x1 - frame.x0,
      height: frame.y1 - frame.y0,
      rx: 6,
    }),
  );
  const labelX = frame.collapsible ? frame.x0 + 24 : frame.x0 + 8;
  const width = frame.x1 - labelX - 6;
  g.append(
    el(
      'text',
      { class: 'frame-label', x: labelX, y: frame.y0 + 14 },
      fit(`${frame.name} · ${frame.type}${frame.frozen ? ` · ${t('diagram.frozen')}` : ''}`, width, 5.8),
    ),
  );
  if (frame.collapsible) g.append(toggleNode(frame.name, true, frame.x0 + 4, frame.y0 + 3, t));
  return g;
}

function shareColumn(layout, t) {
  const { shareX } = layout.columns;
  const g = el('g', { class: 'shares' });
  g.append(el('text', { class: 'share-heading', x: shareX, y: 26 }, t('diagram.shareHeading')));
  for (const block of layout.blocks) {
    if (!(block.params > 0)) continue;
    const width = Math.max(1.5, block.share * GEOMETRY.shareWidth);
    const y = block.shareY;
    const heavy = block.share >= HEAVY_SHARE ? ' heavy' : '';
    const guide = { class: 'share-guide', 'data-for': block.id };
    g.append(el('polyline', { ...guide, points: `${block.x + block.w},${block.y + block.h / 2} ${shareX - 8},${block.y + block.h / 2} ${shareX},${y}` }));
    g.append(el('rect', { class: `share-bar${heavy}`, x: shareX, y: y - 4, width, height: 8, rx: 2, 'data-for': block.id }));
    g.append(
      el('text', { class: `share-text${heavy}`, x: shareX + width + 4, y: y + 4 }, formatPercent(block.share)),
    );
  }
  return g;
}

function tickNodes(layout) {
  const g = el('g', { class: 'ticks' });
  for (const tick of layout.ticks) {
    g.append(el('line', { class: 'tick-leader', x1: tick.x + 4, y1: tick.y, x2: tick.axis - 6, y2: tick.y }));
    g.append(el('line', { class: 'tick-mark', x1: tick.axis - 6, y1: tick.y, x2: tick.axis + 6, y2: tick.y }));
    g.append(el('text', { class: 'tick-label', x: tick.x, y: tick.y + 4 }, tick.label));
  }
  return g;
}

function arcNodes(layout, t) {
  const g = el('g', { class: 'arcs' });
  for (const arc of layout.arcs) {
    g.append(
      el('path', {
        class: `skip${arc.downsample ? ' downsample' : ''}`,
        d: arc.d,
        'data-skip': arc.name,
        'data-from': arc.from,
        'data-to': arc.to,
      }),
    );
    if (!arc.downsample) {
      const y = (arc.forkY + arc.addY) / 2;
      g.append(
        el('text', { class: 'arc-label', x: arc.x + 4, y, transform: `rotate(90 ${arc.x + 4} ${y})` }, t('diagram.identity')),
      );
    }
  }
  for (const add of layout.adds) {
    // A block's `out += identity` row (functional) is drawn as this ⊕: its row index rides on it.
    const a = el('g', { class: 'add', 'data-add': add.name, 'data-id': add.id, 'data-add-row': add.row ? String(add.row.index) : null });
    a.append(el('title', {}, t('diagram.addTitle', { name: add.name })));
    a.append(el('circle', { cx: add.x, cy: add.y, r: add.r }));
    a.append(el('path', { d: `M ${add.x - 5} ${add.y} H ${add.x + 5} M ${add.x} ${add.y - 5} V ${add.y + 5}` }));
    g.append(a);
  }
  return g;
}

/** Builds the whole SVG for `layout`; `t` translates interface text. */
export function renderDiagram(layout, { t, title }) {
  const svg = el('svg', {
    xmlns: SVG_NS,
    class: 'diagram',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    role: 'group',
    'aria-label': title,
  });
  svg.append(el('title', {}, title));
  // Diagonal hatching for frozen layers (transfer learning); an id is fine: one diagram a page.
  const defs = el('defs');
  const hatch = el('pattern', { id: 'frozen-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  hatch.append(el('line', { class: 'hatch-line', x1: 0, y1: 0, x2: 0, y2: 6 }));
  defs.append(hatch);
  svg.append(defs);
  const frames = el('g', { class: 'frames' });
  for (const frame of layout.frames) frames.append(frameNode(frame, t));
  const edges = el('g', { class: 'edges' });
  for (const e of layout.edges) {
    // Into, out of or between AlexNet's two GPU columns: one line per column.
    for (const s of e.segments ?? [{ x1: e.x, y1: e.y1, x2: e.x, y2: e.y2 }]) {
      edges.append(el('line', { class: 'edge', x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2, 'data-from': e.from, 'data-to': e.to }));
    }
  }
  const blocks = el('g', { class: 'blocks' });
  for (const block of layout.blocks) blocks.append(blockNode(block, t));
  svg.append(frames, tickNodes(layout), edges, arcNodes(layout, t), shareColumn(layout, t), blocks);
  return svg;
}

/** Marks `id`'s block, its edges and its share bar with `cls` (and clears the old ones). */
export function highlight(svg, id, cls) {
  for (const node of svg.querySelectorAll(`.${cls}`)) node.classList.remove(cls);
  if (!id) return;
  const selectors = [
    `[data-id="${id}"]`,
    `[data-from="${id}"]`,
    `[data-to="${id}"]`,
    `[data-for="${id}"]`,
    `[data-frame-id="${id}"]`,
  ];
  for (const node of svg.querySelectorAll(selectors.join(','))) node.classList.add(cls);
}

const EXPORTED_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
];

/**
 * A standalone SVG file of the diagram as it looks now (theme included): the computed styles
 * are written onto the copy as presentation attributes, so it needs no stylesheet.
 */
export function exportSvg(svg) {
  const copy = svg.cloneNode(true);
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((node, i) => {
    const style = getComputedStyle(node);
    for (const prop of EXPORTED_PROPERTIES) {
      const value = style.getPropertyValue(prop);
      if (value) copies[i].setAttribute(prop, value);
    }
    if (style.display === 'none') copies[i].setAttribute('display', 'none');
    copies[i].removeAttribute('tabindex');
    copies[i].removeAttribute('class');
  });
  // The ▾/▸ buttons are for the page, not for a slide.
  for (const toggle of copy.querySelectorAll('[data-toggle]')) toggle.remove();
  const { width, height } = svg.viewBox.baseVal;
  copy.setAttribute('width', width);
  copy.setAttribute('height', height);
  const background = getComputedStyle(svg.parentElement).backgroundColor;
  const bg = el('rect', { width: '100%', height: '100%', fill: background });
  copy.insertBefore(bg, copy.firstChild.nextSibling);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}
