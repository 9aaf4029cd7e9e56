/** Loads the API summaries saved in fixtures/ (see fixtures/README.md). */
import { readFileSync } from 'node:fs';

/** A saved summary; `{ functional: false }` drops forward()'s own rows, as the API's
 * `functional=false` does (module rows only, as summaries were before those rows). */
export function fixture(name, { functional = true } = {}) {
  const summary = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  if (functional) return summary;
  const layers = summary.layers.filter((r) => !r.functional);
  return { ...summary, layers, depth: Math.max(...layers.map((r) => r.depth)) };
}

export function leafRows(summary) {
  return summary.layers.filter((r) => r.is_leaf);
}
