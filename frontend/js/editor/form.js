/**
 * The editor's controls for one spec, in the seed's vocabulary: VGG's cfg as chips (change a
 * width, toggle 'M', remove, add) and as the seed's Python list in a text field; ResNet's
 * blocks and widths per stage, stem and skip switch; SimpleCNN's conv widths and hidden width;
 * AlexNet's five widths and the groups of conv2/4/5; for every family the classes, input size,
 * input channels and activation.
 *
 * Every control carries `data-field` with the spec field it edits (`cfg[3]`, `blocks[1]`...) and
 * sits in a group that names its fields (`data-group="blocks widths"`), so a server error
 * naming a field lands beside the control at fault. Layout only: the debounced requests and
 * what happens with their answers live in editor/index.js.
 */

import { node } from '../dom.js';
import { formatCfg, parseCfg, parseNumbers } from './pylist.js';

const MAX_WIDTH = 4096;

function button(text, title, onClick, cls = 'button small') {
  const b = node('button', cls, text);
  b.type = 'button';
  if (title) {
    b.title = title;
    b.setAttribute('aria-label', title);
  }
  b.addEventListener('click', onClick);
  return b;
}

/** A typed number as a number; anything else as typed, so the server's sentence answers it. */
function typed(input) {
  const n = Number(input.value);
  return Number.isInteger(n) && input.value.trim() !== '' ? n : input.value;
}

