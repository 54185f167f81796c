// The one logger redacts keys and personal fields wherever they sit in a record.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';

describe('log redaction', () => {
  it('never writes a key, a name, a date of birth, a tax number or a face descriptor', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line: string) => void lines.push(line) });
    logger.level = 'info';
    logger.warn(
      {
        key: 'dv_portal_secret',
        applicant: {
          surnameLatin: 'JURAEV',
          givenNamesCyrillic: 'Алишер',
          dateOfBirth: '1990-04-12',
          inn: '500100732259',
        },
        face: { descriptor: [0.123, 0.456] },
        req: { headers: { authorization: 'Bearer dv_admin_x' } },
        documentId: 'kept-because-pseudonymous',
      },
      'something happened',
    );
    const text = lines.join('');
    expect(JSON.parse(text)).toMatchObject({
      level: 'warn',
      msg: 'something happened',
      documentId: 'kept-because-pseudonymous',
    });
    for (const secret of ['dv_portal_secret', 'JURAEV', 'Алишер', '1990-04-12', '500100732259', '0.123', 'dv_admin_x'])
      expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)?.length).toBe(7);
  });
});
