/**
 * Input-size controls: height, width, batch size and classes, and "freeze the feature
 * extractor" (transfer learning: summary?freeze=feature_extractor). Edits are sent after a short
 * pause (or at once on Enter); the API's error detail is shown beside the control it concerns.
 */

export const FIELDS = ['height', 'width', 'batch_size', 'num_classes', 'freeze'];
const FREEZE_ALL = 'feature_extractor';
const DELAY_MS = 350;

export function createControls(form, { t, onChange }) {
  const inputs = Object.fromEntries(FIELDS.map((f) => [f, form.querySelector(`[name="${f}"]`)]));
  const errors = Object.fromEntries(FIELDS.map((f) => [f, form.querySelector(`#err-${f}`)]));
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

  form.addEventListener('input', (event) => {
    lastEdited = event.target.name;
    clearTimeout(timer);
    timer = setTimeout(fire, event.target.type === 'checkbox' ? 0 : DELAY_MS);
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target.name) {
      event.preventDefault();
      lastEdited = event.target.name;
      fire();
    }
  });
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
    /** fieldErrors: control name → sentence; every other control is cleared. */
    showErrors(fieldErrors) {
      for (const field of FIELDS) {
        const message = fieldErrors[field];
        errors[field].textContent = message ?? '';
        errors[field].hidden = !message;
        inputs[field].setAttribute('aria-invalid', message ? 'true' : 'false');
        inputs[field].closest('.field').classList.toggle('invalid', Boolean(message));
      }
    },
  };
}
