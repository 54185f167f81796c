// Which OCR lines make an MRZ: the last run with an ICAO layout's shape.
import { describe, expect, it } from 'vitest';
import { zoneIn } from '../../pipeline/mrz/index.ts';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];

describe('zoneIn', () => {
  it.each([
    ['TD3', TD3],
    ['TD2 (2×36)', TD2],
    ['TD1', TD1],
  ])('finds a %s zone under the printed text above it', (_name, zone) => {
    expect(zoneIn(['REPUBLIC OF UTOPIA', 'SURNAME ERIKSSON', ...zone])).toEqual(zone);
  });

  it('takes the last zone when a line of another length follows noise', () => {
    expect(zoneIn([...TD3, 'X'])).toEqual(TD3);
  });

  it('refuses lines one character short or long', () => {
    expect(zoneIn([TD3[0]!, `${TD3[1]!}<`])).toBeUndefined();
    expect(zoneIn([TD1[0]!, TD1[1]!.slice(1), TD1[2]!])).toBeUndefined();
  });
});
