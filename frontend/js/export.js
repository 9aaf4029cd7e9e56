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

/**
 * A file name that says what the numbers are for: vgg16_3x224x224_b1.csv; the paper view's
 * pictures add _paper, so the two views' SVGs never overwrite each other.
 */
export function exportFileName(summary, extension, { paper = false } = {}) {
  const shape = summary.input_shape ?? [];
  const size = shape.slice(1).join('x');
  return `${summary.model}_${size}_b${shape[0] ?? 1}${paper ? '_paper' : ''}.${extension}`;
}

/**
 * How much to enlarge the diagram for a PNG: `wanted` (2: crisp on high-density screens),
 * less when a side or the area would pass what browsers' canvases accept.
 */
export function pngScale(width, height, wanted = 2, maxSide = 16384, maxArea = 120e6) {
  const bySide = maxSide / Math.max(width, height, 1);
  const byArea = Math.sqrt(maxArea / Math.max(width * height, 1));
  return Math.max(0.1, Math.min(wanted, bySide, byArea));
}

/** Browser only: an SVG file's text → a PNG Blob of `width`×`height` × `scale`. */
export async function svgToPng(svgText, width, height, scale = pngScale(width, height)) {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Browser only: offers `data` (text or a Blob) as a file. */
export function download(data, fileName, mime) {
  const blob = data instanceof Blob ? data : new Blob([data], { type: mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
