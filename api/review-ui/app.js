// The reviewer workspace: sign-in, the queue, one case. Plain ES module, no
// build step; every call goes to the service's own API with the session
// cookie, state-changing ones with the session's CSRF token.

const main = document.getElementById('main');
const who = document.getElementById('who');
let session = null;
let leaseTimer = null;

const KIND = {
  passport: 'Паспорт',
  migration_card: 'Миграционная карта',
  residence_permit: 'Вид на жительство / разрешение',
  selfie: 'Селфи',
  selfie_with_document: 'Фото с документом в руке',
};
const STAGE = {
  normalize: 'Приём файла',
  quality: 'Качество изображения',
  mrz: 'MRZ',
  viz: 'Визуальная зона',
  portrait: 'Фото в документе',
  liveness: 'Живое присутствие',
  selfie: 'Пригодность селфи',
  held_document: 'Документ в руке',
  migration_card: 'Миграционная карта',
  face: 'Сравнение лиц',
  pipeline: 'Обработка',
};
const OUTCOME = {
  pass: 'пройдена',
  warn: 'замечание',
  fail: 'не пройдена',
  error: 'ошибка',
  unavailable: 'не выполнена',
};
const BAND = { approve: 'одно лицо', review: 'сходство неуверенное', decline: 'разные люди' };
const REGISTRY_STATUS = { found: 'найдено', not_found: 'не найдено', unavailable: 'реестр недоступен' };
const WAITING = [
  [0, 'любое'],
  [15, 'больше 15 мин'],
  [60, 'больше часа'],
  [1440, 'больше суток'],
];

/** Builds an element: h('td', { class: 'x', onclick }, 'text', child…). */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'style' && typeof value === 'object') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false)
      element.append(child instanceof Node ? child : String(child));
  return element;
}

function toast(text) {
  const element = document.getElementById('toast');
  element.textContent = text;
  element.classList.add('show');
  setTimeout(() => element.classList.remove('show'), 4000);
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session) headers['x-csrf-token'] = session.csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== '/review/session') {
    session = null;
    showSignIn();
    throw new Error('Сеанс завершён: войдите снова');
  }
  if (!response.ok) throw new Error(data?.error?.messageRu ?? `Ошибка ${response.status}`);
  return data;
}

const formatDate = (iso) => (iso ? new Date(iso).toLocaleString('ru-RU', { timeZone: 'Europe/Moscow' }) : '—');
const minutes = (n) =>
  n < 60 ? `${n} мин` : n < 1440 ? `${Math.floor(n / 60)} ч ${n % 60} мин` : `${Math.floor(n / 1440)} дн`;

// ---- Sign-in ----------------------------------------------------------------

function showSignIn(message) {
  who.replaceChildren();
  const input = h('input', {
    type: 'password',
    id: 'key',
    name: 'key',
    autocomplete: 'off',
    required: true,
    placeholder: 'dv_reviewer_…',
  });
  const form = h(
    'form',
    {
      class: 'panel signin',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          session = await api('POST', '/review/session', { key: input.value.trim() });
          route();
        } catch (error) {
          showSignIn(error.message);
        }
      },
    },
    h('h2', {}, 'Вход для проверяющего'),
    h('label', { for: 'key' }, 'Ключ сотрудника'),
    input,
    message ? h('p', { class: 'differs', role: 'alert' }, message) : null,
    h('button', { class: 'primary', type: 'submit' }, 'Войти'),
  );
  main.replaceChildren(form);
  input.focus();
}

function showWho() {
  who.replaceChildren(
    h('span', {}, `${session.reviewer.name}`),
    h(
      'button',
      {
        onclick: async () => {
          await api('DELETE', '/review/session').catch(() => {});
          session = null;
          location.hash = '';
          showSignIn('Вы вышли');
        },
      },
      'Выйти',
    ),
  );
}

// ---- Queue ------------------------------------------------------------------

