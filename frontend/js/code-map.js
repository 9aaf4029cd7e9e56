/**
 * Pure helpers between the code beside the diagram and the summary rows, on the answer of
 * GET /models/{name}/source: `rows` maps a row name to its lines (the first made it; then the
 * lines around it: VGG's cfg entry and `self.features = make_layers(...)`), `spans` marks the
 * exact cfg entry inside its line. No DOM: node --test checks these.
 */

/** {primary, context, spans} for a row name; empty when the code has no line for it. */
export function linesForRow(source, name) {
  const lines = source?.rows?.[name] ?? [];
  return { primary: lines[0] ?? null, context: lines.slice(1), spans: source?.spans?.[name] ?? [] };
}

/** Row names whose first line is `line` (in the code's row order), else those that list it. */
export function rowsForLine(source, line) {
  const entries = Object.entries(source?.rows ?? {});
  const made = entries.filter(([, lines]) => lines[0] === line).map(([name]) => name);
  if (made.length > 0) return made;
  return entries.filter(([, lines]) => lines.includes(line)).map(([name]) => name);
}

/**
 * The row a click on `line` selects. A line that made several rows (make_layers' Conv2d line
 * made every convolution of VGG) selects the one after `current` when `current` is one of them,
 * so clicking the same line again walks through them; otherwise the first.
 */
export function rowForLine(source, line, current = null) {
  const names = rowsForLine(source, line);
  if (names.length === 0) return null;
  const at = names.indexOf(current);
  return at >= 0 ? names[(at + 1) % names.length] : names[0];
}

/** The correction covering `line` (1-based), or null. */
export function correctionAt(source, line) {
  return (source?.corrections ?? []).find((c) => line >= c.line && line < c.line + c.lines) ?? null;
}
