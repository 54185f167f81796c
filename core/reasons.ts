// Every reason the service can give, once: the HTTP status when it ends a
// request, and the message in Russian (for the applicant) and English.
// `{name}` placeholders are filled from the params of the error or check.

interface Reason {
  /** HTTP status when this reason rejects a request; pipeline-only reasons have none. */
  http?: number;
  ru: string;
  en: string;
}

export const REASONS = {
  // API edge
  validation_failed: { http: 400, ru: 'Неверные данные запроса: {detail}', en: 'Invalid request: {detail}' },
  unauthorized: {
    http: 401,
    ru: 'Нужен действующий API-ключ',
    en: 'A valid API key is required (Authorization: Bearer …)',
  },
  forbidden: { http: 403, ru: 'Недостаточно прав', en: 'This key’s role ({role}) may not do this' },
  not_found: { http: 404, ru: 'Не найдено', en: '{entity} not found' },
  application_closed: {
    http: 409,
    ru: 'Заявление уже рассмотрено ({status}), документы к нему не принимаются',
    en: 'The application is closed ({status}); it accepts no more documents',
  },
  internal_error: { http: 500, ru: 'Внутренняя ошибка сервиса', en: 'Internal error' },
  review_claimed: {
    http: 409,
    ru: 'Заявление уже рассматривает другой сотрудник',
    en: 'Another reviewer holds this case until {until}',
  },
  review_not_claimed: { http: 409, ru: 'Сначала возьмите заявление в работу', en: 'Claim the case before deciding it' },
  not_under_review: {
    http: 409,
    ru: 'Заявление не находится на рассмотрении ({status})',
    en: 'The application is not under review ({status})',
  },
  application_not_decided: {
    http: 409,
    ru: 'Акт проверки формируется после решения по заявлению ({status})',
    en: 'The act of verification exists once the application is decided (now {status})',
  },
  act_token_invalid: {
    http: 404,
    ru: 'Акт не найден: код проверки недействителен',
    en: 'No such act: the verification code is not genuine',
  },
  act_token_expired: {
    http: 410,
    ru: 'Срок действия кода проверки акта истёк',
    en: 'The act’s verification code expired on {expiredAt}',
  },
  csrf_failed: {
    http: 403,
    ru: 'Запрос отклонён: обновите страницу и повторите',
    en: 'Missing or wrong X-CSRF-Token for this session',
  },
  not_ready: { http: 503, ru: 'Сервис не готов', en: 'Not ready: {detail}' },
  service_unavailable: {
    http: 503,
    ru: 'Сервис временно недоступен, повторите запрос позже',
    en: 'The service is temporarily unavailable ({detail}); try again later',
  },
  body_too_large: { http: 413, ru: 'Слишком большой запрос', en: 'The request body is larger than {limit}' },
  rate_limited: {
    http: 429,
    ru: 'Слишком много запросов, повторите позже',
    en: 'Too many requests ({detail}); try again later',
  },
  erasure_blocked: {
    http: 409,
    ru: 'Документы заявителя ещё обрабатываются; повторите удаление после решения',
    en: 'Documents of this applicant are still being processed; erase after they finish',
  },

  // Upload intake
  file_missing: { http: 400, ru: 'Файл не приложен', en: 'No file was attached (multipart field "file")' },
  too_many_files: { http: 400, ru: 'Можно загрузить только один файл за раз', en: 'Upload one file per request' },
  file_empty: { http: 400, ru: 'Файл пустой', en: 'The file is empty' },
  file_too_large: {
    http: 413,
    ru: 'Файл больше {limitMb} МБ. Уменьшите размер или качество снимка',
    en: 'The file is larger than {limitMb} MB',
  },
  unsupported_file_type: {
    http: 415,
    ru: 'Формат файла не поддерживается ({detected}). Загрузите PDF, JPEG или PNG',
    en: 'Unsupported file type ({detected}); upload a PDF, JPEG or PNG',
  },
  file_truncated: {
    http: 422,
    ru: 'Файл повреждён или загружен не полностью',
    en: 'The file is truncated: its {format} data ends early',
  },
  file_corrupt: { http: 422, ru: 'Файл повреждён и не открывается', en: 'The file cannot be decoded: {detail}' },
  pixel_limit_exceeded: {
    http: 422,
    ru: 'Изображение слишком большое ({pixels} пикселей)',
    en: 'The image has {pixels} pixels, more than the limit of {limit}',
  },
  pdf_encrypted: {
    http: 422,
    ru: 'PDF защищён паролем или зашифрован. Загрузите файл без защиты',
    en: 'The PDF is encrypted or password-protected',
  },
  pdf_no_pages: { http: 422, ru: 'В PDF нет страниц', en: 'The PDF has no pages' },
  pdf_too_complex: {
    http: 422,
    ru: 'PDF слишком сложный для обработки. Сохраните скан заново или загрузите JPEG',
    en: 'The PDF is too complex to process ({detail})',
  },
  file_name_invalid: {
    http: 400,
    ru: 'Недопустимое имя файла',
    en: 'The file name contains control characters or is too long',
  },
  pdf_too_many_pages: {
    http: 422,
    ru: 'В PDF слишком много страниц ({pages}); допустимо не более {limit}',
    en: 'The PDF has {pages} pages; at most {limit} are accepted',
  },

  // Pipeline: normalisation
  image_decode_failed: { ru: 'Изображение не удалось прочитать', en: 'The image could not be decoded: {detail}' },
  pdf_page_without_image: {
    ru: 'Страница {page} PDF не содержит скана документа',
    en: 'PDF page {page} holds no scanned image',
  },
  pdf_image_unsupported: {
    ru: 'Скан на странице {page} PDF сохранён в неподдерживаемом формате',
    en: 'The image on PDF page {page} uses an unsupported encoding ({filter})',
  },
  stage_crashed: { ru: 'Сбой автоматической проверки', en: 'The {stage} stage failed: {detail}' },
  stage_failed: {
    ru: 'Автоматическая проверка не завершилась: заявление проверит сотрудник',
    en: 'The {stage} check of the {kind} did not complete after every retry; a reviewer will check',
  },
  evidence_missing: {
    ru: 'Не все обязательные проверки пройдены автоматически: заявление проверит сотрудник',
    en: 'No passing {stage} check for the {kind} ({outcome}); a reviewer will check',
  },

  // Pipeline: quality gate
  resolution_too_low: {
    ru: 'Разрешение изображения слишком низкое: сфотографируйте документ ближе или отсканируйте с разрешением 300 dpi',
    en: 'The image resolution is too low',
  },
  image_blurred: {
    ru: 'Изображение нечёткое: держите камеру неподвижно и наведите резкость',
    en: 'The image is blurred',
  },
  image_too_dark: {
    ru: 'Изображение слишком тёмное или документ в тени',
    en: 'The image is too dark or the document is in shadow',
  },
  glare_detected: {
    ru: 'Блики на документе: уберите источник света или смените угол съёмки',
    en: 'Glare covers part of the document',
  },
  document_not_found: { ru: 'На изображении не найден документ', en: 'No document was found in the image' },

  // Pipeline: machine readable zone
  mrz_not_found: {
    ru: 'Не удалось прочитать машиночитаемую зону документа: сфотографируйте страницу целиком',
    en: 'The machine readable zone could not be found or read',
  },
  mrz_check_digit_invalid: {
    ru: 'Контрольная цифра в машиночитаемой зоне не сходится ({field})',
    en: 'A check digit of the machine readable zone does not match ({field})',
  },

  // Pipeline: visual zone and migration card
  viz_mrz_mismatch: {
    ru: 'Данные на странице документа не совпадают с машиночитаемой зоной ({field})',
    en: 'The printed {field} differs from the machine readable zone',
  },
  viz_unreadable: {
    ru: 'Не удалось прочитать данные на странице документа для сверки',
    en: 'The printed data could not be read to confirm the machine readable zone ({confirmed} of {of} fields confirmed)',
  },
  migration_card_unreadable: {
    ru: 'Не удалось прочитать миграционную карту: сфотографируйте её целиком, без бликов и теней',
    en: 'The migration card could not be read (missing: {missingFields})',
  },
  migration_card_dates_invalid: {
    ru: 'В миграционной карте срок пребывания заканчивается раньше даты въезда',
    en: 'The migration card’s stay ends before its date of entry',
  },

  // Pipeline: faces and liveness
  portrait_not_found: {
    ru: 'На странице документа не найдена фотография владельца',
    en: 'No portrait was found on the document',
  },
  selfie_unusable: {
    ru: 'Селфи не подходит для сравнения с фотографией в документе',
    en: 'The selfie cannot be compared with the document portrait',
  },
  face_not_found: {
    ru: 'На селфи не найдено лицо: сфотографируйтесь так, чтобы лицо было хорошо видно',
    en: 'No face was found in the selfie',
  },
  multiple_faces: {
    ru: 'На селфи несколько лиц: в кадре должны быть только вы',
    en: 'The selfie shows more than one face ({faces})',
  },
  face_too_small: {
    ru: 'Лицо на селфи слишком маленькое: поднесите камеру ближе',
    en: 'The face in the selfie is too small',
  },
  face_not_frontal: {
    ru: 'Смотрите прямо в камеру, не поворачивая и не наклоняя голову',
    en: 'The face is turned or tilted away from the camera',
  },
  eyes_closed: { ru: 'На селфи закрыты глаза', en: 'The eyes are closed in the selfie' },
  face_occluded: {
    ru: 'Лицо закрыто (очки, маска, рука): снимите то, что закрывает лицо',
    en: 'Part of the face is covered (glasses, mask, hand)',
  },
  screen_replay: { ru: 'Селфи снято с экрана, а не с живого человека', en: 'The selfie is a photo of a screen' },
  printed_photo: { ru: 'Селфи снято с распечатанной фотографии', en: 'The selfie is a photo of a printed picture' },
  liveness_failed: {
    ru: 'Не удалось подтвердить, что селфи снято в реальном времени. Сделайте новое селфи: лицо и документ в кадре',
    en: 'The selfie did not pass the liveness check ({attack}); take a new one in real time',
  },
  // Selfie with the document in hand
  held_document_not_found: {
    ru: 'На фото не видно документа: сфотографируйтесь, держа раскрытый паспорт рядом с лицом',
    en: 'No document is visible in the photo: hold the open passport beside the face',
  },
  held_document_faces_differ: {
    ru: 'Лицо на фото не совпадает с фотографией в документе, который вы держите',
    en: 'The face does not match the portrait on the document held in the photo (distance {distance})',
  },
  held_document_not_uploaded: {
    ru: 'Документ на фото не тот, что загружен как паспорт',
    en: 'The document held in the photo is not the uploaded passport: {detail}',
  },
  held_document_person_differs: {
    ru: 'Лицо на фото с документом не совпадает с фотографией в паспорте',
    en: 'The face in the photo with the document does not match the passport portrait (distance {distance})',
  },
  // Active liveness challenge (a session of frames)
  challenge_frames_invalid: {
    ru: 'Кадры проверки «живого» присутствия не подходят: {detail}',
    en: 'The challenge frames cannot be judged: {detail}',
  },
  challenge_frame_not_live: {
    ru: 'Кадр {frame} проверки снят с экрана или с фотографии',
    en: 'Challenge frame {frame} is not a live capture ({attack})',
  },
  challenge_person_changed: {
    ru: 'В кадрах проверки разные люди',
    en: 'The challenge frames do not all show the same person (descriptor distance up to {distance})',
  },
  challenge_step_missed: {
    ru: 'В кадре {frame} не выполнено действие «{stepRu}»',
    en: 'Frame {frame} does not show the requested move: {step}',
  },
  challenge_expired: {
    ru: 'Время на проверку «живого» присутствия истекло: начните проверку заново',
    en: 'The liveness session expired at {expiresAt}; open a new one',
  },
  challenge_nonce_invalid: {
    ru: 'Кадры отправлены не для этой проверки',
    en: 'The nonce does not belong to this liveness session',
  },
  challenge_replayed: {
    http: 409,
    ru: 'Кадры этой проверки уже были отправлены ранее',
    en: 'These frames were already sent ({detail})',
  },
  challenge_open: {
    ru: 'Проверка «живого» присутствия ещё не завершена',
    en: 'A liveness session is still waiting for its frames',
  },
  challenge_frame_type: {
    http: 415,
    ru: 'Кадр {frame} должен быть снимком JPEG или PNG',
    en: 'Challenge frame {frame} must be a JPEG or PNG image ({detail})',
  },
  face_mismatch: {
    ru: 'Лицо на селфи не совпадает с фотографией в документе',
    en: 'The selfie does not match the document portrait (score {score})',
  },
  face_match_uncertain: {
    ru: 'Сходство лица на селфи с фотографией в документе требует проверки сотрудником',
    en: 'The selfie resembles the document portrait too little to decide automatically (score {score})',
  },

  // Application verdicts
  reviewer_decision: { ru: 'Решение сотрудника: {comment}', en: 'Reviewer’s decision: {comment}' },
  document_missing: { ru: 'Не загружен обязательный документ', en: 'A required document is missing: {kind}' },
  document_expired: { ru: 'Срок действия документа истёк', en: 'The document expired on {date}' },
  profile_name_mismatch: {
    ru: 'Фамилия в профиле не совпадает с паспортом',
    en: 'The surname in the profile does not match the passport: {explanation}',
  },
  name_match_probable: {
    ru: 'Фамилия в профиле похожа на паспортную, но не совпадает точно',
    en: 'The surname probably matches the passport: {explanation}',
  },
  date_of_birth_mismatch: {
    ru: 'Дата рождения в профиле не совпадает с паспортом',
    en: 'Date of birth differs: profile {profile}, document {document}',
  },
  duplicate_identity: {
    ru: 'Этот паспорт уже указан в заявлении другого пользователя',
    en: 'Passport {documentNumber} also appears on another account’s applications: {applications}',
  },
  migration_stay_expired: {
    ru: 'Срок пребывания по миграционной карте истёк',
    en: 'The stay granted by the migration card ended on {stayUntil}',
  },
  migration_stay_exceeds_90_days: {
    ru: 'Срок пребывания превышает 90 суток в течение 180 суток',
    en: 'The stay exceeds 90 days in a 180-day period (entry {entryDate}, stay until {stayUntil})',
  },
  migration_entry_in_future: {
    ru: 'Дата въезда в миграционной карте ещё не наступила',
    en: 'The migration card’s date of entry ({entryDate}) is in the future',
  },
  migration_card_passport_mismatch: {
    ru: 'Номер паспорта в миграционной карте не совпадает с паспортом',
    en: 'The migration card names passport {card}; the passport is {passport}',
  },
  migration_card_name_mismatch: {
    ru: 'Фамилия в миграционной карте не совпадает с паспортом',
    en: 'The migration card’s surname {card} differs from the passport’s {passport}',
  },
  clarification_expired: {
    ru: 'Срок представления недостающих документов истёк {deadline}',
    en: 'The documents asked for were not sent by the deadline ({deadline})',
  },
  registry_unavailable: {
    ru: 'Государственные реестры временно недоступны: заявление проверит сотрудник',
    en: 'Registries did not answer after every retry ({registries}); a reviewer will check',
  },
  document_invalid: {
    ru: 'Паспорт числится недействительным',
    en: 'Passport {number} is listed as invalid ({reason})',
  },
  migration_record_not_found: {
    ru: 'Миграционная карта не найдена в реестре',
    en: 'The migration card is not in the migration registry',
  },
  migration_record_mismatch: {
    ru: 'Данные миграционной карты расходятся с реестром',
    en: 'The migration card differs from the migration registry ({fields})',
  },
  residence_permit_invalid: {
    ru: 'Вид на жительство недействителен',
    en: 'The residence permit is not valid ({status})',
  },
  residence_permit_not_found: {
    ru: 'Вид на жительство не найден в реестре',
    en: 'The residence permit is not in the registry',
  },
  inn_not_registered: { ru: 'ИНН не найден в реестре', en: 'The INN {inn} is not in the tax registry' },
  inn_other_person: {
    ru: 'ИНН принадлежит другому лицу',
    en: 'The INN belongs to another person ({surname}, {dateOfBirth})',
  },
  snils_not_registered: { ru: 'СНИЛС не найден в реестре', en: 'The SNILS {snils} is not in the pension registry' },
  snils_other_person: {
    ru: 'СНИЛС принадлежит другому лицу',
    en: 'The SNILS belongs to another person ({surname}, {dateOfBirth})',
  },
  inn_invalid: {
    ru: 'ИНН указан с ошибкой (не сходится контрольное число)',
    en: 'The INN {inn} fails its check digits',
  },
  snils_invalid: {
    ru: 'СНИЛС указан с ошибкой (не сходится контрольное число)',
    en: 'The SNILS {snils} fails its check number',
  },
} as const satisfies Record<string, Reason>;

export type ReasonCode = keyof typeof REASONS;
export type ReasonParams = Record<string, string | number>;

function fill(template: string, params: ReasonParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

export function reasonMessage(code: ReasonCode, params: ReasonParams = {}, lang: 'ru' | 'en' = 'en'): string {
  return fill(REASONS[code][lang], params);
}

/** The shape reasons take in API responses and stored records. */
export type ReasonEntry = {
  code: ReasonCode;
  message: string;
  messageRu: string;
};

export function reasonEntry(code: ReasonCode, params: ReasonParams = {}): ReasonEntry {
  return { code, message: reasonMessage(code, params, 'en'), messageRu: reasonMessage(code, params, 'ru') };
}
