// dom: builds elements. h(tag, attrs, ...children) sets `on*` attrs as listeners, `className`,
// `value`, `checked`, `disabled`, `hidden` as properties, `style` (an object of CSS properties,
// custom ones included) through the CSSOM, and everything else as attributes (false/null/
// undefined skipped); children are nodes or strings, always inserted as text.
// No module of the app writes HTML from strings, so message text can never inject markup, and
// no inline style attribute is written, so the Content-Security-Policy needs no 'unsafe-inline'.
const PROPERTIES = new Set(['className', 'value', 'checked', 'disabled', 'hidden', 'selected']);

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'style') {
      for (const [property, setting] of Object.entries(value)) element.style.setProperty(property, String(setting));
    } else if (PROPERTIES.has(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  appendChildren(element, children);
  return element;
}

function appendChildren(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}
