/**
 * Korean particles whose form depends on the word before them (은/는, 이/가, 을/를, 과/와,
 * 으로/로): the first form follows a final consonant (batchim), the second a vowel; 으로/로 also
 * takes 로 after ㄹ. Values are often numbers or Latin names, so those are read as Korean does.
 */

// Both spellings of each pair name the same [after a consonant, after a vowel] forms.
const PAIRS = new Map();
for (const [consonant, vowel] of [
  ['은', '는'],
  ['이', '가'],
  ['을', '를'],
  ['과', '와'],
  ['으로', '로'],
]) {
  PAIRS.set(`${consonant}/${vowel}`, [consonant, vowel]);
  PAIRS.set(`${vowel}/${consonant}`, [consonant, vowel]);
}

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
const RIEUL = 8; // ㄹ's index among the final consonants of a Hangul syllable

// The final sound of a digit's Korean reading: 영 일 이 삼 사 오 육 칠 팔 구 (10, 100... end in
// 십, 백, 천, 만: a consonant, which 0's 영 also gives).
const DIGIT_FINAL = ['other', 'rieul', 'none', 'other', 'none', 'none', 'other', 'rieul', 'rieul', 'none'];
// Letter names as read in Korean: 엘, 엠, 엔, 알 end in a consonant; 에이, 비, 씨... do not.
const LETTER_FINAL = { L: 'rieul', M: 'other', N: 'other', R: 'rieul' };

/** 'none', 'rieul' or 'other' for the last sound of `word`, or null when it has none to read. */
export function finalSound(word) {
  // A trailing parenthesis is an aside ("ResNet-18 (CIFAR)"): the particle follows the word.
  let text = String(word).trim();
  while (/\S\s*\([^()]*\)$/.test(text)) text = text.replace(/\s*\([^()]*\)$/, '');
  if (text.endsWith('%')) return 'none'; // 퍼센트
  text = text.replace(/[^0-9A-Za-z\u3131-\u318e\uac00-\ud7a3]+$/u, '');
  if (!text) return null;
  const last = text[text.length - 1];
  const code = last.codePointAt(0);
  if (code >= HANGUL_FIRST && code <= HANGUL_LAST) {
    const jong = (code - HANGUL_FIRST) % 28;
    if (jong === 0) return 'none';
    return jong === RIEUL ? 'rieul' : 'other';
  }
  if (/[0-9]/.test(last)) return DIGIT_FINAL[Number(last)];
  if (/[ㄱ-ㅎ]/.test(last)) return last === 'ㄹ' ? 'rieul' : 'other';
  if (/[ㅏ-ㅣ]/.test(last)) return 'none';
  const latin = /[A-Za-z]+$/.exec(text)[0];
  // An acronym or a lone letter is read letter by letter (CNN → 씨엔엔).
  if (latin.length === 1 || latin === latin.toUpperCase()) return LETTER_FINAL[last.toUpperCase()] ?? 'none';
  return englishFinal(latin.toLowerCase());
}

// A lower-case English word is read by its sound: AlexNet → 알렉스넷, block → 블록, layer → 레이어,
// pool → 풀. A plosive after s is its own syllable (test → 테스트).
function englishFinal(word) {
  if (word.endsWith('l')) return 'rieul';
  if (/[mn]$/.test(word)) return 'other';
  if (/[bcgkpt]$/.test(word) && !/s[ckpt]$/.test(word)) return 'other';
  return 'none';
}

/** The form of `pair` ('은/는', '을/를', ...) that follows `word`, e.g. josa('AlexNet', '은/는') = '은'. */
export function josa(word, pair) {
  const forms = PAIRS.get(pair);
  if (!forms) throw new Error(`Unknown particle pair "${pair}"; use one of ${[...PAIRS.keys()].join(', ')}.`);
  const [consonant, vowel] = forms;
  const sound = finalSound(word);
  if (sound === null) return `${consonant}(${vowel})`; // nothing to read: both forms, as print does
  if (consonant === '으로') return sound === 'other' ? consonant : vowel;
  return sound === 'none' ? vowel : consonant;
}

export const PARTICLE_PAIRS = [...PAIRS.keys()];