async function showQueue() {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const query = new URLSearchParams();
  if (params.get('reason')) query.set('reason', params.get('reason'));
  if (params.get('older')) query.set('olderThanMinutes', params.get('older'));
  const [{ applications }, { applications: all }] = await Promise.all([
    api('GET', `/v1/reviews?${query}`),
    api('GET', '/v1/reviews'),
  ]);
  const reasons = [...new Map(all.flatMap((a) => a.reasons).map((r) => [r.code, r])).values()];
  const setFilter = (name, value) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    location.hash = `#/queue?${next}`;
  };
  const reasonSelect = h(
    'select',
    { id: 'filter-reason', onchange: (e) => setFilter('reason', e.target.value) },
    h('option', { value: '' }, 'все причины'),
    reasons.map((r) =>
      h('option', { value: r.code, selected: r.code === params.get('reason') }, `${r.messageRu} (${r.code})`),
    ),
  );
  const waitingSelect = h(
    'select',
    { id: 'filter-waiting', onchange: (e) => setFilter('older', e.target.value === '0' ? '' : e.target.value) },
    WAITING.map(([value, label]) =>
      h('option', { value, selected: String(value) === (params.get('older') ?? '0') }, label),
    ),
  );
  const rows = applications.map((a) =>
    h(
      'tr',
      { class: 'clickable', 'data-id': a.id, onclick: () => (location.hash = `#/case/${a.id}`) },
      h('td', {}, h('span', { class: 'code' }, a.id.slice(0, 8))),
      h(
        'td',
        {},
        a.reasons.map((r) => h('div', {}, r.messageRu, ' ', h('span', { class: 'code' }, r.code))),
      ),
      h('td', {}, minutes(a.waitingMinutes)),
      h(
        'td',
        {},
        a.claimedByName
          ? h('span', { class: 'lease other' }, `${a.claimedByName} до ${formatDate(a.leaseExpiresAt)}`)
          : h('span', { class: 'muted' }, 'свободно'),
      ),
    ),
  );
  main.replaceChildren(
    h(
      'div',
      { class: 'bar' },
      h('h1', { style: { fontSize: '18px', margin: 0 } }, `Очередь на рассмотрение: ${applications.length}`),
      h('span', { class: 'spacer' }),
      h('label', {}, 'Причина ', reasonSelect),
      h('label', {}, 'Ожидает ', waitingSelect),
    ),
    h(
      'table',
      { id: 'queue' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Заявление'), h('th', {}, 'Причины'), h('th', {}, 'Ожидает'), h('th', {}, 'В работе')),
      ),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'Нет заявлений'))),
    ),
    h('p', { class: 'muted' }, 'Сначала самые давние. Откройте заявление, возьмите его в работу и примите решение.'),
  );
}

// ---- Case -------------------------------------------------------------------

const artifactUrl = (documentId, name) => `/v1/documents/${documentId}/artifacts/${name}`;
const check = (document, stage) => document?.checks.find((c) => c.stage === stage);
const percent = (value, total) => `${(100 * value) / total}%`;

/** An image the pipeline kept, with boxes drawn over it in the coordinates of `size`. */
function shot(src, size, boxes, alt) {
  const overlays = size
    ? boxes.map((b) =>
        h(
          'div',
          {
            class: `box ${b.kind}`,
            style: {
              left: percent(b.left, size.width),
              top: percent(b.top, size.height),
              width: percent(b.width, size.width),
              height: percent(b.height, size.height),
            },
          },
          h('span', {}, b.label),
        ),
      )
    : [];
  return h('div', { class: 'shot' }, h('img', { src, alt, loading: 'lazy' }), overlays);
}

