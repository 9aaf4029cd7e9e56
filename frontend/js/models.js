/** The model picker: one button per model with dataset, input shape, parameters and a badge. */

import { node } from './dom.js';
import { formatCompact, formatInt, formatShape } from './format.js';
import { titleOf } from './i18n.js';

const DATASET_NAMES = { mnist: 'MNIST', cifar10: 'CIFAR-10', imagenet: 'ImageNet' };

export function renderModelList(list, models, selectedName, { t, onPick }) {
  list.replaceChildren(
    ...models.map((model) => {
      const li = node('li');
      const button = node('button', 'model-button');
      button.type = 'button';
      button.dataset.model = model.name;
      if (model.name === selectedName) button.setAttribute('aria-current', 'true');
      const badge = node('span', `badge ${model.trained ? 'badge-trained' : 'badge-random'}`, t(model.trained ? 'models.trainedShort' : 'models.randomShort'));
      badge.title = t(model.trained ? 'models.trained' : 'models.random');
      const dataset = model.dataset ? (DATASET_NAMES[model.dataset] ?? model.dataset) : t('models.noDataset');
      const meta = node('span', 'model-meta', `${dataset} · ${formatShape(model.input_shape)}`);
      const params = node('span', 'model-params', t('models.params', { n: formatCompact(model.params) }));
      params.title = formatInt(model.params);
      const bottom = node('span', 'model-bottom', '');
      bottom.append(params, badge);
      button.append(node('span', 'model-name', titleOf(model)), meta, bottom);
      button.addEventListener('click', () => onPick(model.name));
      li.append(button);
      return li;
    }),
  );
  // The list scrolls on its own on wide screens: keep the picked model in sight.
  const current = list.querySelector('[aria-current="true"]');
  if (current && list.scrollHeight > list.clientHeight) {
    const top = current.offsetTop; // .model-list is positioned, so this is within the list
    if (top < list.scrollTop || top + current.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 2;
    }
  }
}
