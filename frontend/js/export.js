/** The layer table as CSV and JSON files for download. Pure except `download`. */

export const CSV_COLUMNS = [
  'index',
  'name',
  'type',
  'depth',
  'parent',
  'is_leaf',
  'recursive',
  'input_shape',
  'output_shape',
  'params',
  'trainable_params',
  'mult_adds',
];

function csvCell(value) {
  if (value == null) return '';
  const text = Array.isArray(value) ? value.join('x') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line per row, shapes as 1x3x224x224 (one cell each), RFC 4180 quoting. */
export function summaryToCsv(summary) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of summary.layers) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function summaryToJson(summary) {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** A file name that says what the numbers are for: vgg16_3x224x224_b1.csv */
export function exportFileName(summary, extension) {
  const shape = summary.input_shape ?? [];
  const size = shape.slice(1).join('x');
  return `${summary.model}_${size}_b${shape[0] ?? 1}.${extension}`;
}

/** Browser only: offers `text` as a file. */
export function download(text, fileName, mime) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
