/**
 * Transfer learning's "head", read from a summary the way the server's
 * freeze=feature_extractor reads the model: the top-level modules that hold a fully connected
 * layer train, every other top-level module is the frozen feature extractor. VGG's head is its
 * whole `classifier` (three Linear layers, 123,642,856 parameters for 1,000 classes); ResNet's
 * is `fc` alone (5,130 for 10 classes).
 */

/** {modules, linearLayers, params} of the head, or null when the model has none (a block). */
export function headOf(summary) {
  if (!summary) return null;
  const rows = summary.layers;
  const topLevel = rows.filter((r) => r.depth === 1 && !r.recursive);
  const linearIn = (name) => rows.filter((r) => r.type === 'Linear' && (r.name === name || r.name.startsWith(`${name}.`)));
  const head = topLevel.filter((r) => linearIn(r.name).length > 0);
  if (head.length === 0) return null;
  return {
    modules: head.map((r) => r.name),
    linearLayers: head.reduce((n, r) => n + linearIn(r.name).length, 0),
    params: head.reduce((n, r) => n + r.params, 0),
  };
}

/** The sentence under "Freeze the feature extractor" for this summary. */
export function headText(summary, { t, formatInt }) {
  const head = headOf(summary);
  if (!head) return t('transfer.noHead');
  return t(head.linearLayers === 1 ? 'transfer.headOne' : 'transfer.headMany', {
    modules: head.modules.join(', '),
    k: head.linearLayers,
    n: formatInt(head.params),
    classes: formatInt(summary.num_classes ?? 0),
  });
}
