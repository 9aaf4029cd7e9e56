/** The model in the address (`/#vgg16`; a custom network's name holds the whole network). */

export function modelFromHash() {
  return decodeURIComponent(location.hash.slice(1));
}

/** Names the shown model in the address without adding a history entry. */
export function showModelInHash(name) {
  history.replaceState(null, '', `#${name}`);
}

/** Calls `onModel(name)` when the person edits the address to another model. */
export function watchHash(currentName, onModel) {
  window.addEventListener('hashchange', () => {
    const name = modelFromHash();
    if (name && name !== currentName()) onModel(name);
  });
}
