// Spec cross-check: every route the emulator serves exists in Microsoft's OpenAPI files with that
// method, query parameters and api-versions. The files live beside the repository (never copied in);
// without them this one test is skipped and says why.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routes, Route } from '../index';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const specDir = path.resolve(repoRoot, '..', 'shared', 'specs', 'azure-devops-rest');

interface Op { file: string; onprem: boolean; method: string; key: string; path: string; query: string[]; apiVersion: string }

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));
}

/** Template comparison key: lower case, parameter names dropped, organization/collection and project prefix removed. */
const key = (template: string): string => template.replace(/^\/?\{(organization|collection)\}\/(\{project\}\/)?/, '').toLowerCase().replace(/\{[^}]*\}/g, '{}');

function loadOps(specDir: string): Op[] {
  const ops: Op[] = [];
  for (const file of walk(specDir)) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    if (!doc.paths) continue;
    const versions: Record<string, string> = {};
    for (const [k, p] of Object.entries<any>(doc.parameters ?? {})) {
      const m = /'([^']+)'/.exec(p.description ?? '');
      if (m) versions[`#/parameters/${k}`] = m[1];
    }
    const rel = path.relative(specDir, file);
    for (const [p, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        if (method === 'parameters') continue;
        const params: any[] = op.parameters ?? [];
        const ref = params.find((x) => x.$ref && versions[x.$ref]);
        ops.push({
          file: rel, onprem: rel.includes('azure-devops-server'), method: method.toUpperCase(), key: key(p), path: p,
          query: params.filter((x) => x.in === 'query' && x.name !== 'api-version').map((x) => x.name.toLowerCase()),
          apiVersion: ref ? versions[ref.$ref] : '',
        });
      }
    }
  }
  return ops;
}

describe('emulator conformance with the OpenAPI files', () => {
  it('serves only routes that the OpenAPI files have, with their methods, query parameters and api-versions', function () {
    const dir = process.env.EMULATOR_SPEC_DIR_OVERRIDE ?? specDir;
    if (!fs.existsSync(dir)) {
      const why = `skipped: the OpenAPI files are not beside the repository (looked for ${path.relative(repoRoot, dir)})`;
      this.test!.title += ` (${why})`;
      console.log(`      ${why}`);
      this.skip();
    }
    const ops = loadOps(dir);
    assert.ok(ops.length > 100, 'the OpenAPI files were read');
    const covered = new Set<Op>();
    const problems: string[] = [];
    const outside: Route[] = [];
    for (const r of routes) {
      if (r.spec === null) { outside.push(r); continue; }
      const templates = [r.specTemplate ?? r.template, ...(r.aliases ?? [])];
      for (const onprem of r.onprem ? [false, true] : [false]) {
        for (const t of templates) {
          const found = ops.filter((o) => o.onprem === onprem && o.method === r.method && o.key === key(t));
          if (!found.length) { problems.push(`${r.id}: ${r.method} ${t} is not in the ${onprem ? 'on-premises' : 'Services'} files`); continue; }
          found.forEach((o) => covered.add(o));
          const extra = r.query.filter((q) => !found.some((o) => o.query.includes(q.toLowerCase())));
          if (extra.length) problems.push(`${r.id}: query ${extra.join(', ')} not in the operation`);
          const want = r.apiVersions.filter((v) => !onprem || !v.startsWith('7.2'));
          const have = new Set(found.map((o) => o.apiVersion));
          const missing = want.filter((v) => !have.has(v));
          if (missing.length) problems.push(`${r.id}: api-version ${missing.join(', ')} not given by ${found.map((o) => o.file).join(', ')}`);
          if (onprem && want.length === 0) problems.push(`${r.id}: no on-premises api-version`);
        }
      }
    }
    assert.deepEqual(problems, []);
    const artifactOps = ops.filter((o) => !/provenance|sbom/i.test(o.file));
    const coveredArtifacts = [...covered].filter((o) => artifactOps.includes(o));
    const distinct = (list: Op[]) => new Set(list.map((o) => `${o.method} ${o.key}`)).size;
    const onpremRoutes = routes.filter((r) => r.onprem).length;
    console.log(`      conformance: ${routes.length} routes (${routes.length - outside.length} from the OpenAPI files, ${outside.length} outside them: ${outside.map((r) => r.id).join(', ')}); ` +
      `${onpremRoutes} also on premises. They cover ${covered.size} of ${ops.length} OpenAPI operations across all files ` +
      `(${coveredArtifacts.length} of ${artifactOps.length} in the feed and package-type files; ${distinct([...covered])} distinct method+path of ${distinct(ops)}).`);
  });
});
