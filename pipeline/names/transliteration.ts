// Transliteration-aware name matching between the applicant's Cyrillic profile
// and the Latin name of a passport's MRZ. Passports of the countries most
// applicants come from do not follow one table: Russian documents use ICAO 9303
// since 2013 (Ю → IU), older ones the MVD/GOST tables (Ю → YU), and Central Asian
// passports their own alphabets (Ж → J, Х → X, Қ → Q). Each Cyrillic letter
// therefore has every spelling some family uses, each labelled with its family.

type Family = 'ICAO 9303' | 'older Russian' | 'Central Asian' | 'Ukrainian';

type Spelling = readonly [latin: string, families: readonly Family[]];

const ALL: readonly Family[] = ['ICAO 9303', 'older Russian', 'Central Asian', 'Ukrainian'];
const same = (latin: string): readonly Spelling[] => [[latin, ALL]];

/** Cyrillic letter → its Latin spellings. Families are listed where they differ. */
export const SPELLINGS: Record<string, readonly Spelling[]> = {
  А: same('A'),
  Б: same('B'),
  В: same('V'),
  Г: [
    ['G', ['ICAO 9303', 'older Russian', 'Central Asian']],
    ['H', ['Ukrainian']],
  ],
  Д: same('D'),
  Е: [
    ['E', ALL],
    ['YE', ['older Russian', 'Central Asian']],
  ],
  Ё: [
    ['E', ['ICAO 9303']],
    ['YO', ['older Russian', 'Central Asian']],
    ['JO', ['older Russian']],
  ],
  Ж: [
    ['ZH', ['ICAO 9303', 'older Russian', 'Ukrainian', 'Central Asian']],
    ['J', ['Central Asian']],
  ],
  З: same('Z'),
  И: [
    ['I', ['ICAO 9303', 'older Russian', 'Central Asian']],
    ['Y', ['Ukrainian']],
  ],
  Й: [
    ['I', ['ICAO 9303', 'Ukrainian']],
    ['Y', ['older Russian', 'Central Asian', 'Ukrainian']],
    ['J', ['Central Asian']],
  ],
  К: same('K'),
  Л: same('L'),
  М: same('M'),
  Н: same('N'),
  О: same('O'),
  П: same('P'),
  Р: same('R'),
  С: same('S'),
  Т: same('T'),
  У: same('U'),
  Ф: same('F'),
  Х: [
    ['KH', ['ICAO 9303', 'older Russian', 'Ukrainian', 'Central Asian']],
    ['X', ['Central Asian']],
    ['H', ['Central Asian']],
  ],
  Ц: same('TS'),
  Ч: same('CH'),
  Ш: same('SH'),
  Щ: [
    ['SHCH', ['ICAO 9303', 'older Russian', 'Ukrainian']],
    ['SCH', ['older Russian']],
  ],
  Ъ: [
    ['IE', ['ICAO 9303']],
    ['', ['older Russian', 'Central Asian']],
  ],
  Ы: same('Y'),
  Ь: same(''),
  Э: same('E'),
  Ю: [
    ['IU', ['ICAO 9303', 'Ukrainian']],
    ['YU', ['older Russian', 'Central Asian', 'Ukrainian']],
    ['U', ['Central Asian']],
  ],
  Я: [
    ['IA', ['ICAO 9303', 'Ukrainian']],
    ['YA', ['older Russian', 'Central Asian', 'Ukrainian']],
  ],
  // Ukrainian
  І: same('I'),
  Ї: [
    ['I', ['Ukrainian']],
    ['YI', ['Ukrainian']],
  ],
  Є: [
    ['IE', ['Ukrainian']],
    ['YE', ['Ukrainian']],
  ],
  Ґ: same('G'),
  // Uzbek, Tajik, Kazakh, Kyrgyz
  Ғ: [
    ['G', ['Central Asian']],
    ['GH', ['Central Asian']],
  ],
  Қ: [
    ['Q', ['Central Asian']],
    ['K', ['Central Asian']],
  ],
  Ң: [
    ['NG', ['Central Asian']],
    ['N', ['Central Asian']],
  ],
  Ө: [
    ['O', ['Central Asian']],
    ['OE', ['Central Asian']],
  ],
  Ү: [
    ['U', ['Central Asian']],
    ['UE', ['Central Asian']],
  ],
  Ұ: same('U'),
  Һ: same('H'),
  Ә: [
    ['A', ['Central Asian']],
    ['AE', ['Central Asian']],
  ],
  Ҷ: [
    ['J', ['Central Asian']],
    ['DZH', ['Central Asian']],
    ['CH', ['Central Asian']],
  ],
  Ҳ: [
    ['H', ['Central Asian']],
    ['KH', ['Central Asian']],
  ],
  Ӣ: same('I'),
  Ӯ: same('U'),
  Ў: same('O'),
};

