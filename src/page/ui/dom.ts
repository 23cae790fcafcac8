// Small DOM helpers: build elements in one expression, change text only when it changed.

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string;

/** `el('button', { class: 'x', 'data-testid': 'y', disabled: true }, 'Start')` */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Node[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** Writes only on change, so a 1 s poll does not touch an unchanged DOM. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setAttr(node: Element, name: string, value: string | null): void {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

export const utf8 = new TextEncoder();

let lastId = 0;

/** A document-unique id for label/aria references ("boot-title-3"); several hosts may share a page. */
export function uid(prefix: string): string {
  return `${prefix}-${++lastId}`;
}
