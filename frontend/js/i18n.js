/**
 * Interface text in English and Korean, and the remembered choice. Static text in index.html
 * carries `data-i18n="key"` (text) or `data-i18n-label="key"` (aria-label); code calls t().
 */

import { analysis } from './i18n-analysis.js';
import { source } from './i18n-source.js';

const STORAGE_KEY = 'cnn-explorer.lang';
export const LANGUAGES = ['en', 'ko'];

const en = {
  skipToDiagram: 'Skip to the diagram',
  tagline: 'Shapes, parameters and predictions of the classic CNNs, layer by layer.',
  apiDocs: 'API docs',
  langToggle: '한국어',
  langToggleLabel: 'Switch the interface to Korean',
  loading: 'Loading…',
  'models.heading': 'Models',
  'models.trained': 'trained',
  'models.random': 'random weights',
  'models.trainedShort': 'trained',
  'models.randomShort': 'random',
  'models.params': '{n} params',
  'models.noDataset': 'building block',
  'models.loadError': 'The model list could not be loaded: {detail}',
  'controls.heading': 'Input',
  'controls.height': 'Height',
  'controls.width': 'Width',
  'controls.batch': 'Batch size',
  'controls.classes': 'Classes',
  'controls.reset': 'Reset to defaults',
  'controls.hint': 'Changing a value recomputes every shape on the server.',
  'controls.loading': 'Computing…',
  'controls.notClassifier': 'This block has no classifier, so it has no number of classes.',
  'view.diagram': 'Diagram',
  'view.table': 'Layer table',
  'view.download': 'Download',
  'diagram.fold': 'Fold activations',
  'diagram.paper': 'Paper view',
  'diagram.collapseAll': 'Collapse all',
  'diagram.expandAll': 'Expand all',
  'diagram.zoomIn': 'Zoom in',
  'diagram.zoomOut': 'Zoom out',
  'diagram.fit': 'Fit',
  'diagram.scrollLabel': 'Block diagram: arrow keys walk the layers, Escape clears',
  'diagram.hint':
    'Hover or click a block for its details; arrow keys walk the layers, Escape clears. Ctrl + wheel zooms.',
  'diagram.title': 'Block diagram of {model}, input {shape}',
  'diagram.shareHeading': 'share of params',
  'diagram.identity': 'identity',
  'diagram.addTitle': '{name}: main path + shortcut (⊕), then ReLU',
  'diagram.collapse': 'Collapse {name}',
  'diagram.expand': 'Expand {name}',
  'diagram.paramsOf': '{n} parameters',
  'legend.input': 'input',
  'legend.conv': 'convolution',
  'legend.pool': 'pooling',
  'legend.norm': 'normalisation',
  'legend.act': 'activation',
  'legend.linear': 'linear',
  'legend.reshape': 'flatten / reshape',
  'legend.dropout': 'dropout',
  'legend.add': 'residual add ⊕',
  'legend.container': 'collapsed group',
  'totals.params': 'Parameters',
  'totals.trainable': 'Trainable',
  'totals.multAdds': 'Mult-adds',
  'totals.io': 'Input → output',
  'totals.memory': 'Estimated memory',
  'stale.note':
    'The diagram still shows the last valid input ({shape}); fix the highlighted value to update it.',
  'details.heading': 'Layer details',
  'details.empty': 'Hover over a block or click it to see its shapes, parameters and mult-adds.',
  'details.name': 'Layer',
  'details.type': 'Type',
  'details.input': 'Input',
  'details.output': 'Output',
  'details.params': 'Parameters',
  'details.multAdds': 'Mult-adds',
  'details.share': 'Param share',
  'details.hparams': 'Settings',
  'details.layers': 'Layers',
  'details.noParams': 'none',
  'details.reused': 'This module already ran once; its parameters are counted there.',
  'details.flatten':
    'No layer of its own: forward() flattens the tensor here (torch.flatten or x.view), inferred from the shapes.',
  'details.reshapeWarn':
    'forward() reshapes with view(-1, …): the batch changes from {from} to {to}, so one image gives several predictions.',
  'details.container': 'A group of {n} layers; expand it to see them.',
  'details.inputNode': 'The tensor fed to the network: batch × channels × height × width.',
  'details.add': 'The shortcut is added to the main path here, then a ReLU (in forward()).',
  'details.folded': 'Folded in: {names}',
  'details.macsNote': 'torchinfo counts mult-adds only for layers with weights.',
  'table.index': '#',
  'table.layer': 'Layer',
  'table.type': 'Type',
  'table.input': 'Input shape',
  'table.output': 'Output shape',
  'table.params': 'Params',
  'table.share': 'Share',
  'table.multAdds': 'Mult-adds',
  'table.trainable': 'Trainable',
  'table.total': 'Total',
  'table.sortBy': 'Sort by {column}',
  'table.footParams': 'Total params: {n}',
  'table.footTrainable': 'Trainable params: {n}',
  'table.footFrozen': 'Non-trainable params: {n}',
  'table.footMacs': 'Total mult-adds: {n}',
  'table.footInput': 'Input size: {n}',
  'table.footPass': 'Forward/backward pass size: {n}',
  'table.footParamBytes': 'Params size: {n}',
  'table.footTotal': 'Estimated total size: {n}',
  'predict.heading': 'Predict',
  'predict.untrainedTitle': 'Random weights.',
  'predict.untrainedText':
    '{model} has not been trained here: its weights are random, so any prediction it makes means nothing.',
  'predict.trainedOnes': 'Trained weights: {names}.',
  'predict.resultUntrained': 'Random weights: these probabilities mean nothing.',
  'predict.notClassifier': 'This model is a building block, not a classifier: it makes no predictions.',
  'predict.canvasLabel': 'Drawing canvas: draw a digit, the prediction runs when you let go',
  'predict.pen': 'Pen',
  'predict.clear': 'Clear',
  'predict.drawHint': 'Draw a digit with the mouse or a finger; the prediction runs when you let go.',
  'predict.drop': 'Drop an image here, or',
  'predict.choose': 'Choose a file…',
  'predict.formats': 'PNG, JPEG, GIF, WebP or BMP.',
  'predict.running': 'Predicting…',
  'predict.yourImage': 'Your image',
  'predict.sees': 'What the network sees ({shape})',
  'predict.timings': 'decode {decode} · preprocess {preprocess} · forward {forward} · total {total} on {device}',
  'predict.topk': 'Top {k} predictions',
  'predict.notImage': 'That file is not an image; choose a PNG, JPEG, GIF, WebP or BMP.',
  'lessons.heading': 'Lessons',
  'lessons.path': 'Spatial size along the network: {path}.',
  'lessons.heaviest': 'Heaviest layer: {name}, {share} of all parameters ({n}).',
  'lessons.paper': 'Paper',
  'error.network': 'The server could not be reached; check that it is running.',
};

