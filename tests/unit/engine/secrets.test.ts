/**
 * Credentials out of every line: the exact text that comes out of the redactor for the forms a
 * token travels in, the credential schemes servers echo, and what ordinary text keeps.
 */
import * as assert from 'node:assert/strict';
import { hideSecret, hideSecrets, Redactor, tokenForms } from '../../../src/engine/secrets';

const token = 'pat7Secret9Token';
const basic = Buffer.from(`:${token}`).toString('base64');

describe('secrets: what comes out of the redactor', () => {
  it('knows the four forms a token travels in, each once', () => {
    assert.deepEqual(tokenForms(token), [token, basic, encodeURIComponent(token), encodeURIComponent(basic)].filter((f, i, all) => all.indexOf(f) === i));
    assert.deepEqual(tokenForms('a/b+c='), ['a/b+c=', Buffer.from(':a/b+c=').toString('base64'), 'a%2Fb%2Bc%3D', encodeURIComponent(Buffer.from(':a/b+c=').toString('base64'))]);
    assert.deepEqual(tokenForms(''), [], 'no token, nothing to remove');
  });

  it('removes a value that is exactly the token, and the token inside longer text', () => {
    const r = new Redactor([token]);
    assert.equal(r.redact(token, false), '***');
    assert.equal(r.redact(token), '***');
    assert.equal(r.redact(`feed says ${token}.`, false), 'feed says ***.');
    assert.equal(r.redact(`user=${encodeURIComponent(basic)}`, false), 'user=***');
  });

  it('leaves text shorter than the token as it is', () => {
    const r = new Redactor([token]);
    assert.equal(r.redact('pat7Secret9', false), 'pat7Secret9');
    assert.equal(r.redact('1.0.0', false), '1.0.0');
  });

  it('removes the longer form whole where one form contains another', () => {
    const r = new Redactor(['abcdef', 'abcdefghijkl']);
    assert.equal(r.redact('x abcdefghijkl y', false), 'x *** y');
    assert.equal(r.redact('x abcdef y', false), 'x *** y');
    const r2 = new Redactor(['abcdefghijkl', 'abcdef']);
    assert.equal(r2.redact('x abcdefghijkl y', false), 'x *** y', 'whatever the order they were added in');
  });

  it('removes the token from a Basic credential of any user name', () => {
    const r = new Redactor([token]);
    const other = Buffer.from(`build-agent:${token}`).toString('base64');
    assert.equal(r.redact(`echo ${other} end`, false), 'echo *** end');
    // base64url, as some servers write it
    const url = Buffer.from(`someone-else:${token}`).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    assert.equal(r.redact(`[${url}]`, false), '[***]');
  });

  it('removes the token written in base64 on its own, however short that word is', () => {
    const twelve = 'k3yW0rd9Zq4T';
    const r = new Redactor([twelve]);
    const alone = Buffer.from(twelve).toString('base64');
    assert.equal(alone.length, 16, 'twelve bytes are sixteen base64 characters, no padding');
    assert.equal(r.redact(`x ${alone} y`, false), 'x *** y');
  });

  it('keeps ordinary words and base64 that holds no token', () => {
    const r = new Redactor([token]);
    const text = 'Contoso.Core.Extensions 1.0.0-beta.1 QUJDREVGR0hJSktMTU5PUA== sha512-AbCdEfGhIjKlMnOpQrStUv';
    assert.equal(r.redact(text, false), text);
  });

  it('takes only tokens of at least 4 characters as bytes to look for inside base64', () => {
    const r = new Redactor(['abc']);
    const holding = Buffer.from('user:xxabcxx').toString('base64');
    assert.equal(r.redact(`${holding}`, false), holding, 'three characters are too common to hunt for in base64');
    const r4 = new Redactor(['abcd']);
    const holding4 = Buffer.from('user:xxabcdxx').toString('base64');
    assert.equal(r4.redact(holding4, false), '***');
  });

  it('removes what follows Basic and Bearer in server text, whatever the gap', () => {
    const r = new Redactor();
    assert.equal(r.redact('Authorization: Bearer eyJ0eXAi.eyJzdWIi.c2ln rest'), 'Authorization: Bearer *** rest');
    assert.equal(r.redact('Authorization: Bearer  eyJ0eXAi.eyJzdWIi'), 'Authorization: Bearer  ***', 'two spaces');
    assert.equal(r.redact('auth=basic%20dXNlcjpwYXNz&x=1'), 'auth=basic%20***&x=1');
    assert.equal(r.redact('Basic+dXNlcjpwYXNz'), 'Basic+***');
    assert.equal(r.redact('a Bearer\ttok_en~1 b'), 'a Bearer\t*** b');
    assert.equal(r.redact('NotBearer abc'), 'NotBearer abc', 'only the word itself');
  });

  it('keeps the words after Basic or Bearer in data such as a deprecation message', () => {
    const r = new Redactor([token]);
    assert.equal(r.redact('Use Bearer tokens from now on', false), 'Use Bearer tokens from now on');
    assert.equal(r.redact('Use Bearer tokens from now on'), 'Use Bearer *** from now on');
  });

  it('finds a credential inside base64 in either alphabet, standard or URL-safe', () => {
    const token = 'tok?>>ken~~x';
    const r = new Redactor([token]);
    const standard = Buffer.from(`user:${token}`).toString('base64');
    const urlSafe = Buffer.from(`user:${token}`).toString('base64url');
    assert.match(standard, /[+/]/);
    assert.equal(r.redact(`a ${standard} b`, false), 'a *** b');
    assert.equal(r.redact(`a ${urlSafe} b`, false), 'a *** b');
  });

  it('removes a registered credential from all output, once it is six characters or more', () => {
    // Values of this run only: the registry lives as long as the process.
    const fresh = (n: number) => Array.from({ length: n }, () => 'bcdfghjkmnpqrstvwxz'[Math.floor(Math.random() * 19)]).join('');
    const five = fresh(5);
    hideSecret(five);
    hideSecret('');
    assert.equal(hideSecrets(`a ${five} word`), `a ${five} word`, 'shorter secrets would blank ordinary words');
    const six = fresh(6);
    hideSecret(six);
    assert.equal(hideSecrets(six), '***');
    assert.equal(hideSecrets(`id ${six} end`), 'id *** end');
    assert.equal(hideSecrets('Bearer words stay'), 'Bearer words stay');
  });
});
