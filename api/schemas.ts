// Request shapes, validated at the edge. Everything past this point trusts its input.
import { z } from 'zod';
import { DocumentKind, ServiceType, Sex } from '../generated/prisma/enums.ts';
import { isIsoAlpha3 } from '../pipeline/validators/countries.ts';

const LATIN_NAME = /^[A-Z][A-Z' -]*$/;
// Russian plus the letters of Ukrainian and Central Asian Cyrillic alphabets (Uzbek, Tajik, Kazakh, Kyrgyz).
const CYRILLIC_NAME = /^[А-ЯЁҒҚҢӨҮҰҺӘҶҲӢӮІЇЄҐ][А-ЯЁҒҚҢӨҮҰҺӘҶҲӢӮІЇЄҐа-яёғқңөүұһәҷҳӣӯіїєґ' -]*$/;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  // 2023-02-30 would silently become 2023-03-02: the date must read back as written.
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a real calendar date')
  .transform((value) => new Date(`${value}T00:00:00Z`));

export const ApplicantSchema = z.object({
  surnameLatin: z.string().trim().toUpperCase().regex(LATIN_NAME, 'Latin capitals as in the passport').max(100),
  givenNamesLatin: z.string().trim().toUpperCase().regex(LATIN_NAME, 'Latin capitals as in the passport').max(100),
  surnameCyrillic: z.string().trim().regex(CYRILLIC_NAME, 'Cyrillic letters').max(100).optional(),
  givenNamesCyrillic: z.string().trim().regex(CYRILLIC_NAME, 'Cyrillic letters').max(100).optional(),
  dateOfBirth: isoDate.refine(
    (date) => date.getUTCFullYear() >= 1900 && date.getTime() < Date.now(),
    'must be in the past, after 1900',
  ),
  sex: z.enum(Sex),
  citizenship: z.string().refine(isIsoAlpha3, 'an ISO 3166-1 alpha-3 country code, e.g. UZB'),
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{7,14}$/, 'international format, e.g. +998901234567')
    .optional(),
  inn: z
    .string()
    .regex(/^(\d{10}|\d{12})$/, '10 or 12 digits')
    .optional(),
  snils: z
    .string()
    .transform((value) => value.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{11}$/, '11 digits, e.g. 112-233-445 95'))
    .optional(),
});

export const CreateApplicationSchema = z.union([
  z.object({ serviceType: z.enum(ServiceType), applicant: ApplicantSchema }).strict(),
  z.object({ serviceType: z.enum(ServiceType), accountId: z.uuid() }).strict(),
]);

export const UploadFieldsSchema = z.object({ kind: z.enum(DocumentKind) });

export const IdParamSchema = z.object({ id: z.uuid() });

/** The multipart fields beside a liveness session's frames. */
export const FramesFieldsSchema = z.object({ nonce: z.string().min(16).max(128) });
