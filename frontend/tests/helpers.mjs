/** Loads the API summaries saved in fixtures/ (see fixtures/README.md). */
import { readFileSync } from 'node:fs';

export function fixture(name) {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export function leafRows(summary) {
  return summary.layers.filter((r) => r.is_leaf);
}
