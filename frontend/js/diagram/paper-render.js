/**
 * Draws paper-layout.js's volumes as SVG cuboids (front face H × C, top and side receding by W),
 * the operation that made each one above it and its shape below: a figure to lift into a slide.
 */

import { SVG_NS, svg as el } from '../dom.js';
import { formatInt } from '../format.js';
import { shapeLines } from './paper-layout.js';

function volumeNode(block, t, angle) {
  const { x, y, w, h, recede: r } = block;
  const g = el('g', {
    class: `block volume kind-${block.kind}${block.inferred ? ' inferred' : ''}`,
    'data-id': block.id,
    'data-volume': block.rows.map((row) => row.index).join(' ') || block.kind,
    tabindex: '-1',
    role: 'button',
    // Begins with the tooltip's text, as read (WCAG 2.5.3: the visible text is in the name).
    'aria-label': `${block.label} ${block.shapeText}${block.params > 0 ? `, ${t('diagram.paramsOf', { n: formatInt(block.params) })}` : ''}`,
  });
  g.append(el('title', {}, `${block.label}\n${block.shapeText}`));
  if (r > 0) {
    g.append(el('polygon', { class: 'volume-top block-box', points: `${x},${y} ${x + w},${y} ${x + w + r},${y - r} ${x + r},${y - r}` }));
    g.append(
      el('polygon', { class: 'volume-side block-box', points: `${x + w},${y} ${x + w + r},${y - r} ${x + w + r},${y + h - r} ${x + w},${y + h}` }),
    );
  }
  g.append(el('rect', { class: 'volume-front block-box', x, y, width: w, height: h }));

  const { labelX: lx, labelY: ly } = block;
  g.append(el('text', { class: 'volume-label', x: lx, y: ly, transform: `rotate(-${angle} ${lx} ${ly})` }, block.label));
  shapeLines(block.outputShape).forEach((line, i) => {
    g.append(el('text', { class: 'volume-shape', x: x + w / 2, y: y + h + 14 + i * 12 }, line));
  });
  return g;
}

export function renderPaper(layout, { t, title }) {
  const svg = el('svg', {
    xmlns: SVG_NS,
    class: 'diagram paper',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    role: 'group',
    'aria-label': title,
  });
  svg.append(el('title', {}, title));
  const links = el('g', { class: 'edges' });
  const volumes = el('g', { class: 'blocks' });
  layout.blocks.forEach((block, i) => {
    const next = layout.blocks[i + 1];
    if (next) {
      const y = layout.baseline - 6;
      links.append(
        el('line', { class: 'edge', x1: block.x + block.w + block.recede + 3, y1: y, x2: next.x - 3, y2: y, 'data-from': block.id, 'data-to': next.id }),
      );
    }
    volumes.append(volumeNode(block, t, layout.labelAngle));
  });
  svg.append(links, volumes);
  return svg;
}
