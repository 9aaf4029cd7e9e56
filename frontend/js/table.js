/**
 * The layer table, like torchinfo's: every row (containers indented above their layers),
 * sortable by any column, with torchinfo's totals underneath.
 */

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

function cell(tag, text, cls) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (cls) node.className = cls;
  return node;
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

  function header() {
    const thead = document.createElement('thead');
    const tr = document.createElement('tr');
    for (const column of COLUMNS) {
      const th = document.createElement('th');
      th.scope = 'col';
      if (column.numeric) th.className = 'num';
      const active = sort.key === column.key;
      th.setAttribute('aria-sort', active ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none');
      const button = cell('button', t(column.label), 'sort-button');
      button.type = 'button';
      button.dataset.sort = column.key;
      button.title = t('table.sortBy', { column: t(column.label) });
      if (active) button.append(cell('span', sort.direction > 0 ? ' ▲' : ' ▼', 'sort-mark'));
      th.append(button);
      tr.append(th);
    }
    thead.append(tr);
    return thead;
  }

  function body() {
    const tbody = document.createElement('tbody');
    const total = summary.totals.params;
    const hierarchy = sort.key === 'index';
    for (const row of sortedRows()) {
      const tr = document.createElement('tr');
      tr.dataset.index = row.index;
      tr.tabIndex = -1;
      if (!row.is_leaf) tr.className = 'container-row';
      if (row.index === selectedIndex) tr.classList.add('selected');
      const name = cell('td', row.name, `name${hierarchy ? ` depth-${Math.min(row.depth, 6)}` : ''}`);
      if (row.recursive) name.append(cell('span', ' (recursive)', 'muted'));
      if (row.trainable === false) {
        tr.classList.add('frozen-row');
        name.append(' ', cell('span', t('table.frozen'), 'frozen-chip'));
      }
      const params = row.recursive ? '—' : formatInt(row.params);
      tr.append(
        cell('td', String(row.index), 'num'),
        name,
        cell('td', row.type),
        cell('td', formatShape(row.input_shape), 'shape'),
        cell('td', formatShape(row.output_shape), 'shape'),
        cell('td', params, 'num'),
        cell('td', row.recursive ? '—' : formatPercent(total ? row.params / total : 0), 'num'),
        cell('td', formatInt(row.mult_adds), 'num'),
        cell('td', row.recursive ? '—' : formatInt(row.trainable_params), 'num'),
      );
      tbody.append(tr);
    }
    return tbody;
  }

  function foot() {
    const tfoot = document.createElement('tfoot');
    const tr = document.createElement('tr');
    const totals = summary.totals;
    tr.append(
      cell('th', t('table.total'), null),
      cell('td', ''),
      cell('td', ''),
      cell('td', formatShape(summary.input_shape), 'shape'),
      cell('td', formatShape(summary.output_shape), 'shape'),
      cell('td', formatInt(totals.params), 'num'),
      cell('td', '100 %', 'num'),
      cell('td', formatInt(totals.mult_adds), 'num'),
      cell('td', formatInt(totals.trainable_params), 'num'),
    );
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
    return lines.map((line) => cell('li', line));
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
