// Russian words for what the service stores as codes: document kinds, stages,
// check outcomes, services. The act of verification and the reviewer workspace
// both print them.
import type { RegistryKind } from '../pipeline/registry/index.ts';
import type { CheckOutcome, DocumentKind, ServiceType } from '../generated/prisma/enums.ts';

export const DOCUMENT_KIND_RU: Record<DocumentKind, string> = {
  passport: 'Паспорт',
  migration_card: 'Миграционная карта',
  residence_permit: 'Вид на жительство / разрешение',
  selfie: 'Фотография заявителя (селфи)',
  selfie_with_document: 'Фотография с документом в руке',
};

export const STAGE_RU: Record<string, string> = {
  normalize: 'Приём файла',
  quality: 'Качество изображения',
  mrz: 'Машиночитаемая зона (MRZ)',
  viz: 'Визуальная зона и сверка с MRZ',
  portrait: 'Фотография в документе',
  liveness: 'Проверка «живого» присутствия',
  selfie: 'Пригодность селфи',
  held_document: 'Документ в руке',
  migration_card: 'Миграционная карта',
  face: 'Сравнение лица с фотографией документа',
  pipeline: 'Обработка',
};

export const OUTCOME_RU: Record<CheckOutcome, string> = {
  pass: 'пройдена',
  warn: 'пройдена с замечанием',
  fail: 'не пройдена',
  error: 'ошибка проверки',
  unavailable: 'не выполнена',
};

export const SERVICE_RU: Record<ServiceType, string> = {
  registration_at_stay: 'Регистрация по месту пребывания',
  temporary_residence_permit: 'Разрешение на временное проживание',
  residence_permit: 'Вид на жительство',
  work_patent: 'Патент на работу',
  inn: 'Присвоение ИНН',
  snils: 'Присвоение СНИЛС',
};

export const REGISTRY_RU: Record<RegistryKind, string> = {
  invalid_documents: 'Недействительные паспорта',
  migration_records: 'Миграционный учёт',
  residence_permits: 'Разрешения на проживание',
  tax_numbers: 'ИНН',
  pension_numbers: 'СНИЛС',
};
