import { describe, expect, it } from 'vitest';
import { compareName } from '../../pipeline/names/transliteration.ts';

const match = (cyrillic: string, latin: string) => compareName({ cyrillic }, latin);

describe('transliteration-aware name matching', () => {
  it.each([
    // ICAO 9303 (Russian documents since 2013)
    ['Юлия', 'IULIIA', 'ICAO 9303'],
    ['Андрей', 'ANDREI', 'ICAO 9303'],
    ['Цой', 'TSOI', 'ICAO 9303'],
    ['Подъячев', 'PODIEIACHEV', 'ICAO 9303'],
    // older Russian tables (MVD/GOST)
    ['Юлия', 'YULIYA', 'older Russian'],
    ['Андрей', 'ANDREY', 'older Russian'],
    ['Ёлкин', 'YOLKIN', 'older Russian'],
    // Central Asian passports
    ['Жураев', 'JURAEV', 'Central Asian'],
    ['Холматов', 'XOLMATOV', 'Central Asian'],
    ['Ғаниев', 'GANIEV', 'Central Asian'],
    ['Қодиров', 'QODIROV', 'Central Asian'],
    ['Ҷамшед', 'JAMSHED', 'Central Asian'],
    ['Өмүрбек', 'OMURBEK', 'Central Asian'],
    // Ukrainian
    ['Андрій', 'ANDRII', 'Ukrainian'],
    ['Григорій', 'HRYHORII', 'Ukrainian'],
  ])('%s is written %s (%s)', (cyrillic, latin, family) => {
    const result = match(cyrillic, latin);
    expect(result.result).toBe('match');
    expect(result.explanation).toContain(family);
  });

  it('matches ICAO and national spellings of the same Cyrillic name', () => {
    expect(match('Жураев', 'ZHURAEV').result).toBe('match');
    expect(match('Жураев', 'JURAEV').result).toBe('match');
    expect(match('Жураев', 'JURAEV').explanation).toContain('Ж→J');
  });

  it('calls a one-letter difference probable, and explains it', () => {
    const result = match('Эргашев', 'ERGASHOV');
    expect(result).toMatchObject({ result: 'probable', distance: 1 });
    expect(result.explanation).toContain('reviewer');
  });

  it('calls another name a mismatch', () => {
    expect(match('Чобану', 'RUSU').result).toBe('mismatch');
    expect(match('Каримов', 'KARIMOVA').result).toBe('probable'); // a female form is close, not the same
    expect(match('Иванов', 'PETROV').result).toBe('mismatch');
  });

  it('takes the profile’s own Latin spelling and MRZ fillers as they come', () => {
    expect(compareName({ latin: 'Van Hung' }, 'VAN<HUNG').result).toBe('match');
    expect(compareName({ latin: 'SMITH' }, 'SMYTH').result).toBe('probable');
    expect(compareName({ latin: 'SMITH' }, 'JONES').result).toBe('mismatch');
    expect(compareName({ cyrillic: 'Нгок Ань' }, 'NGOC<ANH').result).toBe('probable');
  });
});

describe('against the golden corpus', () => {
  it('matches every profile surname with its passport, except the cases built not to', async () => {
    const fs = await import('node:fs');
    const manifest = JSON.parse(fs.readFileSync('fixtures/golden/manifest.json', 'utf8')) as { cases: string[] };
    const expected: Record<string, string> = { 'translit-probable': 'probable', 'wrong-profile-name': 'mismatch' };
    for (const name of manifest.cases) {
      const truth = JSON.parse(fs.readFileSync(`fixtures/golden/${name}/expected.json`, 'utf8'));
      const passport = truth.documents.find(
        (d: { kind: string; fields?: unknown }) => d.kind === 'passport' && d.fields,
      );
      if (!passport) continue;
      const result = compareName(
        { cyrillic: truth.profile.surnameCyrillic, latin: truth.profile.surnameLatin },
        passport.fields.surname,
      );
      expect(result.result, `${name}: ${result.explanation}`).toBe(expected[name] ?? 'match');
    }
  });
});
