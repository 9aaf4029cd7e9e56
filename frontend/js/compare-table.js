/**
 * Pure shaping of GET /compare for the compare view: models side by side, their stages lined up
 * by how far they have shrunk the input (a row per power of two: AlexNet's 27×27 beside VGG's
 * 28×28, ResNet-18's 4×4 of a 32-px image beside them too), every head on the last row, with
 * the largest parameter and mult-add counts so the bars share one scale. Also the models a
 * comparison starts with.
 */

import { titleOf } from './i18n.js';

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
  const titles = models.map(titleOf);
  const short = titles.map((title) => title.replace(/\s*\(.*\)\s*$/, ''));
  return models.map((m, i) => (short.filter((s) => s === short[i]).length > 1 && short[i] !== titles[i] ? titles[i] : short[i]));
}

const isHead = (stage) => stage.name === 'head';

/**
 * How many times the stage's output side is smaller than the model's input, to the nearest
 * power of two (224 → 27: 8; 32 → 4: 8; 32 → 32: 1).
 */
export function shrinkFactor(stage, inputSize) {
  if (!stage.spatial) return null;
  return 2 ** Math.max(0, Math.round(Math.log2(inputSize / stage.spatial[0])));
}

/**
 * {models, rows, maxParams, maxMultAdds}: `rows` are [{key, factor, head, cells}] with one cell
 * per model (a stage, or null where that model has no stage at that resolution). A model with
 * two stages at one factor (ResNet's stem and layer1 keep 32×32) fills two rows.
 */
export function compareGrid(comparison) {
  const models = comparison.models.map((m) => ({
    ...m,
    body: m.stages.filter((s) => !isHead(s)),
    head: m.stages.find(isHead) ?? null,
  }));
  const byFactor = models.map((m) => {
    const groups = new Map();
    for (const stage of m.body) {
      const factor = shrinkFactor(stage, m.input_size) ?? 0;
      if (!groups.has(factor)) groups.set(factor, []);
      groups.get(factor).push(stage);
    }
    return groups;
  });
  const factors = [...new Set(byFactor.flatMap((g) => [...g.keys()]))].sort((a, b) => a - b);
  const rows = [];
  for (const factor of factors) {
    const count = Math.max(...byFactor.map((g) => g.get(factor)?.length ?? 0));
    for (let k = 0; k < count; k++) {
      rows.push({
        key: count > 1 ? `${factor}.${k + 1}` : String(factor),
        factor,
        head: false,
        cells: byFactor.map((g) => g.get(factor)?.[k] ?? null),
      });
    }
  }
  if (models.some((m) => m.head)) rows.push({ key: 'head', factor: null, head: true, cells: models.map((m) => m.head) });
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