export function createEditorForm(root, { t, onEdit }) {
  let spec = null;
  let cfgText = null; // the text field of VGG's cfg, kept in step with the chips
  let chipsBox = null;

  function edit(change, { rerender = false, chips = false } = {}) {
    spec = structuredClone(spec);
    change(spec);
    if (rerender) render();
    else if (chips) renderChips();
    if (cfgText && document.activeElement !== cfgText) cfgText.value = formatCfg(spec.cfg);
    onEdit(structuredClone(spec));
  }

  function numberInput(value, field, label, onValue) {
    const input = node('input', 'editor-number');
    Object.assign(input, { type: 'number', min: '1', step: '1', value: String(value) });
    input.inputMode = 'numeric';
    input.dataset.field = field;
    input.setAttribute('aria-label', label);
    input.addEventListener('input', () => {
      if (input.value.trim() !== '' || input.validity.badInput) onValue(typed(input));
    });
    return input;
  }

  function group(fields, label, ...children) {
    const box = node('div', 'editor-group');
    box.dataset.group = fields;
    if (label) box.append(node('div', 'editor-label', label));
    box.append(...children);
    const error = node('p', 'field-error');
    error.hidden = true;
    error.setAttribute('role', 'alert');
    box.append(error);
    return box;
  }

  // ------------------------------------------------------------ VGG

  function lastWidthBefore(cfg, index) {
    const widths = cfg.slice(0, index).filter((v) => v !== 'M');
    return widths.length ? widths[widths.length - 1] : 64;
  }

  function renderChips() {
    chipsBox.replaceChildren(
      ...spec.cfg.map((v, i) => {
        const chip = node('span', v === 'M' ? 'chip chip-pool' : 'chip');
        chip.dataset.field = `cfg[${i}]`;
        chip.dataset.index = String(i);
        if (v === 'M') chip.append(node('span', 'chip-label', 'M'));
        else chip.append(numberInput(v, `cfg[${i}]`, t('editor.chipWidth', { i }), (n) => edit((s) => { s.cfg[i] = n; })));
        chip.append(
          button('⇄', t('editor.toggle'), () => edit((s) => { s.cfg[i] = v === 'M' ? lastWidthBefore(s.cfg, i) : 'M'; }, { chips: true }), 'chip-button'),
          button('×', t('editor.remove', { i }), () => edit((s) => s.cfg.splice(i, 1), { chips: true }), 'chip-button'),
        );
        return chip;
      }),
    );
  }

  function vggControls() {
    chipsBox = node('div', 'chips');
    renderChips();
    const addConv = button(t('editor.addConv'), null, () => edit((s) => s.cfg.push(lastWidthBefore(s.cfg, s.cfg.length)), { chips: true }));
    addConv.id = 'editor-add-conv';
    const addPool = button(t('editor.addPool'), null, () => edit((s) => s.cfg.push('M'), { chips: true }));
    addPool.id = 'editor-add-pool';
    cfgText = node('input', 'editor-text');
    Object.assign(cfgText, { type: 'text', id: 'editor-cfg-text', value: formatCfg(spec.cfg), spellcheck: false });
    cfgText.dataset.field = 'cfg';
    cfgText.setAttribute('aria-label', t('editor.cfgText'));
    const textGroup = group('cfg-text', t('editor.cfgText'), cfgText);
    cfgText.addEventListener('input', () => {
      const parsed = parseCfg(cfgText.value);
      const error = textGroup.querySelector('.field-error');
      error.hidden = !parsed.error;
      error.textContent = parsed.error ? t(parsed.error.key, { i: parsed.error.index, token: parsed.error.token }) : '';
      cfgText.setAttribute('aria-invalid', String(Boolean(parsed.error)));
      if (!parsed.error) edit((s) => { s.cfg = parsed.values; }, { chips: true });
    });
    const bn = node('input');
    Object.assign(bn, { type: 'checkbox', id: 'editor-bn', checked: spec.batch_norm });
    bn.dataset.field = 'batch_norm';
    bn.addEventListener('change', () => edit((s) => { s.batch_norm = bn.checked; }));
    const bnLabel = node('label', 'check');
    bnLabel.append(bn, ` ${t('editor.batchNorm')}`);
    const classifier = node('input', 'editor-text');
    Object.assign(classifier, { type: 'text', id: 'editor-classifier', value: spec.classifier.join(', ') });
    classifier.dataset.field = 'classifier';
    classifier.setAttribute('aria-label', t('editor.classifier'));
    classifier.addEventListener('input', () => {
      const widths = parseNumbers(classifier.value);
      if (widths) edit((s) => { s.classifier = widths; });
    });
    const adders = node('div', 'editor-row');
    adders.append(addConv, addPool);
    return [
      group('cfg', t('editor.cfg'), chipsBox, adders),
      textGroup,
      group('batch_norm', null, bnLabel),
      group('classifier', t('editor.classifier'), classifier),
    ];
  }

  // ------------------------------------------------------------ ResNet, SimpleCNN, AlexNet

  function stageRows() {
    const rows = spec.blocks.map((n, i) => {
      const row = node('div', 'editor-row stage-row');
      row.dataset.field = `stage[${i}]`;
      row.append(
        node('span', 'stage-name', t('editor.stage', { n: i + 1 })),
        numberInput(n, `blocks[${i}]`, t('editor.blocksOf', { n: i + 1 }), (v) => edit((s) => { s.blocks[i] = v; })),
        node('span', 'unit', t('editor.blocksUnit')),
        numberInput(spec.widths[i], `widths[${i}]`, t('editor.widthOf', { n: i + 1 }), (v) => edit((s) => { s.widths[i] = v; })),
        node('span', 'unit', t('editor.channelsUnit')),
      );
      if (spec.blocks.length > 1) {
        row.append(button('×', t('editor.removeStage', { n: i + 1 }), () => edit((s) => { s.blocks.splice(i, 1); s.widths.splice(i, 1); }, { rerender: true }), 'chip-button'));
      }
      return row;
    });
    const add = button(t('editor.addStage'), null, () => edit((s) => {
      s.blocks.push(2);
      s.widths.push(Math.min(MAX_WIDTH, 2 * s.widths[s.widths.length - 1]));
    }, { rerender: true }));
    add.id = 'editor-add-stage';
    return group('blocks widths', t('editor.stages'), ...rows, add);
  }

  function resnetControls() {
    const stem = select('stem', [['cifar', t('editor.stemCifar')], ['imagenet', t('editor.stemImagenet')]]);
    const skip = node('input');
    Object.assign(skip, { type: 'checkbox', id: 'editor-skip', checked: spec.skip });
    skip.dataset.field = 'skip';
    skip.addEventListener('change', () => edit((s) => { s.skip = skip.checked; }));
    const skipLabel = node('label', 'check');
    skipLabel.append(skip, ` ${t('editor.skip')}`);
    return [stageRows(), group('stem', t('editor.stem'), stem), group('skip', null, skipLabel)];
  }

  function simplecnnControls() {
    const chips = node('div', 'chips');
    chips.append(
      ...spec.channels.map((w, i) => {
        const chip = node('span', 'chip');
        chip.dataset.field = `channels[${i}]`;
        chip.append(numberInput(w, `channels[${i}]`, t('editor.convWidth', { n: i + 1 }), (v) => edit((s) => { s.channels[i] = v; })));
        if (spec.channels.length > 1) chip.append(button('×', t('editor.removeStage', { n: i + 1 }), () => edit((s) => s.channels.splice(i, 1), { rerender: true }), 'chip-button'));
        return chip;
      }),
    );
    const add = button(t('editor.addStage'), null, () => edit((s) => s.channels.push(Math.min(MAX_WIDTH, 2 * s.channels[s.channels.length - 1])), { rerender: true }));
    add.id = 'editor-add-stage';
    const hidden = numberInput(spec.hidden, 'hidden', t('editor.hidden'), (v) => edit((s) => { s.hidden = v; }));
    return [group('channels', t('editor.channels'), chips, add), group('hidden', t('editor.hidden'), hidden)];
  }

  function alexnetControls() {
    const widths = spec.widths.map((w, i) => labelled(`conv${i + 1}`, numberInput(w, `widths[${i}]`, `conv${i + 1}`, (v) => edit((s) => { s.widths[i] = v; }))));
    const groups = ['conv2', 'conv4', 'conv5'].map((conv, i) =>
      labelled(conv, numberInput(spec.groups[i], `groups[${i}]`, `${conv} groups`, (v) => edit((s) => { s.groups[i] = v; }))),
    );
    return [group('widths', t('editor.alexWidths'), ...widths), group('groups', t('editor.groups'), ...groups)];
  }

  // ------------------------------------------------------------ every family

  function inRow(...children) {
    const row = node('div', 'editor-row');
    row.append(...children);
    return row;
  }

  function labelled(text, input) {
    const label = node('label', 'editor-inline');
    label.append(node('span', 'editor-inline-name', text), input);
    return label;
  }

  function select(field, options) {
    const box = node('select', 'editor-select');
    box.dataset.field = field;
    box.id = `editor-${field}`;
    for (const [value, text] of options) {
      const option = node('option', null, text);
      option.value = value;
      option.selected = String(spec[field]) === value;
      box.append(option);
    }
    box.addEventListener('change', () => edit((s) => { s[field] = field === 'in_channels' ? Number(box.value) : box.value; }));
    return box;
  }

  function commonControls() {
    const classes = numberInput(spec.num_classes, 'num_classes', t('controls.classes'), (v) => edit((s) => { s.num_classes = v; }));
    classes.id = 'editor-num_classes';
    const size = numberInput(spec.input_size, 'input_size', t('editor.inputSize'), (v) => edit((s) => { s.input_size = v; }));
    size.id = 'editor-input_size';
    const channels = select('in_channels', [['1', t('editor.grey')], ['3', t('editor.rgb')]]);
    const activation = select('activation', [['relu', 'ReLU'], ['sigmoid', 'Sigmoid'], ['tanh', 'Tanh']]);
    return [
      group('num_classes', t('controls.classes'), classes),
      group('input_size', t('editor.inputSize'), inRow(size, node('span', 'unit', 'px'))),
      group('in_channels', t('editor.inChannels'), channels),
      group('activation', t('editor.activation'), activation),
    ];
  }

  const FAMILY_CONTROLS = { vgg: vggControls, resnet: resnetControls, simplecnn: simplecnnControls, alexnet: alexnetControls };

  function render() {
    cfgText = null;
    const controls = FAMILY_CONTROLS[spec.family]();
    const general = node('p', 'field-error editor-general');
    general.hidden = true;
    general.setAttribute('role', 'alert');
    root.replaceChildren(...controls, ...commonControls(), general);
  }

  return {
    show(next) {
      spec = structuredClone(next);
      render();
    },
    get spec() {
      return spec;
    },
    /** The server's sentence beside the group of `field` (cfg[13] -> the cfg chips), the
     * control itself marked; a field no control edits gets the general line. */
    showError(field, detail) {
      this.clearErrors();
      const base = String(field ?? '').split('[')[0];
      const box = (base && root.querySelector(`[data-group~="${CSS.escape(base)}"]`)) || null;
      const message = box ? box.querySelector(':scope > .field-error') : root.querySelector('.editor-general');
      message.textContent = detail;
      message.hidden = false;
      const control = field ? root.querySelector(`[data-field="${CSS.escape(field)}"]`) : null;
      const marked = control ?? box;
      marked?.classList.add('invalid');
      marked?.setAttribute('aria-invalid', 'true');
      return message;
    },
    clearErrors() {
      for (const p of root.querySelectorAll('.field-error')) {
        if (p.closest('[data-group="cfg-text"]')) continue; // the text field's own parse error
        p.hidden = true;
        p.textContent = '';
      }
      for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
      for (const el of root.querySelectorAll('[aria-invalid="true"]')) {
        if (el !== cfgText) el.setAttribute('aria-invalid', 'false');
      }
    },
    retranslate() {
      if (spec) render();
    },
  };
}
