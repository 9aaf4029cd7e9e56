/** dom.js, the page's one home of $, node() and svg(), on a stand-in document. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { $, node, SVG_NS, svg } from '../js/dom.js';

class FakeElement {
  constructor(name, namespace = null) {
    Object.assign(this, { name, namespace, attributes: {}, className: '', textContent: '' });
  }
  setAttribute(key, value) {
    this.attributes[key] = String(value);
  }
}

describe('dom helpers', () => {
  before(() => {
    globalThis.document = {
      createElement: (tag) => new FakeElement(tag),
      createElementNS: (namespace, name) => new FakeElement(name, namespace),
      getElementById: (id) => (id === 'totals' ? { id } : null),
    };
  });
  after(() => delete globalThis.document);

  it('$ finds by id', () => {
    assert.deepEqual($('totals'), { id: 'totals' });
    assert.equal($('missing'), null);
  });

  it('node sets the class and text it is given', () => {
    const cell = node('td', 'num', '1,024');
    assert.deepEqual([cell.name, cell.className, cell.textContent], ['td', 'num', '1,024']);
    const empty = node('tr');
    assert.deepEqual([empty.className, empty.textContent], ['', '']);
    assert.equal(node('span', null, 0).textContent, 0, 'a zero is text too');
  });

  it('svg leaves out null, undefined and false attributes', () => {
    const rect = svg('rect', { x: 0, y: 2.5, class: 'pos', hidden: false, title: null, fill: undefined }, 'tip');
    assert.equal(rect.namespace, SVG_NS);
    assert.deepEqual(rect.attributes, { x: '0', y: '2.5', class: 'pos' });
    assert.equal(rect.textContent, 'tip');
  });
});

it('no other module makes its own DOM helpers', () => {
  const root = new URL('../js/', import.meta.url);
  const files = readdirSync(root, { recursive: true }).filter((f) => f.endsWith('.js') && f !== 'dom.js');
  assert.ok(files.length > 20, `${files.length} modules`);
  const pattern = /document\.(getElementById|createElementNS)\(|function (node|svg|byId|span|cell)\(|const \$ =/;
  const offenders = files.filter((f) => pattern.test(readFileSync(new URL(f, root), 'utf8')));
  assert.deepEqual(offenders, []);
});
