/**
 * The layer table, like torchinfo's: every row (containers indented above their layers),
 * sortable by any column, with torchinfo's totals underneath.
 */

import { node } from './dom.js';
import { formatBytes, formatCompact, formatInt, formatPercent, formatShape } from './format.js';

const elements = (shape) => (Array.isArray(shape) ? shape.reduce((a, b) => a * b, 1) : 0);

const COLUMNS = [
  { key: 'index', label: 'table.index', numeric: true, value: (r) => r.index },
  { key: 'name', label: 'table.layer', value: (r) => r.name },
  { key: 'type', label: 'table.type', value: (r) => r.type },
  { key: 'input', label: 'table.input', numeric: true, value: (r) => elements(r.input_shape) },
  { key: 'output', label: 'table.output', numeric: true, value: (r) => elements(r.output_shape) },
  { key: 'params', label: 'table.params', numeric: true, value: (r) => (r.recursive ? 0 : r.params) },
  { key: 'share', label: 'table.share', numeric: true, value: (r) => (r.recursive ? 0 : r.params) },
  { key: 'mult_adds', label: 'table.multAdds', numeric: true, value: (r) => r.mult_adds },
  { key: 'trainable', label: 'table.trainable', numeric: true, value: (r) => r.trainable_params },
];

/** Mult-adds as 15.5 G, the exact count in the tooltip (and in the totals below the table). */
function macsCell(value) {
  const cell = node('td', 'num', formatCompact(value));
  if (value >= 1000) cell.title = formatInt(value);
  return cell;
}

export function createLayerTable(table, footer, { t, onRowSelect }) {
  let summary = null;
  let sort = { key: 'index', direction: 1 };
  let selectedIndex = null;

  function sortedRows() {
    const column = COLUMNS.find((c) => c.key === sort.key);
    const rows = [...summary.layers];
    rows.sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return (order || a.index - b.index) * sort.direction;
    });
    return rows;
  }

  // "Trainable" says something only in transfer-learning mode; without it the table fits a
  // 1280-px window with Share and Mult-adds in view.
  function frozenMode() {
    return summary.totals.trainable_params !== summary.totals.params;
  }

  function columns() {
    return frozenMode() ? COLUMNS : COLUMNS.filter((c) => c.key !== 'trainable');
  }

  function header() {
    const thead = node('thead');
    const tr = node('tr');
    for (const column of columns()) {
      const th = node('th');
      th.scope = 'col';
      th.className = [column.numeric ? 'num' : '', column.key === 'input' ? 'col-input' : ''].join(' ').trim();
      const active = sort.key === column.key;
      th.setAttribute('aria-sort', active ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none');
      const button = node('button', 'sort-button', t(column.label));
      button.type = 'button';
      button.dataset.sort = column.key;
      button.title = t('table.sortBy', { column: t(column.label) });
      if (active) button.append(node('span', 'sort-mark', sort.direction > 0 ? ' ▲' : ' ▼'));
      th.append(button);
      tr.append(th);
    }
    thead.append(tr);
    return thead;
  }

  function body() {
    const tbody = node('tbody');
    const total = summary.totals.params;
    const hierarchy = sort.key === 'index';
    for (const row of sortedRows()) {
      const tr = node('tr');
      tr.dataset.index = row.index;
      tr.tabIndex = -1;
      if (!row.is_leaf) tr.className = 'container-row';
      if (row.index === selectedIndex) tr.classList.add('selected');
      const name = node('td', `name${hierarchy ? ` depth-${Math.min(row.depth, 6)}` : ''}`, row.name);
      if (row.recursive) name.append(' ', node('span', 'muted', t('table.recursive')));
      if (row.trainable === false) {
        tr.classList.add('frozen-row');
        name.append(' ', node('span', 'frozen-chip', t('table.frozen')));
      }
      const params = row.recursive ? '—' : formatInt(row.params);
      tr.append(
        node('td', 'num', String(row.index)),
        name,
        node('td', null, row.type),
        node('td', 'shape col-input', formatShape(row.input_shape)),
        node('td', 'shape', formatShape(row.output_shape)),
        node('td', 'num', params),
        node('td', 'num', row.recursive ? '—' : formatPercent(total ? row.params / total : 0)),
        macsCell(row.mult_adds),
      );
      if (frozenMode()) tr.append(node('td', 'num', row.recursive ? '—' : formatInt(row.trainable_params)));
      tbody.append(tr);
    }
    return tbody;
  }

  function foot() {
    const tfoot = node('tfoot');
    const tr = node('tr');
    const totals = summary.totals;
    tr.append(
      node('th', null, t('table.total')),
      node('td'),
      node('td'),
      node('td', 'shape col-input', formatShape(summary.input_shape)),
      node('td', 'shape', formatShape(summary.output_shape)),
      node('td', 'num', formatInt(totals.params)),
      node('td', 'num', '100 %'),
      macsCell(totals.mult_adds),
    );
    if (frozenMode()) tr.append(node('td', 'num', formatInt(totals.trainable_params)));
    tr.firstChild.colSpan = 1;
    tfoot.append(tr);
    return tfoot;
  }

  function summaryLines() {
    const totals = summary.totals;
    const lines = [
      t('table.footParams', { n: formatInt(totals.params) }),
      t('table.footTrainable', { n: formatInt(totals.trainable_params) }),
      t('table.footFrozen', { n: formatInt(totals.params - totals.trainable_params) }),
      t('table.footMacs', { n: `${formatCompact(totals.mult_adds)} (${formatInt(totals.mult_adds)})` }),
      t('table.footInput', { n: formatBytes(totals.input_bytes) }),
      t('table.footPass', { n: formatBytes(totals.forward_backward_bytes) }),
      t('table.footParamBytes', { n: formatBytes(totals.param_bytes) }),
      t('table.footTotal', { n: formatBytes(totals.total_bytes) }),
    ];
    return lines.map((line) => node('li', null, line));
  }

  function render() {
    if (!summary) return;
    table.replaceChildren(header(), body(), foot());
    footer.replaceChildren(...summaryLines());
  }

  table.addEventListener('click', (event) => {
    const button = event.target.closest('[data-sort]');
    if (button) {
      const key = button.dataset.sort;
      sort = { key, direction: sort.key === key ? -sort.direction : key === 'index' || key === 'name' || key === 'type' ? 1 : -1 };
      render();
      table.querySelector(`[data-sort="${key}"]`)?.focus();
      return;
    }
    const tr = event.target.closest('tbody tr');
    if (tr) onRowSelect(Number(tr.dataset.index));
  });

  return {
    setSummary(next) {
      summary = next;
      render();
    },
    setSelected(index) {
      selectedIndex = index;
      for (const tr of table.querySelectorAll('tbody tr')) {
        tr.classList.toggle('selected', Number(tr.dataset.index) === index);
      }
    },
    render,
  };
}
