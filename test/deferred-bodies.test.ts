// Function bodies left unparsed until read (python/skim.ts, workers/lower-file.ts): once read, the IR is the one a
// parse of the whole file gives, on every Python file of the repository and on the spellings that could fool the skim.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Stmt } from '../src/python/ir.js';
import { lowerModule } from '../src/python/lower.js';
import { parsePython } from '../src/python/parse.js';
import { deferredBodies } from '../src/python/skim.js';
import { lowerFile, withDeferredBodies } from '../src/workers/lower-file.js';

const repo = join(import.meta.dirname, '..');

/** The IR as plain data, every body read (deferred ones parsed), without the deferral marks. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  const keys = new Set([...Object.keys(record), ...('body' in record ? ['body'] : [])]);
  for (const key of [...keys].sort()) if (key !== 'deferredFrom' && record[key] !== undefined) out[key] = plain(record[key]);
  return out;
}

function eager(source: string): unknown {
  return plain(lowerModule(parsePython(source).tree));
}

/** The file lowered with its bodies deferred, made live; the problems of the bodies read come after the file's. */
function deferred(source: string): { body: Stmt[]; problems: string[] } {
  const lowered = lowerFile(source);
  const problems = [...lowered.problems];
  return { body: withDeferredBodies(lowered.body ?? [], source, (message) => problems.push(message)), problems };
}

const TRICKY = [
  'class Account(Base):',
  '    """A model."""',
  '    def update(self, data: "dict[str, int]" = {"a": 1},',
  '               *, strict=lambda x: x[1:]) -> "Result":  # the header ends here',
  '        text = """',
  'a line at column 0: def not_a_function():',
  '    class NotAClass:',
  '"""',
  '        for key, value in data.items():',
  "            if key in ('a', 'b') and value != '#':",
  '                setattr(self, key, value)',
  '        total = 1 + \\',
  '            2',
  "        label = f\"{data['a']:>{total}} {{braces}}\"",
  '        return total  # trailing comment',
  '        # a comment deeper than the body, after its last statement',
  '',
  '    @property',
  '    def name(self): return self._name',
  '',
  '    async def refresh(self, session):',
  '        rows = await session.execute(select(Account).where(Account.id == self.id))',
  '        async for row in rows:',
  '            self.balance = row.balance',
  '        await session.commit()',
  '        return [r async for r in rows if r.balance > 0]',
  '',
  'def factory(app):',
  '    def view():',
  '        return request.get_json()',
  '    app.add_url_rule("/x", view_func=view)',
  '    return app',
  '',
  'if FEATURE:',
  '    def feature_only(payload):',
  '        values = {k: v for k, v in payload.items() if not k.startswith("_")}',
  '        for k in values:',
  '            values[k] = str(values[k]).strip()',
  '        return values',
  'else:',
  '    def feature_only(payload):',
  '        raise NotImplementedError("the feature is off in this build of the application")',
  '',
].join('\n');

test('once read, a deferred body is the IR a parse of the whole file gives, on the spellings that could fool the skim', () => {
  for (const source of [TRICKY, TRICKY.replace(/\n/g, '\r\n')]) {
    const names = deferredBodies(source).map((d) => source.slice(d.nameOffset, source.indexOf('(', d.nameOffset)));
    // the second `feature_only` is too short to be worth parsing apart
    assert.deepEqual(names, ['update', 'refresh', 'feature_only']);
    const { body, problems } = deferred(source);
    assert.deepEqual(plain(body), eager(source));
    assert.deepEqual(problems, []);
  }
});

test('every Python file of the repository lowers to the same IR with its bodies deferred', () => {
  let files = 0;
  let bodies = 0;
  for (const folder of ['test', 'examples']) {
    for (const path of readdirSync(join(repo, folder), { recursive: true, encoding: 'utf8' })) {
      if (!path.endsWith('.py')) continue;
      const source = readFileSync(join(repo, folder, path), 'utf8');
      if (parsePython(source).syntaxErrors.length > 0) continue;
      files++;
      bodies += deferredBodies(source).length;
      assert.deepEqual(plain(deferred(source).body), eager(source), path);
    }
  }
  assert.ok(files > 50 && bodies > 100, `${files} files, ${bodies} deferred bodies`);
});

test('a syntax error in a deferred body is reported, at its line in the file, when the body is read', () => {
  const body = Array.from({ length: 12 }, (_, i) => `    value_${i} = payload.get("field_${i}")`).join('\n');
  const source = `def ok():\n    return 1\n\ndef broken(payload):\n${body}\n    print value_1\n\ndef after():\n    return 2\n`;
  const { body: lowered, problems } = deferred(source);
  assert.deepEqual(problems, []);
  const broken = lowered.find((s) => s.t === 'def' && s.fn.name === 'broken');
  assert.ok(broken?.t === 'def' && broken.fn.deferredFrom !== undefined);
  void broken.fn.body;
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^syntax error at line 17, column \d+: /);
});

test('a file indented with tabs, with a bracket or string open at its end, or whose outline does not parse, is parsed whole', () => {
  const long = '    x = compute(1, 2, 3)\n'.repeat(20);
  assert.equal(deferredBodies(`def f():\n${long}`).length, 1);
  assert.deepEqual(deferredBodies(`def f():\n${long.replace(/ {4}/g, '\t')}`), []);
  assert.deepEqual(deferredBodies(`def f():\n${long}    return (1 +\n\ndef g():\n    pass\n`), []);
  assert.deepEqual(deferredBodies(`def f():\n${long}    return '''never closed\n`), []);
  const source = `def f(payload):\n${'    payload.pop("x")\n'.repeat(20)}\nx = = 1\n`;
  assert.equal(deferredBodies(source).length, 1);
  const lowered = lowerFile(source);
  assert.equal(lowered.problems.length, 1);
  assert.ok(lowered.body!.every((s) => s.t !== 'def' || s.fn.deferredFrom === undefined));
});
