/**
 * Text of the published-weights offer (issue 15) in English and Korean; i18n.js merges it into
 * its dictionaries.
 */

const en = {
  'weights.get': 'Get trained weights ({size})',
  'weights.getTitle':
    "Downloads torchvision's published ImageNet weights onto the server, checks their SHA-256, keys and shapes, and installs them",
  'weights.retry': 'Try again ({size})',
  'weights.starting': 'Starting the download…',
  'weights.progress': '{done} of {size} ({percent})',
  'weights.checking': 'Checking the SHA-256, keys and shapes…',
  'weights.progressLabel': 'Downloading the trained weights of {model}',
  'weights.failed': 'The download failed: {error}',
  'weights.command': 'Published trained weights exist ({size}). This server does not download them from the page; on the server, run:',
};

const ko = {
  'weights.get': '학습된 가중치 받기 ({size})',
  'weights.getTitle':
    'torchvision이 공개한 ImageNet 가중치를 서버로 내려받아 SHA-256, 키, 모양을 확인한 뒤 설치합니다',
  'weights.retry': '다시 시도 ({size})',
  'weights.starting': '다운로드를 시작하는 중…',
  'weights.progress': '{size} 중 {done} MB ({percent})',
  'weights.checking': 'SHA-256, 키, 모양을 확인하는 중…',
  'weights.progressLabel': '{model}의 학습된 가중치를 내려받는 중',
  'weights.failed': '다운로드 실패: {error}',
  'weights.command': '공개된 학습 가중치가 있습니다({size}). 이 서버는 페이지에서 내려받지 않으니, 서버에서 다음을 실행하세요:',
};

export const weights = { en, ko };
