/**
 * Stages of a network as groups the diagram can collapse: the runs of layers at one
 * resolution, as the Compare view counts them (backend/analysis/compare.py). ResNet: the stem,
 * layer1–layer4 and the head; the others end a stage with each max-pool, and the head is what
 * follows the last one (VGG's five cfg blocks, AlexNet's three, SimpleCNN's two).
 *
 * VGG's stages are no modules: `withStages` inserts a container row for each group of
 * neighbouring rows of one stage that share a parent, so the usual frame/collapse drawing
 * applies. Pure; node --test checks it on the saved summaries.
 */

const VIRTUAL_INDEX = 100000; // ids of the inserted rows stay clear of the summary's

function isResNetLike(rows) {
  return rows.some((r) => r.depth === 1 && r.name === 'layer1');
}

/** [{name, rows}] in order: each summary row belongs to one stage (containers too). */
export function stagesOf(summary) {
  const rows = summary.layers ?? [];
  const stages = [];
  if (isResNetLike(rows)) {
    let current = { name: 'stem', rows: [] };
    for (const row of rows) {
      const top = row.name.split('.')[0];
      const named = /^layer\d+$/.test(top) ? top : null;
      const wanted = named ?? (current.name === 'stem' && !stages.length ? 'stem' : 'head');
      if (wanted !== current.name) {
        if (current.rows.length) stages.push(current);
        current = { name: wanted, rows: [] };
      }
      current.rows.push(row);
    }
    if (current.rows.length) stages.push(current);
    return stages;
  }
  // Leaves by position; a container joins a stage when all its leaves are in it (VGG's
  // classifier joins the head; `features`, which spans five stages, joins none).
  const leaves = rows.filter((r) => r.is_leaf);
  const lastPool = leaves.findLastIndex((r) => r.type === 'MaxPool2d');
  if (lastPool < 0) return []; // no pooling, no stages (the seed's standalone BasicBlock)
  const stageOf = new Map(); // row index -> stage number (0-based), head = pools
  let n = 0;
  leaves.forEach((row, i) => {
    stageOf.set(row.index, i > lastPool ? lastPool >= 0 ? count(leaves, lastPool) : 0 : n);
    if (row.type === 'MaxPool2d' && i < lastPool) n += 1;
  });
  for (const row of rows.filter((r) => !r.is_leaf)) {
    const inside = new Set(leaves.filter((l) => l.name.startsWith(`${row.name}.`)).map((l) => stageOf.get(l.index)));
    if (inside.size === 1) stageOf.set(row.index, [...inside][0]);
  }
  const heads = lastPool >= 0 ? count(leaves, lastPool) : 0;
  for (const row of rows) {
    if (!stageOf.has(row.index)) continue;
    const k = stageOf.get(row.index);
    stages[k] ??= { name: k === heads ? 'head' : `stage ${k + 1}`, rows: [] };
    stages[k].rows.push(row);
  }
  return stages.filter(Boolean);
}

/** How many stages end with a max-pool up to leaf `last` (the head's number). */
function count(leaves, last) {
  return leaves.slice(0, last + 1).filter((r) => r.type === 'MaxPool2d').length;
}

/**
 * The summary with a container row for each stage that is not a module already (ResNet's
 * layer1–4 are). Returns {summary, names}: names are the containers to collapse to show the
 * network by stage.
 */
export function withStages(summary) {
  const stages = stagesOf(summary);
  const names = [];
  const parentOf = new Map(); // row index -> its new parent
  const inserted = new Map(); // index of a row -> virtual rows to insert before it
  let k = 0;
  for (const stage of stages) {
    const real = stage.rows.length > 0 && stage.rows.every((r) => r === stage.rows[0] || r.name.startsWith(`${stage.rows[0].name}.`));
    if (real && !stage.rows[0].is_leaf) {
      names.push(stage.rows[0].name); // a module already: layer1…
      continue;
    }
    // Top-level pieces of the stage (rows whose parent is outside it), grouped by parent.
    const inStage = new Set(stage.rows.map((r) => r.name));
    const tops = stage.rows.filter((r) => !inStage.has(r.parent));
    const byParent = new Map();
    for (const row of tops) {
      const key = row.parent ?? '';
      if (!byParent.has(key)) byParent.set(key, []);
      byParent.get(key).push(row);
    }
    for (const [parent, members] of byParent) {
      if (members.length < 2 && !members.some((m) => !m.is_leaf)) continue; // one layer: nothing to fold
      const name = byParent.size > 1 ? `${stage.name} (${parent || 'top'})` : stage.name;
      const first = members[0];
      const last = members.at(-1);
      const leaves = stage.rows.filter((r) => r.is_leaf && (r.parent === (parent || null) || members.some((m) => r.name.startsWith(`${m.name}.`))));
      const row = {
        index: VIRTUAL_INDEX + k++,
        name,
        type: 'Stage',
        depth: first.depth,
        parent: parent || null,
        is_leaf: false,
        recursive: false,
        input_shape: first.input_shape,
        output_shape: last.output_shape,
        params: leaves.reduce((n, r) => n + (r.recursive ? 0 : r.params), 0),
        trainable_params: leaves.reduce((n, r) => n + (r.recursive ? 0 : r.trainable_params), 0),
        mult_adds: leaves.reduce((n, r) => n + r.mult_adds, 0),
        kernel_size: null,
        hparams: {},
        stage: true,
      };
      names.push(name);
      for (const m of members) parentOf.set(m.index, name);
      const at = first.index;
      if (!inserted.has(at)) inserted.set(at, []);
      inserted.get(at).push(row);
    }
  }
  const layers = [];
  const shift = new Map(); // row name -> depth added (rows inside a new stage row)
  for (const row of summary.layers) {
    for (const v of inserted.get(row.index) ?? []) layers.push(v);
    const parent = parentOf.get(row.index);
    const above = row.parent ? (shift.get(row.parent) ?? 0) : 0;
    const add = parent ? 1 : above;
    shift.set(row.name, add);
    layers.push(add || parent ? { ...row, parent: parent ?? row.parent, depth: row.depth + add } : row);
  }
  return { summary: { ...summary, layers }, names };
}
