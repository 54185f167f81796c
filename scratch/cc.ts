import { createHash } from 'node:crypto';
import { forEachComponent as neu } from '../pipeline/image/components.ts';
import { forEachComponent as old } from './components-old.ts';
const [w, h] = [1600, 1100];
let seed = 7; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const base = new Uint8Array(w * h); for (let i = 0; i < base.length; i++) base[i] = rnd() < 0.45 ? 1 : 0;
for (const [name, f] of [['old', old], ['new', neu], ['old', old], ['new', neu]] as const) {
  const out: string[] = []; const t = performance.now();
  for (let k = 0; k < 5; k++) { const m = Uint8Array.from(base); f(m, w, h, (c) => { if (k === 0) out.push(JSON.stringify(c)); }); }
  console.log(name, ((performance.now() - t) / 5).toFixed(1), 'ms', out.length, createHash('md5').update(out.join()).digest('hex'));
}
