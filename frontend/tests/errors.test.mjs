/** Which controls a server error marks, and the client's own sentences in the page's language. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ApiError, fieldsOf, listModels } from '../js/api.js';
import { fieldErrorsFor } from '../js/controls.js';
import { setLanguage } from '../js/i18n.js';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  setLanguage('en');
});

describe('fields of an error body', () => {
  it('reads fields, field, or a validation error’s locations', () => {
    assert.deepEqual(fieldsOf({ detail: 'x', fields: ['height', 'width'], field: 'height' }), ['height', 'width']);
    assert.deepEqual(fieldsOf({ detail: 'x', field: 'batch_size' }), ['batch_size']);
    const validation = { errors: [{ loc: ['query', 'height'] }, { loc: ['query', 'width'] }, { loc: ['query', 'width'] }] };
    assert.deepEqual(fieldsOf(validation), ['height', 'width']);
    assert.deepEqual(fieldsOf(null), []);
  });

  it('marks every control the server names, the sentence once', () => {
    const error = new ApiError(422, { detail: 'height and width must be between 1 and 4096.', fields: ['height', 'width'] });
    assert.deepEqual(fieldErrorsFor(error, 'width'), { height: 'height and width must be between 1 and 4096.', width: '' });
  });

  it('falls back to the control just edited', () => {
    const sizeError = new ApiError(422, { detail: 'AlexNet needs 223–254 px.', layer: 'classifier.1' });
    assert.deepEqual(fieldErrorsFor(sizeError, 'width'), { width: 'AlexNet needs 223–254 px.' });
    const unnamed = new ApiError(422, { detail: 'Something.' });
    assert.deepEqual(fieldErrorsFor(unnamed, 'batch_size'), { batch_size: 'Something.' });
  });
});

describe('the client’s own sentences', () => {
  it('an unreachable server, in Korean and English', async () => {
    globalThis.fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    setLanguage('ko');
    await assert.rejects(listModels(), (e) => e.status === 0 && e.detail === '서버에 연결할 수 없습니다. 서버가 실행 중인지 확인하세요.');
    setLanguage('en');
    await assert.rejects(listModels(), (e) => e.detail === 'The server could not be reached; check that it is running.');
  });

  it('a status without a JSON body, and the language header sent', async () => {
    let sent = null;
    globalThis.fetch = async (path, init) => {
      sent = init.headers;
      return new Response('<html>bad gateway</html>', { status: 502 });
    };
    setLanguage('ko');
    await assert.rejects(listModels(), (e) => e.status === 502 && e.detail === '서버가 502 상태로 응답했습니다.');
    assert.equal(sent['Accept-Language'], 'ko');
    assert.equal(sent.Accept, 'application/json');
  });
});
