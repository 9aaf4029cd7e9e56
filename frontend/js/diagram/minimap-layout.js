/**
 * The overview strip's geometry, as pure functions of the diagram's layout (layout.js) and the
 * scroll box's numbers: every block as a small mark at its place in the network, squeezed into
 * a narrow strip; the rectangle of the part the scroll box shows; the scroll position that centres
 * a point of the strip; which blocks are in view. minimap.js draws and wires it.
 *
 * Units: layout units are the diagram's own (its viewBox); the scroll box shows them multiplied
 * by `zoom`; strip units are the strip's pixels.
 */

export const MINIMAP = {
  width: 44, // the strip's outer width, px
  pad: 3, // empty border inside the strip
  minMark: 1.5, // a ReLU is ~1 px tall at VGG16's scale: never thinner than this
};

/**
 * Marks for `layout`'s blocks, ⊕ and frames in a strip `width` wide and `maxHeight` tall. The
 * network's height fills the strip's (the strip stands beside a box it does not fit in, so
 * marks come out taller than in a true miniature); across, the blocks' extent (without the
 * ruler and the share column) fills its width. Two scales: sx across, sy down.
 */
export function minimapLayout(layout, { width = MINIMAP.width, maxHeight, pad = MINIMAP.pad, minMark = MINIMAP.minMark }) {
  const lefts = [...layout.blocks.map((b) => b.x), ...layout.frames.map((f) => f.x0), ...layout.adds.map((a) => a.x - a.r)];
  const rights = [
    ...layout.blocks.map((b) => b.x + b.w),
    ...layout.frames.map((f) => f.x1),
    ...layout.adds.map((a) => a.x + a.r),
  ];
  const left = lefts.length ? Math.min(...lefts) : 0;
  const right = rights.length ? Math.max(...rights) : layout.width;
  const mapWidth = Math.max(width - 2 * pad, 1);
  const mapHeight = Math.max(maxHeight - 2 * pad, 1);
  const sx = mapWidth / Math.max(right - left, 1);
  const sy = mapHeight / layout.height;
  const ox = pad - left * sx; // strip x of the layout's x = 0
  const oy = pad;
  const marks = layout.blocks.map((block) => {
    const h = Math.max(block.h * sy, minMark);
    const w = Math.max(block.w * sx, minMark);
    // A mark made bigger than its block stays centred on it.
    return {
      id: block.id,
      kind: block.kind,
      x: ox + (block.x + block.w / 2) * sx - w / 2,
      y: oy + (block.y + block.h / 2) * sy - h / 2,
      w,
      h,
    };
  });
  const adds = layout.adds.map((add) => ({
    id: add.id,
    cx: ox + add.x * sx,
    cy: oy + add.y * sy,
    r: Math.max(add.r * Math.min(sx, sy), minMark),
  }));
  const frames = layout.frames.map((frame) => ({
    id: frame.id,
    residual: Boolean(frame.residual),
    x: ox + frame.x0 * sx,
    y: oy + frame.y0 * sy,
    w: (frame.x1 - frame.x0) * sx,
    h: (frame.y1 - frame.y0) * sy,
  }));
  return {
    sx,
    sy,
    ox,
    oy,
    pad,
    width,
    height: mapHeight + 2 * pad,
    mapWidth,
    mapHeight,
    layoutWidth: layout.width,
    layoutHeight: layout.height,
    marks,
    adds,
    frames,
  };
}

/** Does the whole diagram show at `zoom` in a box of clientWidth × clientHeight? */
export function fitsInView(layout, { zoom, clientWidth, clientHeight }) {
  // Rounding: the SVG's size is rounded to whole pixels (view.js).
  return Math.round(layout.width * zoom) <= clientWidth + 1 && Math.round(layout.height * zoom) <= clientHeight + 1;
}

/** The part of the diagram the scroll box shows, as a rectangle in strip units (clipped to the map). */
export function viewportRect(map, { zoom, scrollTop, scrollLeft, clientWidth, clientHeight }) {
  const clip = (value, low, high) => Math.min(Math.max(value, low), high);
  const [left, right] = [map.pad, map.pad + map.mapWidth];
  const [top, bottom] = [map.oy, map.oy + map.mapHeight];
  const x0 = clip(map.ox + (Math.max(scrollLeft, 0) / zoom) * map.sx, left, right);
  const x1 = clip(map.ox + ((Math.max(scrollLeft, 0) + clientWidth) / zoom) * map.sx, left, right);
  const y0 = clip(map.oy + (Math.max(scrollTop, 0) / zoom) * map.sy, top, bottom);
  const y1 = clip(map.oy + ((Math.max(scrollTop, 0) + clientHeight) / zoom) * map.sy, top, bottom);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * The scroll position that puts the diagram's point under strip point (x, y) in the middle of
 * the scroll box, clamped to what the box can scroll.
 */
export function scrollForPoint(map, { zoom, clientWidth, clientHeight }, { x, y }) {
  const maxTop = Math.max(Math.round(map.layoutHeight * zoom) - clientHeight, 0);
  const maxLeft = Math.max(Math.round(map.layoutWidth * zoom) - clientWidth, 0);
  const top = ((y - map.oy) / map.sy) * zoom - clientHeight / 2;
  const left = ((x - map.ox) / map.sx) * zoom - clientWidth / 2;
  return {
    top: Math.round(Math.min(Math.max(top, 0), maxTop)),
    left: Math.round(Math.min(Math.max(left, 0), maxLeft)),
  };
}

/**
 * Which blocks the scroll box shows, at least partly: 1-based positions in execution order
 * (layout.blocks), or null when none is in view. For the strip's spoken value.
 */
export function blocksInView(layout, { zoom, scrollTop, clientHeight }) {
  const top = scrollTop / zoom;
  const bottom = (scrollTop + clientHeight) / zoom;
  let first = null;
  let last = null;
  layout.blocks.forEach((block, i) => {
    if (block.y + block.h > top && block.y < bottom) {
      if (first === null) first = i + 1;
      last = i + 1;
    }
  });
  return first === null ? null : { first, last, count: layout.blocks.length };
}

/** Percent scrolled down (0 at the input, 100 at the last block): the strip's aria-valuenow. */
export function scrolledPercent({ scrollTop, scrollHeight, clientHeight }) {
  const range = scrollHeight - clientHeight;
  return range > 0 ? Math.round((100 * Math.min(Math.max(scrollTop, 0), range)) / range) : 0;
}
