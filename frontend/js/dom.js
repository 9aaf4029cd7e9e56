/**
 * The page's three DOM helpers, shared by every module that builds elements: look one up by id,
 * make an HTML element, make an SVG element.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** The element with this id (null when the page has none). */
export function $(id) {
  return document.getElementById(id);
}

/** An HTML element with an optional class name and text. */
export function node(tag, cls = null, text = null) {
  const element = document.createElement(tag);
  if (cls) element.className = cls;
  if (text != null) element.textContent = text;
  return element;
}

/** An SVG element with these attributes (null, undefined and false ones left out) and text. */
export function svg(name, attrs = {}, text = null) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(key, value);
  }
  if (text != null) element.textContent = text;
  return element;
}
