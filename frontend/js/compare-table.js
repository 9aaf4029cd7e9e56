/**
 * Pure shaping of GET /compare for the compare view: models side by side, stage i of every
 * model on one row and every head on the last row, with the largest parameter and mult-add
 * counts so the bars share one scale. Also the models a comparison starts with.
 */

const PARTNERS = {
  simplecnn: ['simplecnn', 'resnet18'],
  alexnet: ['alexnet', 'alexnet_2gpu', 'vgg16'],
  alexnet_2gpu: ['alexnet', 'alexnet_2gpu'],
  resnet18: ['resnet18', 'plain18'],
  resnet34: ['resnet34', 'plain34'],
  plain18: ['resnet18', 'plain18'],
  plain34: ['resnet34', 'plain34'],
  basicblock: ['basicblock', 'resnet18'],
};

/** The models a comparison opens with for the selected model (only names the server knows). */
export function defaultSelection(current, names) {
  const known = new Set(names);
  let wanted = PARTNERS[current];
  if (!wanted) wanted = /^vgg/.test(current) ? ['alexnet', current, ...(current === 'vgg16' ? [] : ['vgg16'])] : [current];
  const chosen = wanted.filter((n) => known.has(n));
  if (chosen.length < 2) {
    const other = names.find((n) => n !== current);
    if (other) chosen.push(other);
  }
  return [...new Set(chosen)];
}

/**
 * Short names for the model chips: the title without its parenthesis ("ResNet-18"), unless
 * that would make two models look alike ("AlexNet" and "AlexNet (two GPUs)").
 */
export function shortTitles(models) {
  const short = models.map((m) => m.title.replace(/\s*\(.*\)\s*$/, ''));
  return models.map((m, i) => (short.filter((s) => s === short[i]).length > 1 && short[i] !== m.title ? m.title : short[i]));
}

const isHead = (stage) => stage.name === 'head';

/**
 * {models, rows, maxParams, maxMultAdds}: `rows` are [{key, head, cells}] with one cell per
 * model (a stage, or null where that model has fewer stages).
 */
export function compareGrid(comparison) {
  const models = comparison.models.map((m) => ({
    ...m,
    body: m.stages.filter((s) => !isHead(s)),
    head: m.stages.find(isHead) ?? null,
  }));
  const depth = Math.max(0, ...models.map((m) => m.body.length));
  const rows = [];
  for (let i = 0; i < depth; i++) {
    rows.push({ key: String(i + 1), head: false, cells: models.map((m) => m.body[i] ?? null) });
  }
  if (models.some((m) => m.head)) rows.push({ key: 'head', head: true, cells: models.map((m) => m.head) });
  const stages = models.flatMap((m) => m.stages);
  return {
    commonSize: comparison.common_size,
    note: comparison.note,
    models,
    rows,
    maxParams: Math.max(1, ...stages.map((s) => s.params)),
    maxMultAdds: Math.max(1, ...stages.map((s) => s.mult_adds)),
  };
}

/** What a stage looks like after it: "112×112 × 64" or "1000" for a flat output. */
export function stageShapeText(stage) {
  return stage.spatial ? `${stage.spatial[0]}×${stage.spatial[1]} × ${stage.channels}` : String(stage.channels);
}

/** Bar width in [0, 1] on a shared scale; tiny but non-zero values stay visible. */
export function barShare(value, max) {
  if (!(value > 0)) return 0;
  return Math.max(0.01, Math.min(1, value / max));
}
