/**
 * Finding things in a drawn layout: the block id of a summary row (a leaf, a collapsed container
 * or a frame), and what stands behind an id (block, ⊕ or frame) in the shape details.js reads.
 * Pure functions of the layout and the summary, so the node tests can call them.
 */

/** The id of the block that draws summary row `index`: L<i> for a leaf, C<i> / G<i> for a container. */
export function idForRow(layout, summary, index) {
  const row = summary?.layers.find((r) => r.index === index);
  if (!row) return null;
  if (row.is_leaf) return `L${index}`;
  return layout?.blocks.some((b) => b.id === `C${index}`) ? `C${index}` : `G${index}`;
}

/** The block, ⊕ or container (frame) behind an id, in the shape details.js reads. */
export function lookupBlock(layout, summary, id) {
  if (!id || !layout) return null;
  const block = layout.blocks.find((b) => b.id === id);
  if (block) return block;
  const add = layout.adds.find((a) => a.id === id);
  if (add) return { ...add, isAdd: true, type: '⊕' };
  const frame = layout.frames.find((f) => f.id === id);
  if (frame?.row) {
    const row = frame.row;
    const descendants = summary.layers.filter((r) => r.is_leaf && r.name.startsWith(`${row.name}.`));
    return {
      id,
      kind: 'container',
      row,
      name: row.name,
      type: row.type,
      inputShape: row.input_shape,
      outputShape: row.output_shape,
      leafCount: descendants.length,
    };
  }
  return null;
}

/** The id that shows `row` in `layout`: its ⊕, its own block, or the block it is folded into. */
export function idShowingRow(layout, summary, row) {
  const add = layout?.adds.find((a) => a.row?.index === row.index);
  const id = add ? add.id : idForRow(layout, summary, row.index);
  if (lookupBlock(layout, summary, id)) return id;
  return layout?.blocks.find((b) => b.folded?.includes(row))?.id ?? null;
}
