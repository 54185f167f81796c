// npm run bench (part 3) — rule evaluation per application (target p99 ≤ 5 ms):
// the decision engine over the facts of golden applications, as the replay builds them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../core/stats.ts';
import type { CaseTruth } from '../../fixtures/cases.ts';
import { decide, type ApplicationFacts } from '../../pipeline/decision/index.ts';
import { STAGES } from '../../pipeline/stages.ts';

const RESULTS = fileURLToPath(new URL('./results/rules.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));
const ROUNDS = Number(process.env.BENCH_RULE_ROUNDS ?? 200);

const manifest = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'manifest.json'), 'utf8')) as { cases: string[]; clock: string };
const now = new Date(`${manifest.clock}T12:00:00Z`);
const applications: ApplicationFacts[] = manifest.cases.map((name) => {
  const truth = JSON.parse(fs.readFileSync(path.join(GOLDEN, name, 'expected.json'), 'utf8')) as CaseTruth;
  return {
    serviceType: truth.serviceType,
    profile: truth.profile as unknown as ApplicationFacts['profile'],
    // The facts a full pipeline would hand over: every expected stage result and the true MRZ fields.
    documents: truth.documents
      .filter((d) => !d.intake)
      .map((d) => ({
        id: d.file,
        kind: d.kind,
        failed: false,
        checks: Object.entries(d.stages).map(([stage, s]) => ({ stage, outcome: s!.outcome, reasonCode: s!.reasonCode ?? null, details: s })),
        ...(d.mrz && d.fields ? { mrz: { fields: d.fields } } : {}),
      })),
    implementedStages: STAGES.map((s) => s.name),
    now,
  };
});

for (const facts of applications) decide(facts); // warm-up
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const facts of applications) {
    const t0 = performance.now();
    decide(facts);
    times.push(performance.now() - t0);
  }
}
const at = (p: number) => Math.round(percentile(times, p) * 1000) / 1000;
const summary = { evaluations: times.length, p50Ms: at(50), p99Ms: at(99), maxMs: at(100) };
console.log(`\nRule evaluation, ${applications.length} golden applications × ${ROUNDS} rounds`);
console.table({ 'decide()': summary });
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), summary }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
