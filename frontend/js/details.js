/**
 * The details panel: shapes, parameters with their formula (3×3×64×128 + 128), mult-adds and
 * share of the total for the block under the pointer or the pinned one; its receptive field
 * (size, jump, start; a residual block's paths) and, in transfer-learning mode, whether it trains.
 */

import { node } from './dom.js';
import { formatCompact, formatInt, formatPercent, formatShape } from './format.js';
import { multAddsFormula, paramFormula } from './formula.js';
import { fieldOf, pairText } from './inspect.js';

function entry(list, term, ...values) {
  const dd = node('dd');
  dd.append(...values);
  list.append(node('dt', null, term), dd);
}

function note(text, cls = 'details-note') {
  return node('p', cls, text);
}

function hparamText(value, t) {
  if (Array.isArray(value)) return value.join('×');
  if (typeof value === 'boolean') return t(value ? 'details.yes' : 'details.no');
  return String(value);
}

function paramsValue(block, t) {
  const row = block.row;
  if (!row || !(row.params > 0)) return [node('span', 'num', t('details.noParams'))];
  const parts = [node('span', 'num', formatInt(row.params))];
  const formula = row.is_leaf && !row.recursive ? paramFormula(row) : null;
  if (formula && formula.matches) parts.push(node('span', 'formula', ` = ${formula.text}`));
  return parts;
}

function macsValue(row, t) {
  const parts = [node('span', 'num', `${formatCompact(row.mult_adds)}`)];
  if (row.mult_adds >= 1000) parts.push(node('span', 'muted', ` (${formatInt(row.mult_adds)})`));
  const formula = row.is_leaf ? multAddsFormula(row) : null;
  // "= 102,764,544" after 102,764,544 explains nothing: only products are worth showing.
  if (formula && formula.matches && formula.text.includes('×')) {
    parts.push(node('span', 'formula', ` = ${formula.text}`));
  }
  if (row.mult_adds === 0 && row.is_leaf) parts.push(node('span', 'muted', ` — ${t('details.macsNote')}`));
  return parts;
}

/** "8×8 px · jump 2 · start 0.5" for one receptive field (or one path of a residual block). */
function fieldValue(field, t) {
  if (field.whole_input || !field.size) return [node('span', 'num', t('details.rfWhole'))];
  const approx = field.exact === false ? '≈ ' : '';
  const parts = [node('span', 'num', `${approx}${pairText(field.size)} px`)];
  parts.push(node('span', 'muted', ` · ${t('details.rfJump')} ${pairText(field.jump, { square: true })}`));
  parts.push(node('span', 'muted', ` · ${t('details.rfStart')} ${pairText(field.start, { square: true })}`));
  if (field.exceeds_input) parts.push(node('span', 'muted', ` (${t('details.rfExceeds')})`));
  return parts;
}

function fieldEntries(list, field, t) {
  entry(list, t('details.rf'), ...fieldValue(field, t));
  field.paths?.forEach((path, i) => {
    const label = i === 0 ? t('details.rfMain') : t('details.rfShortcut');
    entry(list, `${label}`, node('span', 'hparams', `${path.source}: `), ...fieldValue(path, t));
  });
}

/** Fills `container` with what is known about `block` (a layout block or ⊕ node), or a hint. */
export function renderDetails(container, block, { t, summary, fields = null, source = null }) {
  container.replaceChildren();
  if (!block) {
    container.append(note(t('details.empty'), 'hint'));
    return;
  }
  const heading = node('h3', 'details-title', block.name);
  const kind = node('span', `kind-chip kind-${block.kind ?? 'add'}`, block.type ?? '⊕');
  heading.append(' ', kind);
  container.append(heading);

  if (block.isAdd) {
    container.append(note(t('details.add')));
    return;
  }
  if (block.label && block.kind !== 'container') container.append(note(block.label, 'details-label'));

  const list = node('dl', 'details-list');
  entry(list, t('details.input'), node('span', 'shape', formatShape(block.inputShape)));
  entry(list, t('details.output'), node('span', 'shape', formatShape(block.outputShape)));
  // A paper-view volume made by several layers: their sums, and which layers they are.
  const group = block.rows?.filter((r) => r.params > 0 || r.mult_adds > 0) ?? [];
  if (group.length > 1) {
    entry(list, t('details.params'), node('span', 'num', formatInt(block.params)));
    const macs = group.reduce((n, r) => n + r.mult_adds, 0);
    entry(list, t('details.multAdds'), node('span', 'num', formatCompact(macs)), node('span', 'muted', ` (${formatInt(macs)})`));
    entry(list, t('details.layers'), node('span', 'hparams', block.rows.map((r) => r.name).join(', ')));
    container.append(list);
    return;
  }
  const row = block.row;
  if (row) {
    entry(list, t('details.params'), ...paramsValue(block, t));
    entry(list, t('details.multAdds'), ...macsValue(row, t));
    if (!row.recursive && summary?.totals?.params) {
      const share = row.params / summary.totals.params;
      const bar = node('span', 'share-meter');
      const fill = node('span');
      fill.style.width = `${Math.min(100, share * 100)}%`;
      bar.append(fill);
      entry(list, t('details.share'), node('span', 'num', formatPercent(share)), bar);
    }
    const hparams = Object.entries(row.hparams ?? {});
    if (hparams.length > 0) {
      const items = hparams.map(([k, v]) => node('span', 'hparam', `${k} ${hparamText(v, t)}`));
      const all = node('span', 'hparams');
      items.forEach((item, i) => all.append(...(i ? [' · ', item] : [item])));
      entry(list, t('details.hparams'), all);
    }
    const field = fieldOf(fields, row.index);
    if (field) fieldEntries(list, field, t);
    if (summary?.frozen?.length && !row.recursive) {
      const frozen = row.trainable === false;
      entry(list, t('details.training'), node('span', frozen ? 'frozen-chip' : 'num', t(frozen ? 'details.frozen' : 'details.trainable')));
    }
  }
  container.append(list);
  if (row?.hparams?.groups === 2) {
    container.append(note(t('details.groups2', { per: row.hparams.in_channels / 2, out: row.hparams.out_channels / 2 })));
  }

  if (row?.recursive) container.append(note(t('details.reused')));
  if (row?.functional) {
    // The line of the code shown beside the diagram (the notes' own for the seed's networks),
    // else the line of the project's class that ran.
    const shownLine = source?.rows?.[row.name]?.[0] ?? null;
    const line = shownLine ?? row.line ?? '?';
    const code = shownLine ? source.code.split('\n')[shownLine - 1].trim() : (row.code ?? '');
    const key = block.isAdd ? 'details.addRow' : 'details.functional';
    container.append(note(t(key, { op: row.op, line, code })));
  }
  if (block.kind === 'container') container.append(note(t('details.container', { n: block.leafCount })));
  if (block.kind === 'input') container.append(note(t('details.inputNode')));
  if (block.inferred === 'flatten') container.append(note(t('details.flatten')));
  if (block.inferred === 'reshape' || (block.functional && block.warn)) {
    if (block.inferred) container.append(note(t('details.flatten')));
    container.append(
      note(
        t('details.reshapeWarn', { from: block.inputShape[0], to: block.outputShape[0] }),
        'notice notice-warn',
      ),
    );
  }
  if (block.folded?.length) {
    container.append(note(t('details.folded', { names: block.folded.map((r) => r.name).join(', ') })));
  }
}
