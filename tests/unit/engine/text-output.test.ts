/**
 * The exact text hostile values become in a log line, a Markdown cell and JSON: control characters
 * shown as escapes a reader can recognise, agent commands defused, Markdown kept literal.
 */
import * as assert from 'node:assert/strict';
import { cell, inline, json, markdownEscape } from '../../../src/engine/text';

describe('text: what a hostile value looks like once written out', () => {
  it('shows line breaks and tabs by their usual escapes', () => {
    assert.equal(inline('a\r\nb\tc'), 'a\\r\\nb\\tc');
  });

  it('shows every other control character as \\u and four hex digits', () => {
    assert.equal(inline('bell\u0007 esc\u001b del\u007f nel\u0085 ls\u2028 ps\u2029 nul\u0000'), 'bell\\u0007 esc\\u001b del\\u007f nel\\u0085 ls\\u2028 ps\\u2029 nul\\u0000');
    assert.equal(inline('\u009f'), '\\u009f');
  });

  it('defuses agent commands, in any case, wherever they are', () => {
    assert.equal(inline('##vso[task.setvariable variable=x]1'), '#\\#vso[task.setvariable variable=x]1');
    assert.equal(inline('x ##[error]boom'), 'x #\\#[error]boom');
    assert.equal(inline('##VSO[task.complete]'), '#\\#VSO[task.complete]');
    assert.equal(inline('a # b ## c'), 'a # b ## c', 'other hashes stay');
  });

  it('keeps ordinary text as it is', () => {
    assert.equal(inline('Contoso.Core 1.0.0-beta+build.5 ü 😀'), 'Contoso.Core 1.0.0-beta+build.5 ü 😀');
  });

  it('writes < and > in a Markdown cell as entities, and escapes what would format it', () => {
    assert.equal(cell('<script>'), '&lt;script&gt;');
    assert.equal(cell('a|b'), 'a\\|b');
    assert.equal(cell('*bold* _it_ `code` [link] ~strike~ back\\slash'), '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\] \\~strike\\~ back\\\\slash');
    assert.equal(cell('line\nbreak'), 'line\\\\nbreak', 'the escape of a line break is itself kept literal');
    assert.equal(cell('plain-text.1'), 'plain-text.1');
  });

  it('escapes a # that would start a heading, and only at the start', () => {
    assert.equal(markdownEscape('# Title'), '\\# Title');
    assert.equal(markdownEscape('C# and F#'), 'C# and F#');
  });

  it('writes JSON that reads back as the same data, with # and separators as escapes', () => {
    const value = { name: '##vso[x]', note: 'a\u2028b\u0085c\u007f', n: 1 };
    const text = json(value);
    assert.equal(text, '{"name":"\\u0023\\u0023vso[x]","note":"a\\u2028b\\u0085c\\u007f","n":1}');
    assert.deepEqual(JSON.parse(text), value);
  });
});
