/**
 * Draws paper-layout.js's volumes as SVG cuboids (front face H × C, top and side receding by W),
 * the operation that made each one above it and its shape below: a figure to lift into a slide.
 */

import { SVG_NS, svg as el } from '../dom.js';
import { formatInt } from '../format.js';
import { shapeLines } from './paper-layout.js';

function cuboid(g, x, y, w, h, r, gpu) {
  const part = el('g', gpu ? { class: `stream gpu-${gpu}`, 'data-gpu': gpu } : {});
  if (r > 0) {
    part.append(el('polygon', { class: 'volume-top block-box', points: `${x},${y} ${x + w},${y} ${x + w + r},${y - r} ${x + r},${y - r}` }));
    part.append(
      el('polygon', { class: 'volume-side block-box', points: `${x + w},${y} ${x + w + r},${y - r} ${x + w + r},${y + h - r} ${x + w},${y + h}` }),
    );
  }
  part.append(el('rect', { class: 'volume-front block-box', x, y, width: w, height: h }));
  g.append(part);
}

function skipNodes(layout, t) {
  const g = el('g', { class: 'arcs' });
  for (const arc of layout.arcs) {
    g.append(el('path', { class: `skip${arc.downsample ? ' downsample' : ''}`, d: arc.d, 'data-skip': arc.name, 'data-from': arc.from, 'data-to': arc.to }));
    if (arc.downsample) {
      g.append(el('text', { class: 'arc-label skip-label', x: (arc.x1 + arc.x2) / 2, y: arc.y + 12 }, arc.downsample));
    }
  }
  for (const add of layout.adds) {
    const a = el('g', { class: 'add', 'data-add': add.name, 'data-id': add.id });
    a.append(el('title', {}, t('diagram.addTitle', { name: add.name })));
    a.append(el('circle', { cx: add.x, cy: add.y, r: add.r }));
    const d = add.r - 1.5;
    a.append(el('path', { d: `M ${add.x - d} ${add.y} H ${add.x + d} M ${add.x} ${add.y - d} V ${add.y + d}` }));
    g.append(a);
  }
  return g;
}

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
  // On two GPUs a volume is two slabs, each half of the channels (GPU 1 in front).
  for (const slab of block.streams ?? [{ x, w }]) cuboid(g, slab.x, y, slab.w, h, r, slab.gpu);

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
  for (const l of layout.links) {
    const stream = l.stream == null ? '' : l.cross ? ' stream-cross' : ` stream-${l.stream}`;
    links.append(el('line', { class: `edge${stream}`, x1: l.x1, y1: l.y1, x2: l.x2, y2: l.y2, 'data-from': l.from, 'data-to': l.to }));
  }
  for (const block of layout.blocks) volumes.append(volumeNode(block, t, layout.labelAngle));
  svg.append(links, skipNodes(layout, t), volumes);
  return svg;
}
