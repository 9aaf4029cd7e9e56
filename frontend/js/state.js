/**
 * The page's state in one place. Modules read `store.get()`, change it with `store.set()` and
 * react in `store.subscribe()`; nothing else keeps its own copy of what is selected.
 */

export function createStore(initial) {
  let state = { ...initial };
  const listeners = new Set();
  return {
    get: () => state,
    /** Merges `patch`; listeners get the new state and the names of the keys that changed. */
    set(patch) {
      const changed = Object.keys(patch).filter((key) => state[key] !== patch[key]);
      if (changed.length === 0) return;
      state = { ...state, ...patch };
      for (const listener of listeners) listener(state, new Set(changed));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const store = createStore({
  lang: 'en',
  models: [], // GET /models
  model: null, // the selected model's info (GET /models/{name}, with labels)
  params: null, // {height, width, batch_size, num_classes} of the shown summary
  summary: null, // the last valid summary of the selected model
  pending: false, // a summary request is in flight
  fieldErrors: {}, // control name → the API's detail
  summaryError: null, // a failure that is no control's fault (server unreachable, time limit)
  collapsed: new Set(), // container names drawn as one block
  level: 'layers', // 'layers' | 'stages' (stage groups inserted, see diagram/stages.js) | 'top' 
  foldActivations: false,
  paperView: false, // feature maps as volumes, like the AlexNet paper's figure
  selected: null, // pinned block id
  hovered: null, // block id under the pointer
  view: 'diagram', // 'diagram' | 'table' | 'compare'
  zoom: null, // null = fit the width; 'all' = fit the whole network
  fields: null, // receptive fields at the summary's input size (GET /models/{name}/receptive_field)
  image: null, // the image last classified: {file} or {dataUrl}, with an id
  prediction: null, // the API's answer for it (top-k, preview, input_shape)
  compareModels: null, // names in the compare view; null until it is first opened
});
