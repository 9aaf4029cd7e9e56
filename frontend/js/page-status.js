/**
 * The summary's status around the diagram: the controls' error sentences, a failure that is no
 * control's fault, the note that the diagram keeps the last valid input, "loading", the frozen
 * head's sentence and the summary's warnings.
 */

import { $ } from './dom.js';
import { formatInt, formatShape } from './format.js';
import { headText } from './transfer.js';

export function renderStatus(state, { t, controls }) {
  const { fieldErrors, summary, pending } = state;
  controls.showErrors(fieldErrors);
  const general = $('summary-error');
  general.hidden = !state.summaryError;
  general.textContent = state.summaryError ?? '';
  const stale = $('stale-note');
  const hasErrors = Object.keys(fieldErrors).length > 0;
  stale.hidden = !(hasErrors && summary);
  if (summary) stale.textContent = t('stale.note', { shape: formatShape(summary.input_shape) });
  $('summary-status').textContent = pending ? t('controls.loading') : '';
  $('freeze-hint').textContent = summary ? headText(summary, { t, formatInt }) : '';
  $('diagram-scroll').setAttribute('aria-busy', String(pending));
  const warnings = $('summary-warnings');
  warnings.hidden = !summary?.warnings?.length;
  warnings.textContent = summary?.warnings?.join(' ') ?? '';
}
