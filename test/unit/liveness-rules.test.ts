// The fused liveness rule table, walked by decideLiveness: every rule can fire,
// a strong rule refuses alone, a weak one only with another weak one, colour
// rules stay silent on a grey face, and the reason follows the evidence.
// Expected decisions are written from the table's stated semantics.
import { describe, expect, it } from 'vitest';
import { contextBox } from '../../models/antispoof.ts';
import { CHALLENGE_STEPS, drawSteps } from '../../pipeline/liveness/challenge.ts';
import { decideLiveness, LIVENESS_RULES, type LivenessInputs } from '../../pipeline/liveness/index.ts';

/** A genuine colour selfie as measured (spoof-dev jomariya_live_5, rounded). */
const GENUINE: LivenessInputs = {
  periodicity: 5,
  halftone: 4,
  enclosure: 0,
  blackLevel: 20,
  coldCast: -62,
  colour: 40,
  antiSpoof: 1,
};
/** The same face in grey. */
const GREY: LivenessInputs = { ...GENUINE, coldCast: 0, colour: 0 };

/** The inputs with one rule's signal pushed well past its threshold, on the attack side. */
const beyond = (inputs: LivenessInputs, rule: (typeof LIVENESS_RULES)[number]): LivenessInputs => ({
  ...inputs,
  [rule.signal]: rule.below ? rule.threshold / 2 - 0.01 : rule.threshold + Math.max(10, Math.abs(rule.threshold)),
});

describe('liveness rule table', () => {
  it('passes a genuine capture with nothing fired', () => {
    expect(decideLiveness(GENUINE)).toMatchObject({ decision: 'live', fired: [], score: 1 });
    expect(decideLiveness(GREY)).toMatchObject({ decision: 'live', fired: [] });
  });

  it.each(
    LIVENESS_RULES.map(
      (rule, i) =>
        [
          `${i}: ${rule.signal} ${rule.below ? '<' : '>'} ${rule.threshold} (${rule.strength}${rule.needsColour ? ', colour' : ''})`,
          rule,
        ] as const,
    ),
  )('rule %s fires', (_name, rule) => {
    const inputs = beyond(GENUINE, rule);
    const decision = decideLiveness(inputs);
    expect(decision.fired.map((f) => `${f.signal}/${f.strength}`)).toContain(`${rule.signal}/${rule.strength}`);
    // A weak rule alone leaves the capture live unless a rule on the same signal is strong.
    const strongSibling = LIVENESS_RULES.some(
      (other) =>
        other.signal === rule.signal &&
        other.strength === 'strong' &&
        decision.fired.some((f) => f.signal === other.signal && f.strength === 'strong'),
    );
    expect(decision.decision).toBe(rule.strength === 'strong' || strongSibling ? 'attack' : 'live');
    expect(decision.score).toBeLessThan(1);
  });

  it('two weak cues together refuse, and name the attack they point to', () => {
    const decision = decideLiveness({ ...GENUINE, enclosure: 1, coldCast: -30 });
    expect(decision).toMatchObject({ decision: 'attack', reasons: ['screen_replay'] });
    expect(decideLiveness({ ...GENUINE, enclosure: 1, coldCast: -30, halftone: 60 }).reasons).toEqual([
      'printed_photo',
    ]);
  });

  it('the learned score refuses alone on a colour face, and is silent on a grey one', () => {
    expect(decideLiveness({ ...GENUINE, antiSpoof: 0.05 })).toMatchObject({
      decision: 'attack',
      reasons: ['screen_replay'],
    });
    expect(decideLiveness({ ...GREY, antiSpoof: 0.05 })).toMatchObject({ decision: 'live', fired: [] });
    // The threshold is a boundary: just above it nothing fires.
    expect(decideLiveness({ ...GENUINE, antiSpoof: 0.41 }).fired).toEqual([]);
  });

  it('lifted blacks are a print on a colour face, only a weak cue on a grey one', () => {
    expect(decideLiveness({ ...GENUINE, blackLevel: 70 })).toMatchObject({
      decision: 'attack',
      reasons: ['printed_photo'],
    });
    expect(decideLiveness({ ...GREY, blackLevel: 70 })).toMatchObject({
      decision: 'live',
      fired: [{ signal: 'blackLevel', strength: 'weak', value: 70 }],
    });
    expect(decideLiveness({ ...GREY, blackLevel: 70, enclosure: 1 })).toMatchObject({
      decision: 'attack',
      reasons: ['printed_photo'],
    });
  });

  it('a screen grid is refused whatever the colour', () => {
    expect(decideLiveness({ ...GREY, periodicity: 150 })).toMatchObject({
      decision: 'attack',
      reasons: ['screen_replay'],
    });
  });
});

describe('anti-spoof crop (Silent-Face: scaled about the centre, shifted inside, never cut)', () => {
  it('scales a face box about its centre', () => {
    // 100×120 at (400, 300), ×2.7: 270×324 about the centre (450, 360).
    expect(contextBox(1000, 800, [400, 300, 100, 120], 2.7)).toEqual([315, 198, 270, 324]);
  });
  it('shifts a box that would leave the image back inside it', () => {
    expect(contextBox(1000, 800, [0, 0, 100, 100], 4)).toEqual([0, 0, 400, 400]);
    expect(contextBox(1000, 800, [880, 680, 100, 100], 4)).toEqual([599, 399, 400, 400]);
  });
  it('scales less when the image is too small for the wanted context', () => {
    // min((150 − 1) / 100, (200 − 1) / 100, 4) = 1.49: 149 px square, centred at x = 100, pushed to the top.
    expect(contextBox(200, 150, [50, 40, 100, 100], 4)).toEqual([26, 0, 149, 149]);
  });
});

describe('challenge steps', () => {
  it('draws from the allowed steps, never the same step twice in a row', () => {
    // Always the first choice left: left, then (right, up, down)[0], then (left, up, down)[0] …
    expect(drawSteps(CHALLENGE_STEPS, 4, () => 0)).toEqual(['left', 'right', 'left', 'right']);
    // Always the last choice: down, then (left, right, up)[2] = up, then (left, right, down)[2] = down …
    expect(drawSteps(CHALLENGE_STEPS, 3, (n) => n - 1)).toEqual(['down', 'up', 'down']);
    expect(drawSteps(['left', 'right'], 3, () => 0)).toEqual(['left', 'right', 'left']);
  });
});