/** Upper case, spaces for MRZ fillers and hyphens, no apostrophes. */
export function normalizeLatin(name: string): string {
  return name
    .toUpperCase()
    .replace(/[<\-\s]+/g, ' ')
    .replace(/['’‘`]/g, '')
    .trim();
}

function normalizeCyrillic(name: string): string {
  return name
    .toUpperCase()
    .replace(/[-\s]+/g, ' ')
    .replace(/['’‘`]/g, '')
    .trim();
}

interface Best {
  cost: number;
  /** Spellings chosen where a letter had several, for the explanation. */
  choices: string[];
  families: Set<Family>;
}

/**
 * Cheapest way to spell `cyrillic` as `latin`: each Cyrillic letter takes one of
 * its spellings; every Latin letter left over, missing or different costs 1.
 */
function align(cyrillic: string, latin: string): Best {
  const n = cyrillic.length;
  const m = latin.length;
  const table: (Best | undefined)[][] = Array.from({ length: n + 1 }, () => new Array<Best | undefined>(m + 1));
  table[0]![0] = { cost: 0, choices: [], families: new Set(ALL) };
  const relax = (i: number, j: number, candidate: Best) => {
    const current = table[i]![j];
    if (!current || candidate.cost < current.cost) table[i]![j] = candidate;
  };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const here = table[i]![j];
      if (!here) continue;
      if (j < m) relax(i, j + 1, { ...here, cost: here.cost + 1 }); // extra Latin letter
      if (i >= n) continue;
      const letter = cyrillic[i]!;
      const spellings = letter === ' ' ? [[' ', ALL] as const] : (SPELLINGS[letter] ?? [[letter, ALL] as const]);
      relax(i + 1, j, { ...here, cost: here.cost + 1 }); // Cyrillic letter not written
      for (const [spelling, families] of spellings) {
        const written = latin.slice(j, j + spelling.length);
        const mismatches =
          [...spelling].filter((char, k) => written[k] !== char).length + (spelling.length - written.length);
        const choice = spellings.length > 1 ? [...here.choices, `${letter}→${spelling || '∅'}`] : here.choices;
        relax(i + 1, j + Math.min(spelling.length, m - j), {
          cost: here.cost + mismatches,
          choices: choice,
          families: new Set([...here.families].filter((f) => families.includes(f))),
        });
      }
    }
  }
  return table[n]![m]!;
}

export type NameMatch = 'match' | 'probable' | 'mismatch';

export interface NameComparison {
  result: NameMatch;
  /** Letters that differ after the best transliteration. */
  distance: number;
  explanation: string;
}

/** Edits allowed for "probable": one per four letters, at least one. */
const probableEdits = (length: number) => Math.max(1, Math.floor(length / 4));

/**
 * Compares a name from the profile (Cyrillic, and the Latin the applicant typed)
 * with the Latin name of a document.
 */
export function compareName(profile: { cyrillic?: string; latin?: string }, documentLatin: string): NameComparison {
  const target = normalizeLatin(documentLatin);
  if (profile.latin && normalizeLatin(profile.latin) === target) {
    return { result: 'match', distance: 0, explanation: `${target}: the same Latin spelling as in the profile` };
  }
  const latin = profile.latin ? align(normalizeLatin(profile.latin), target) : undefined;
  const cyrillic = profile.cyrillic ? align(normalizeCyrillic(profile.cyrillic), target) : undefined;
  if (cyrillic?.cost === 0) {
    const families = [...cyrillic.families].join(' / ') || 'mixed tables';
    const how = cyrillic.choices.length ? ` (${cyrillic.choices.join(', ')})` : '';
    return {
      result: 'match',
      distance: 0,
      explanation: `«${profile.cyrillic}» is written ${target} in ${families} transliteration${how}`,
    };
  }
  const closest = [
    ...(cyrillic ? [{ cost: cyrillic.cost, name: `«${profile.cyrillic}»` }] : []),
    ...(latin ? [{ cost: latin.cost, name: normalizeLatin(profile.latin!) }] : []),
  ].sort((a, b) => a.cost - b.cost)[0];
  if (!closest)
    return {
      result: 'mismatch',
      distance: target.length,
      explanation: `the profile has no name to compare with ${target}`,
    };
  const result = closest.cost <= probableEdits(target.length) ? 'probable' : 'mismatch';
  return {
    result,
    distance: closest.cost,
    explanation: `${closest.name} is ${closest.cost} letter(s) away from ${target}${result === 'probable' ? ': probably the same name, a reviewer should confirm' : ''}`,
  };
}
