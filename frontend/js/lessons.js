/**
 * Short lessons beside the diagram, per model family, in English and Korean. The Korean text
 * follows the seed lecture notes (shared/seed); two facts are computed from the live summary
 * (the spatial path and the heaviest layer), so they follow the controls.
 */

import { isResidualType } from './diagram/kinds.js';
import { formatInt, formatPercent, spatialSize } from './format.js';

export const LESSONS = {
  simplecnn: {
    en: [
      'Two stages of 3×3 convolution + ReLU + 2×2 max-pooling halve the picture twice (28 → 14 → 7) while the channels grow 1 → 32 → 64: spatial detail is traded for features.',
      'forward() flattens with x.view(-1, 64*7*7). At 28–31 px that is one row per image; at 56 px the feature map becomes four rows and one image gets four predictions. Try it in Input.',
      'The two fully connected layers hold almost all the parameters (fc1 alone 401,536); the convolutions that do the seeing are tiny.',
    ],
    ko: [
      '3×3 합성곱 + ReLU + 2×2 최대 풀링 두 단계가 그림 크기를 두 번 절반으로 줄이고(28 → 14 → 7), 채널은 1 → 32 → 64로 늘어납니다. 공간 정보 대신 특징을 얻는 구조입니다.',
      'forward()는 x.view(-1, 64*7*7)로 평탄화합니다. 28–31 px에서는 이미지 한 장이 한 행이지만, 56 px에서는 특징 맵이 네 행이 되어 이미지 한 장에 예측이 네 개 나옵니다. 입력에서 직접 해 보세요.',
      '파라미터 대부분은 완전연결층 두 개에 있습니다(fc1만 401,536개). 실제로 "보는" 합성곱층은 아주 작습니다. fc2의 출력 10은 10개의 숫자 클래스입니다.',
    ],
  },
  alexnet: {
    en: [
      'Winner of ImageNet 2012: CNN + ReLU + max-pooling + fully connected layers, trained on two GPUs in parallel, an innovation at the time.',
      'The first 11×11 convolution with stride 4 shrinks 224 → 55 at once; three 3×3 max-pools with stride 2 take it on to 27, 13 and 6.',
      'The classifier expects exactly 256×6×6 = 9,216 features (torch.flatten keeps the batch), so only inputs of 223–254 px work: type 200 into Height and the server names classifier.1 as the layer that fails.',
    ],
    ko: [
      'ImageNet 2012 대회 우승. CNN + ReLU + MaxPooling + FC Layer 구조이고, 당시로는 혁신적인 2 GPU 병렬 연산을 사용했습니다.',
      '첫 11×11 합성곱(stride 4)이 224 → 55로 한 번에 줄이고, stride 2인 3×3 최대 풀링 세 번이 27, 13, 6으로 줄입니다.',
      '분류기는 정확히 256×6×6 = 9,216개 특징을 기대합니다(torch.flatten(x, 1): batch size 제외하고 평탄화). 그래서 223–254 px 입력만 됩니다. 높이에 200을 넣으면 서버가 실패하는 레이어로 classifier.1을 알려 줍니다.',
    ],
  },
  vgg: {
    en: [
      'Only 3×3 convolutions, in stages written as a configuration list (cfg) and built by make_layers; each max-pool halves the size: 224 → 112 → 56 → 28 → 14 → 7.',
      'Two stacked 3×3 convolutions see a 5×5 window with 18 weights per channel pair instead of 25, with an extra ReLU between them.',
      'The first fully connected layer (classifier.0, 25,088 → 4,096) holds about three quarters of all parameters: look at the share column. Simple and uniform, VGG became the most widely used backbone for transfer learning.',
    ],
    ko: [
      '3×3 합성곱만 씁니다. 구조 리스트(cfg)로 정의하고 make_layers로 쌓으며, 최대 풀링마다 크기가 절반이 됩니다: 224 → 112 → 56 → 28 → 14 → 7.',
      '3×3 합성곱 두 개를 쌓으면 5×5 영역을 보면서도 채널 쌍마다 가중치가 25개가 아닌 18개이고, 사이에 ReLU가 하나 더 들어갑니다.',
      '첫 완전연결층(classifier.0, 25,088 → 4,096)이 전체 파라미터의 약 4분의 3을 차지합니다. 비중 막대를 보세요. 구조가 단순하고 통일감 있어서 전이학습(Transfer Learning) 용으로 가장 널리 쓰였습니다.',
    ],
  },
  // ResNet's twins without shortcuts (same layers, no ⊕): the seed's vanishing-gradient lesson.
  plain: {
    en: [
      'The same stages and layers as the ResNet beside it, but no skip connections: every block is just conv-BN-ReLU-conv-BN-ReLU, so no arcs and no ⊕ in the diagram.',
      'Gradients must pass back through every layer: each multiplies them by its derivative, and many factors below 1 shrink them towards 0 before they reach the first layers (vanishing gradient, degradation).',
      'Put it next to its ResNet: same parameter count within a few downsample convolutions, yet the plain net trains worse as it gets deeper — the reason ResNet adds the input back.',
    ],
    ko: [
      '옆의 ResNet과 단계와 레이어는 같지만 skip connection이 없습니다. 블록은 conv-BN-ReLU-conv-BN-ReLU뿐이라 다이어그램에 호와 ⊕가 없습니다.',
      '기울기는 모든 층을 거꾸로 지나야 합니다. 각 층의 미분값이 곱해지고, 0보다 작은 수를 계속 곱하면 앞쪽 층에 도달할 때쯤 gradient ≈ 0이 됩니다(기울기 소실, degradation).',
      'ResNet과 나란히 보세요. 파라미터 수는 downsample 합성곱 몇 개 차이뿐인데, plain 네트워크는 깊어질수록 오히려 학습이 잘 안 됩니다. ResNet이 입력을 다시 더해 주는 이유입니다.',
    ],
  },
  resnet: {
    en: [
      'Plain CNNs got worse as they got deeper (vanishing gradients, degradation). ResNet adds each block’s input to its output — the skip connection — so networks hundreds of layers deep still train.',
      'Vanishing gradient: backpropagation multiplies one derivative per layer; many factors below 1 shrink the gradient towards 0 before it reaches the first layers, whose weights then barely change (worst with sigmoid/tanh before ReLU).',
      'The block only has to learn the residual F(x) = H(x) − x. Where a stage halves the size and doubles the channels, the shortcut cannot be the identity: a 1×1 convolution with stride 2 (downsample, drawn on the arc) reshapes it.',
    ],
    ko: [
      'CNN은 깊게 쌓을수록 성능이 떨어지는 문제(기울기 소실, degradation)가 있었습니다. ResNet은 입력값을 다음 층에 더해주는 skip connection(잔차 연결)을 도입해서 수백 층의 깊은 네트워크도 안정적으로 학습할 수 있게 했습니다.',
      '기울기 소실(Vanishing Gradient): 역전파 시 각 층마다 미분값이 곱해지고, 0보다 작은 수를 계속 곱하면 앞쪽(입력에 가까운) 층에 도달할 때쯤 gradient ≈ 0이 되어 가중치가 거의 바뀌지 않습니다. 특히 ReLU 이전의 sigmoid/tanh에서 심각했습니다.',
      'Skip Connection은 입력을 그대로 더해줌으로써 "잔차(residual)"만 학습하게 도와줍니다. 크기를 절반으로 줄이고 채널을 두 배로 늘리는 곳에서는 지름길이 항등일 수 없어, stride 2인 1×1 합성곱(downsample, 호 위에 그림)으로 모양을 맞춥니다.',
    ],
  },
};

