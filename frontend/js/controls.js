/**
 * Input-size controls: height, width, batch size and classes, and "freeze the feature
 * extractor" (transfer learning: summary?freeze=feature_extractor). Edits are sent after a short
 * pause (or at once on Enter); the API's error detail is shown beside the control it concerns.
 */

import { $ } from './dom.js';

export const FIELDS = ['height', 'width', 'batch_size', 'num_classes', 'freeze'];
const FREEZE_ALL = 'feature_extractor';
const DELAY_MS = 350;

/**
 * The controls an error is about, as control → sentence: the sentence under the first, every
 * other one the server names marked with it ('' = marked, no second copy of the text).
 */
export function fieldErrorsFor(error, edited) {
  let fields = error.fields.filter((f) => FIELDS.includes(f));
  if (!fields.length && (error.layer || error.body?.valid_range)) fields = [edited === 'width' ? 'width' : 'height'];
  if (!fields.length) fields = [FIELDS.includes(edited) ? edited : 'height'];
  return Object.fromEntries(fields.map((f, i) => [f, i === 0 ? error.detail : '']));
}

export function createControls(form, { t, onChange }) {
  // form.elements includes controls outside the form that name it (form="controls"): the
  // freeze box lives in the transfer-learning panel.
  const inputs = Object.fromEntries(FIELDS.map((f) => [f, form.elements.namedItem(f)]));
  const errors = Object.fromEntries(FIELDS.map((f) => [f, $(`err-${f}`)]));
  let timer = null;
  let lastEdited = null;

  function values() {
    const params = {};
    for (const field of FIELDS) {
      const input = inputs[field];
      if (input.type === 'checkbox') {
        if (input.checked && !input.disabled) params[field] = FREEZE_ALL;
        continue;
      }
      // A number input reports "" for text it cannot parse: send what was typed so the
      // server's sentence, not a silent default, answers it.
      const raw = input.value !== '' ? input.value : input.validity.badInput ? 'invalid' : '';
      if (!input.disabled && raw !== '') params[field] = raw.trim();
    }
    return params;
  }

  function fire() {
    clearTimeout(timer);
    timer = null;
    onChange(values(), lastEdited);
  }

  for (const input of Object.values(inputs)) {
    input.addEventListener('input', (event) => {
      lastEdited = event.target.name;
      clearTimeout(timer);
      timer = setTimeout(fire, event.target.type === 'checkbox' ? 0 : DELAY_MS);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        lastEdited = event.target.name;
        fire();
      }
    });
  }
  form.addEventListener('submit', (event) => event.preventDefault());

  return {
    /** Shows the defaults of a newly picked model. */
    setValues(params, { classifier }) {
      clearTimeout(timer);
      for (const field of FIELDS) {
        if (inputs[field].type === 'checkbox') inputs[field].checked = Boolean(params[field]);
        else inputs[field].value = params[field] ?? '';
      }
      for (const field of ['num_classes', 'freeze']) {
        inputs[field].disabled = !classifier;
        inputs[field].title = classifier ? '' : t('controls.notClassifier');
      }
      lastEdited = null;
    },
    /**
     * fieldErrors: control name → sentence, or '' for a control the same sentence also names
     * (the server's one sentence for height and width is shown once, both are marked); every
     * other control is cleared.
     */
    showErrors(fieldErrors) {
      for (const field of FIELDS) {
        const invalid = field in fieldErrors;
        const message = fieldErrors[field] ?? '';
        errors[field].textContent = message;
        errors[field].hidden = !message;
        inputs[field].setAttribute('aria-invalid', String(invalid));
        inputs[field].closest('.field').classList.toggle('invalid', invalid);
      }
    },
  };
}