const ko = {
  skipToDiagram: '다이어그램으로 건너뛰기',
  tagline: '고전 CNN의 텐서 모양, 파라미터, 예측을 레이어별로 살펴봅니다.',
  apiDocs: 'API 문서',
  langToggle: 'English',
  langToggleLabel: 'Switch the interface to English',
  loading: '불러오는 중…',
  'models.heading': '모델',
  'models.trained': '학습됨',
  'models.random': '무작위 가중치',
  'models.trainedShort': '학습됨',
  'models.randomShort': '무작위',
  'models.params': '파라미터 {n}개',
  'models.noDataset': '구성 블록',
  'models.loadError': '모델 목록을 불러오지 못했습니다: {detail}',
  'controls.heading': '입력',
  'controls.height': '높이',
  'controls.width': '너비',
  'controls.batch': '배치 크기',
  'controls.classes': '클래스 수',
  'controls.reset': '기본값으로',
  'controls.hint': '값을 바꾸면 서버가 모든 모양을 다시 계산합니다.',
  'controls.loading': '계산 중…',
  'controls.notClassifier': '이 블록에는 분류기가 없어서 클래스 수가 없습니다.',
  'view.diagram': '다이어그램',
  'view.table': '레이어 표',
  'view.download': '내려받기',
  'diagram.fold': '활성화 함수 접기',
  'diagram.paper': '논문 그림 보기',
  'diagram.collapseAll': '모두 접기',
  'diagram.expandAll': '모두 펼치기',
  'diagram.zoomIn': '확대',
  'diagram.zoomOut': '축소',
  'diagram.fit': '맞춤',
  'diagram.scrollLabel': '블록 다이어그램: 화살표 키로 레이어 이동, Esc로 선택 해제',
  'diagram.hint':
    '블록에 마우스를 올리거나 클릭하면 자세한 정보가 나옵니다. 화살표 키로 이동, Esc로 해제, Ctrl + 휠로 확대/축소.',
  'diagram.title': '{model}의 블록 다이어그램, 입력 {shape}',
  'diagram.shareHeading': '파라미터 비중',
  'diagram.identity': '항등',
  'diagram.addTitle': '{name}: 주 경로 + 지름길(⊕), 그다음 ReLU',
  'diagram.collapse': '{name} 접기',
  'diagram.expand': '{name} 펼치기',
  'diagram.paramsOf': '파라미터 {n}개',
  'legend.input': '입력',
  'legend.conv': '합성곱',
  'legend.pool': '풀링',
  'legend.norm': '정규화',
  'legend.act': '활성화',
  'legend.linear': '완전연결',
  'legend.reshape': '평탄화 / 모양 변경',
  'legend.dropout': '드롭아웃',
  'legend.add': '잔차 더하기 ⊕',
  'legend.container': '접힌 묶음',
  'totals.params': '파라미터',
  'totals.trainable': '학습 가능',
  'totals.multAdds': '곱셈-덧셈',
  'totals.io': '입력 → 출력',
  'totals.memory': '예상 메모리',
  'stale.note': '다이어그램은 마지막으로 유효했던 입력({shape})을 보여 줍니다. 표시된 값을 고치면 갱신됩니다.',
  'details.heading': '레이어 정보',
  'details.empty': '블록에 마우스를 올리거나 클릭하면 모양, 파라미터, 곱셈-덧셈 수가 나옵니다.',
  'details.name': '레이어',
  'details.type': '종류',
  'details.input': '입력',
  'details.output': '출력',
  'details.params': '파라미터',
  'details.multAdds': '곱셈-덧셈',
  'details.share': '파라미터 비중',
  'details.hparams': '설정',
  'details.layers': '레이어',
  'details.noParams': '없음',
  'details.reused': '이미 한 번 실행된 모듈입니다. 파라미터는 처음 실행에서 셉니다.',
  'details.flatten':
    '별도 레이어가 아닙니다. forward()가 여기서 텐서를 평탄화합니다(torch.flatten 또는 x.view). 모양으로부터 추론했습니다.',
  'details.reshapeWarn':
    'forward()가 view(-1, …)로 모양을 바꿔 배치가 {from}에서 {to}로 바뀝니다. 이미지 한 장에 예측이 여러 개 나옵니다.',
  'details.container': '레이어 {n}개의 묶음입니다. 펼치면 보입니다.',
  'details.inputNode': '네트워크에 들어가는 텐서: 배치 × 채널 × 높이 × 너비.',
  'details.add': '여기서 지름길(skip connection)이 주 경로에 더해지고, 이어서 ReLU가 적용됩니다(forward() 안).',
  'details.folded': '함께 접힌 레이어: {names}',
  'details.macsNote': 'torchinfo는 가중치가 있는 레이어의 곱셈-덧셈만 셉니다.',
  'table.index': '#',
  'table.layer': '레이어',
  'table.type': '종류',
  'table.input': '입력 모양',
  'table.output': '출력 모양',
  'table.params': '파라미터',
  'table.share': '비중',
  'table.multAdds': '곱셈-덧셈',
  'table.trainable': '학습 가능',
  'table.total': '합계',
  'table.sortBy': '{column} 기준 정렬',
  'table.footParams': '전체 파라미터: {n}',
  'table.footTrainable': '학습 가능 파라미터: {n}',
  'table.footFrozen': '학습 불가 파라미터: {n}',
  'table.footMacs': '전체 곱셈-덧셈: {n}',
  'table.footInput': '입력 크기: {n}',
  'table.footPass': '순전파/역전파 크기: {n}',
  'table.footParamBytes': '파라미터 크기: {n}',
  'table.footTotal': '예상 전체 크기: {n}',
  'predict.heading': '예측',
  'predict.untrainedTitle': '무작위 가중치.',
  'predict.untrainedText':
    '{model}은(는) 여기서 학습되지 않았습니다. 가중치가 무작위라서 예측 결과에는 아무 의미가 없습니다.',
  'predict.trainedOnes': '학습된 가중치가 있는 모델: {names}.',
  'predict.resultUntrained': '무작위 가중치: 이 확률들에는 의미가 없습니다.',
  'predict.notClassifier': '이 모델은 분류기가 아닌 구성 블록이라 예측을 하지 않습니다.',
  'predict.canvasLabel': '그리기 캔버스: 숫자를 그리고 손을 떼면 예측합니다',
  'predict.pen': '펜',
  'predict.clear': '지우기',
  'predict.drawHint': '마우스나 손가락으로 숫자를 그리세요. 손을 떼면 예측합니다.',
  'predict.drop': '이미지를 여기에 끌어다 놓거나',
  'predict.choose': '파일 선택…',
  'predict.formats': 'PNG, JPEG, GIF, WebP, BMP.',
  'predict.running': '예측 중…',
  'predict.yourImage': '올린 이미지',
  'predict.sees': '네트워크가 보는 입력 ({shape})',
  'predict.timings': '디코딩 {decode} · 전처리 {preprocess} · 순전파 {forward} · 전체 {total}, 장치 {device}',
  'predict.topk': '상위 {k}개 예측',
  'predict.notImage': '이미지 파일이 아닙니다. PNG, JPEG, GIF, WebP, BMP 파일을 고르세요.',
  'lessons.heading': '배울 점',
  'lessons.path': '네트워크를 따라 바뀌는 공간 크기: {path}.',
  'lessons.heaviest': '가장 무거운 레이어: {name}, 전체 파라미터의 {share} ({n}개).',
  'lessons.paper': '논문',
  'error.network': '서버에 연결할 수 없습니다. 서버가 실행 중인지 확인하세요.',
};

const DICTIONARIES = {
  en: { ...en, ...analysis.en, ...source.en },
  ko: { ...ko, ...analysis.ko, ...source.ko },
};
let current = 'en';

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

/** The remembered language, else the browser's (Korean for ko-*), else English. */
export function initialLanguage() {
  const saved = stored();
  if (LANGUAGES.includes(saved)) return saved;
  const browser = (globalThis.navigator?.language ?? 'en').toLowerCase();
  return browser.startsWith('ko') ? 'ko' : 'en';
}

export function getLanguage() {
  return current;
}

export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not remembered; the page still switches
  }
  return current;
}

/** Text for `key` in the current language with {placeholders} filled in. */
export function t(key, params = {}) {
  const text = DICTIONARIES[current][key] ?? DICTIONARIES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Rewrites every data-i18n / data-i18n-label element under `root`. */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
}

export const dictionaries = DICTIONARIES;