/** The sizes the tensor passes through, e.g. "224 → 55 → 27 → 13 → 6" (squares written once). */
export function spatialPath(summary) {
  const sizes = [];
  for (const shape of [summary.input_shape, ...summary.layers.filter((r) => r.is_leaf).map((r) => r.output_shape)]) {
    const hw = spatialSize(shape);
    if (!hw) continue;
    const [h, w] = hw.split('×');
    const text = h === w ? h : hw;
    if (sizes[sizes.length - 1] !== text) sizes.push(text);
  }
  return sizes.join(' → ');
}

/** The leaf row with the most parameters. */
export function heaviestLayer(summary) {
  let best = null;
  for (const row of summary.layers) {
    if (row.is_leaf && !row.recursive && (!best || row.params > best.params)) best = row;
  }
  return best;
}

/**
 * AlexNet on two GPUs beside the seed's single-column AlexNet: both parameter counts and the
 * difference (the grouped convolutions' halved kernels). Null unless one of the two is shown
 * and the other is in the model list.
 */
export function gpuComparison(model, models) {
  if (!model || !['alexnet', 'alexnet_2gpu'].includes(model.name)) return null;
  const one = models?.find((m) => m.name === 'alexnet');
  const two = models?.find((m) => m.name === 'alexnet_2gpu');
  if (!one || !two) return null;
  return { one: one.params, two: two.params, fewer: one.params - two.params, share: (one.params - two.params) / one.params };
}

/** Which lessons fit: a ResNet-family net whose blocks add nothing back is a plain twin. */
export function lessonKey(model, summary) {
  if (model.family === 'resnet' && summary) {
    const containers = summary.layers.filter((r) => !r.is_leaf && r.depth === 2);
    if (containers.length > 0 && !containers.some((r) => isResidualType(r.type))) return 'plain';
  }
  return model.family;
}

function paragraph(text, cls) {
  const p = document.createElement('p');
  p.textContent = text;
  if (cls) p.className = cls;
  return p;
}

export function renderLessons(container, { model, summary, lang, t, models = [] }) {
  container.replaceChildren();
  if (!model) return;
  const lessons = LESSONS[lessonKey(model, summary)];
  if (summary) {
    const facts = document.createElement('div');
    facts.className = 'lesson-facts';
    const path = spatialPath(summary);
    if (path.includes('→')) facts.append(paragraph(t('lessons.path', { path })));
    const heavy = heaviestLayer(summary);
    if (heavy && summary.totals.params > 0) {
      facts.append(
        paragraph(
          t('lessons.heaviest', {
            name: heavy.name,
            share: formatPercent(heavy.params / summary.totals.params),
            n: formatInt(heavy.params),
          }),
        ),
      );
    }
    const gpus = gpuComparison(model, models);
    if (gpus) {
      const fact = paragraph(
        t('lessons.gpus', {
          two: formatInt(gpus.two),
          one: formatInt(gpus.one),
          fewer: formatInt(gpus.fewer),
          share: formatPercent(gpus.share),
        }),
        'gpu-fact',
      );
      fact.dataset.twoGpu = String(gpus.two);
      fact.dataset.oneGpu = String(gpus.one);
      facts.append(fact);
    }
    container.append(facts);
  }
  if (lessons) {
    const list = document.createElement('ul');
    for (const text of lessons[lang] ?? lessons.en) {
      const li = document.createElement('li');
      li.textContent = text;
      list.append(li);
    }
    container.append(list);
  }
}