function documentPanel(document) {
  const mrz = check(document, 'mrz');
  // The page as kept by the stage that read it: the face stages (with the face box) or the migration card's.
  const face = check(document, 'portrait') ?? check(document, 'selfie') ?? check(document, 'migration_card');
  const images = [];
  if (mrz?.details.band && mrz.details.pageSize) {
    const { band, pageSize } = mrz.details;
    images.push(
      shot(
        artifactUrl(document.id, 'document'),
        pageSize,
        [{ kind: 'mrz', label: 'MRZ', left: 0, top: band.top, width: pageSize.width, height: band.bottom - band.top }],
        `${KIND[document.kind]}: MRZ`,
      ),
    );
  }
  if (face?.details.pageSize) {
    const box = face.details.face?.box;
    images.push(
      shot(
        artifactUrl(document.id, 'page'),
        face.details.pageSize,
        box ? [{ kind: 'face', label: 'лицо', left: box[0], top: box[1], width: box[2], height: box[3] }] : [],
        `${KIND[document.kind]}: страница`,
      ),
    );
  }
  return h(
    'section',
    { class: 'panel document', 'data-kind': document.kind },
    h('h2', {}, KIND[document.kind], ' ', h('span', { class: 'muted' }, `загружен ${formatDate(document.createdAt)}`)),
    images.length
      ? h('div', { class: 'bar' }, images)
      : h('p', { class: 'muted' }, 'Изображения нет: документ не прочитан или данные удалены'),
    h(
      'table',
      {},
      document.checks.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, STAGE[c.stage] ?? c.stage),
          h('td', { class: `outcome-${c.outcome}` }, OUTCOME[c.outcome]),
          h('td', {}, c.messageRu ?? '', c.reasonCode ? h('span', { class: 'code' }, ` ${c.reasonCode}`) : ''),
        ),
      ),
    ),
  );
}

