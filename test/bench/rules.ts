// npm run bench (part 3) — rule evaluation per application (target p99 ≤ 5 ms):
// the decision engine over the facts of golden applications, as the replay builds them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../core/stats.ts';
import { decide, type ApplicationFacts } from '../../pipeline/decision/index.ts';
import { readCorpus, truthFacts } from '../../fixtures/truth-facts.ts';

const RESULTS = fileURLToPath(new URL('./results/rules.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));
const ROUNDS = Number(process.env.BENCH_RULE_ROUNDS ?? 200);

const { truths, now } = readCorpus(GOLDEN);
const applications: ApplicationFacts[] = truths.map((truth) => truthFacts(truth, now));

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