function facesPanel(documents) {
  const identity = documents.find((d) => d.current && check(d, 'portrait')?.outcome === 'pass');
  const selfie = documents.find((d) => d.current && d.kind === 'selfie');
  const match = check(selfie, 'face');
  const liveness = check(selfie, 'liveness');
  const signals = liveness?.details.signals ?? {};
  return h(
    'section',
    { class: 'panel', id: 'faces' },
    h('h2', {}, 'Лица'),
    h(
      'div',
      { class: 'faces' },
      h(
        'figure',
        {},
        identity
          ? h('img', { id: 'portrait', src: artifactUrl(identity.id, 'portrait'), alt: 'Фото в документе' })
          : h('div', { class: 'muted' }, 'нет фото'),
        h('figcaption', {}, 'Фото в документе'),
      ),
      h(
        'figure',
        {},
        selfie
          ? h('img', { id: 'selfie', src: artifactUrl(selfie.id, 'selfie'), alt: 'Селфи' })
          : h('div', { class: 'muted' }, 'нет селфи'),
        h('figcaption', {}, 'Селфи'),
      ),
      h(
        'div',
        {},
        match?.details.band
          ? h('div', { class: `band ${match.details.band}` }, BAND[match.details.band] ?? match.details.band)
          : h('div', { class: 'muted' }, 'сравнение не выполнено'),
        match?.details.distance !== undefined
          ? h('div', {}, `Расстояние: ${Number(match.details.distance).toFixed(3)}`)
          : null,
        liveness
          ? h(
              'div',
              {},
              `Живое присутствие: `,
              h('span', { class: `outcome-${liveness.outcome}` }, OUTCOME[liveness.outcome]),
              liveness.reasonCode ? h('span', { class: 'code' }, ` ${liveness.reasonCode}`) : '',
            )
          : null,
        Object.keys(signals).length
          ? h(
              'table',
              { id: 'liveness-signals' },
              Object.entries(signals).map(([name, value]) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'code' }, name),
                  h('td', {}, typeof value === 'number' ? value.toFixed(3) : JSON.stringify(value)),
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

function comparisonPanel(view) {
  return h(
    'section',
    { class: 'panel' },
    h('h2', {}, 'MRZ, визуальная зона и профиль'),
    h(
      'table',
      { id: 'comparison' },
      h(
        'tr',
        {},
        h('th', {}, 'Поле'),
        h('th', {}, 'MRZ'),
        h('th', {}, 'Визуальная зона'),
        h('th', {}, 'Профиль'),
        h('th', {}, 'Транслитерация / примечание'),
      ),
      view.comparison.map((row) =>
        h(
          'tr',
          { class: row.agrees ? '' : 'differs' },
          h('td', {}, row.label),
          h('td', { class: 'code' }, row.mrz ?? '—'),
          h('td', {}, row.viz ?? '—'),
          h('td', {}, row.profile ?? '—'),
          h('td', { class: 'muted' }, row.note ?? ''),
        ),
      ),
    ),
  );
}

function registriesPanel(view) {
  return h(
    'section',
    { class: 'panel' },
    h('h2', {}, 'Реестры'),
    view.registries.length
      ? h(
          'table',
          { id: 'registries' },
          view.registries.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, r.label),
              h('td', { class: r.status === 'unavailable' ? 'differs' : '' }, REGISTRY_STATUS[r.status]),
              h('td', { class: 'muted' }, r.detail ?? ''),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'Запросов в реестры не было'),
  );
}

function leaseText(claim) {
  if (!claim) return h('span', { class: 'lease', id: 'lease' }, 'Свободно — возьмите в работу');
  const left = Math.max(0, new Date(claim.leaseExpiresAt).getTime() - Date.now());
  const mmss = `${Math.floor(left / 60000)}:${String(Math.floor((left % 60000) / 1000)).padStart(2, '0')}`;
  return claim.mine
    ? h('span', { class: 'lease mine', id: 'lease' }, `В работе у вас, осталось ${mmss}`)
    : h('span', { class: 'lease other', id: 'lease' }, `В работе у ${claim.reviewerName}, ещё ${mmss}`);
}

function decisionDialog(view, decision) {
  const reasonCodes = view.application.reasons.map((r) => r.code);
  const titles = {
    approve: 'Одобрить заявление',
    reject: 'Отклонить заявление',
    request_clarification: 'Запросить документы',
  };
  const comment = h('textarea', { id: 'comment', required: true, placeholder: 'Комментарий (обязателен)' });
  const reasonBoxes =
    decision === 'reject'
      ? reasonCodes.map((code) =>
          h(
            'label',
            {},
            h('input', { type: 'checkbox', name: 'reason', value: code, checked: true }),
            ` ${view.application.reasons.find((r) => r.code === code).messageRu} (${code})`,
          ),
        )
      : [];
  const documentBoxes =
    decision === 'request_clarification'
      ? Object.entries(KIND).map(([kind, label]) =>
          h('label', {}, h('input', { type: 'checkbox', name: 'document', value: kind }), ` ${label}`),
        )
      : [];
  const dialog = h(
    'dialog',
    { id: 'decision' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (event) => {
          event.preventDefault();
          const text = comment.value.trim();
          if (!text) return toast('Напишите комментарий');
          const documents = [...dialog.querySelectorAll('input[name=document]:checked')].map((box) => ({
            kind: box.value,
            message: text,
          }));
          if (decision === 'request_clarification' && !documents.length) return toast('Отметьте документы');
          const reasons = [...dialog.querySelectorAll('input[name=reason]:checked')].map((box) => box.value);
          try {
            const result = await api('POST', `/v1/applications/${view.application.id}/review/decision`, {
              decision,
              comment: text,
              reasonCodes: reasons,
              documents,
            });
            dialog.close();
            dialog.remove();
            toast(`Решение принято: ${result.statusLabel}`);
            location.hash = '#/queue';
          } catch (error) {
            toast(error.message);
          }
        },
      },
      h('h2', {}, titles[decision]),
      reasonBoxes.length ? h('fieldset', {}, h('legend', {}, 'Причины'), reasonBoxes) : null,
      documentBoxes.length
        ? h('fieldset', {}, h('legend', {}, 'Какие документы загрузить заново'), documentBoxes)
        : null,
      h('label', {}, 'Комментарий', comment),
      h(
        'div',
        { class: 'bar' },
        h('button', { type: 'submit', class: 'primary', id: 'confirm' }, 'Подтвердить'),
        h('button', { type: 'button', onclick: () => (dialog.close(), dialog.remove()) }, 'Отмена'),
      ),
    ),
  );
  document.body.append(dialog);
  dialog.showModal();
  comment.focus();
}

async function showCase(id) {
  const view = await api('GET', `/v1/reviews/${id}`);
  const { application } = view;
  const current = application.documents.filter((d) => d.current);
  const mine = view.claim?.mine ?? false;
  const decide = (decision) => () => decisionDialog(view, decision);
  const claim = async () => {
    try {
      await api('POST', `/v1/applications/${id}/review/claim`);
      toast('Заявление взято в работу');
      await showCase(id);
    } catch (error) {
      toast(error.message);
    }
  };
  const actions = h(
    'div',
    { class: 'bar', id: 'actions' },
    h('a', { href: '#/queue' }, '← Очередь'),
    h('strong', {}, `Заявление ${id.slice(0, 8)}`),
    h('span', {}, application.statusLabel),
    h('span', { class: 'muted' }, `ожидает ${minutes(view.waitingMinutes)}`),
    h('span', { class: 'spacer' }),
    leaseText(view.claim),
    h(
      'button',
      {
        id: 'claim',
        onclick: claim,
        disabled: mine || (view.claim && !view.claim.mine) || application.status !== 'under_review',
      },
      'Взять в работу ',
      h('kbd', {}, 'C'),
    ),
    h(
      'button',
      { id: 'approve', class: 'approve', onclick: decide('approve'), disabled: !mine },
      'Одобрить ',
      h('kbd', {}, 'A'),
    ),
    h(
      'button',
      { id: 'reject', class: 'reject', onclick: decide('reject'), disabled: !mine },
      'Отклонить ',
      h('kbd', {}, 'R'),
    ),
    h(
      'button',
      { id: 'clarify', class: 'clarify', onclick: decide('request_clarification'), disabled: !mine },
      'Запросить документы ',
      h('kbd', {}, 'D'),
    ),
  );
  const applicant = view.applicant
    ? h(
        'p',
        {},
        `${view.applicant.surnameCyrillic ?? ''} ${view.applicant.givenNamesCyrillic ?? ''} (${view.applicant.surnameLatin} ${view.applicant.givenNamesLatin}), ${view.applicant.dateOfBirth.slice(0, 10)}, ${view.applicant.citizenship}`,
      )
    : h('p', { class: 'muted' }, 'Персональные данные удалены');
  main.replaceChildren(
    actions,
    h(
      'section',
      { class: 'panel', id: 'rules' },
      h('h2', {}, 'Почему на рассмотрении'),
      applicant,
      h(
        'ul',
        {},
        application.reasons.map((r) => h('li', {}, r.messageRu, ' ', h('span', { class: 'code' }, r.code))),
      ),
    ),
    h('div', { class: 'grid' }, facesPanel(current), h('div', {}, comparisonPanel(view), registriesPanel(view))),
    h('div', { class: 'documents' }, current.map(documentPanel)),
  );
  clearInterval(leaseTimer);
  leaseTimer = setInterval(() => document.getElementById('lease')?.replaceWith(leaseText(view.claim)), 1000);
  keyHandler = (event) => {
    if (
      event.target instanceof HTMLInputElement ||
      event.target instanceof HTMLTextAreaElement ||
      document.querySelector('dialog[open]')
    )
      return;
    const button = { c: 'claim', a: 'approve', r: 'reject', d: 'clarify' }[event.key.toLowerCase()];
    const target = button && document.getElementById(button);
    if (target && !target.disabled) {
      event.preventDefault();
      target.click();
    }
  };
}

let keyHandler = null;
document.addEventListener('keydown', (event) => keyHandler?.(event));

// ---- Routing ----------------------------------------------------------------

async function route() {
  clearInterval(leaseTimer);
  keyHandler = null;
  if (!session) {
    try {
      session = await api('GET', '/review/session');
    } catch {
      return showSignIn();
    }
  }
  showWho();
  const caseId = /^#\/case\/([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  try {
    if (caseId) await showCase(caseId);
    else await showQueue();
  } catch (error) {
    main.replaceChildren(
      h('p', { class: 'differs', role: 'alert' }, error.message),
      h('a', { href: '#/queue' }, '← Очередь'),
    );
  }
}

window.addEventListener('hashchange', route);
route();
