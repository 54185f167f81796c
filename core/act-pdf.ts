// The electronic act of verification as a PDF: who applied for what, which
// documents were checked and how each check ended, the decision with its
// reasons, and a QR code with the URL that tells an official whether the act
// is genuine and current. Russian text in an embedded DejaVu Sans (the
// standard PDF fonts have no Cyrillic); the QR code is drawn as vector squares.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

export interface ActContent {
  applicationId: string;
  service: string;
  createdAt: Date;
  issuedAt: Date;
  /** Null once the applicant's data was erased: the act then names no one. */
  applicant: { nameLatin: string; nameCyrillic?: string; dateOfBirth: Date; citizenship: string } | null;
  documents: { kind: string; uploadedAt: Date; checks: { stage: string; outcome: string; reason?: string }[] }[];
  decision: {
    status: string;
    decidedAt: Date;
    by: string;
    reasons: { code: string; message: string }[];
    comment?: string;
  };
  verifyUrl: string;
  validUntil: Date;
}

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
let fontBytes: Record<keyof typeof FONTS, Buffer> | undefined;

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const QR_SIZE = 130;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.4, 0.4, 0.4);

/** Dates as a Russian official paper writes them, in Moscow time. */
export const formatDateRu = (date: Date, withTime = false) =>
  new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(date) + (withTime ? ' МСК' : '');

/** Words of `text` in lines no wider than `width` at `size`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/** Draws flowing text from the top of the page down, starting a new page when one is full. */
class Writer {
  private page: PDFPage;
  private y: number;
  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: { regular: PDFFont; bold: PDFFont },
  ) {
    this.page = pdf.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }
  /** A block `height` points tall below the text: on this page if it fits, else on a new one. */
  block(height: number): { page: PDFPage; top: number } {
    if (this.y - height < MARGIN) {
      this.page = this.pdf.addPage([A4.width, A4.height]);
      this.y = A4.height - MARGIN;
    }
    const top = this.y;
    this.y -= height;
    return { page: this.page, top };
  }
  text(
    text: string,
    options: { size?: number; bold?: boolean; indent?: number; colour?: typeof INK; gap?: number } = {},
  ) {
    const size = options.size ?? 10;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const indent = options.indent ?? 0;
    for (const line of wrap(text, font, size, A4.width - 2 * MARGIN - indent)) {
      if (this.y - size < MARGIN) {
        this.page = this.pdf.addPage([A4.width, A4.height]);
        this.y = A4.height - MARGIN;
      }
      this.y -= size * 1.35;
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font, color: options.colour ?? INK });
    }
    this.y -= options.gap ?? 0;
  }
  space(points: number) {
    this.y -= points;
  }
}

function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = size / (modules.size + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      page.drawRectangle({
        x: x + (quiet + col) * cell,
        y: y + size - (quiet + row + 1) * cell,
        width: cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

export async function renderActPdf(act: ActContent): Promise<Uint8Array> {
  fontBytes ??= {
    regular: fs.readFileSync(path.join(FONT_DIR, FONTS.regular)),
    bold: fs.readFileSync(path.join(FONT_DIR, FONTS.bold)),
  };
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(`Акт проверки документов № ${act.applicationId}`);
  pdf.setSubject('Электронный акт проверки документов иностранного гражданина');
  pdf.setProducer('docverify');
  pdf.setCreationDate(act.issuedAt);
  pdf.setModificationDate(act.issuedAt);
  const fonts = {
    regular: await pdf.embedFont(fontBytes.regular, { subset: true }),
    bold: await pdf.embedFont(fontBytes.bold, { subset: true }),
  };
  const w = new Writer(pdf, fonts);

  w.text('Электронный акт проверки документов', { size: 16, bold: true });
  w.text(`№ ${act.applicationId}`, { size: 9, colour: GREY });
  w.text(`Сформирован ${formatDateRu(act.issuedAt, true)}`, { size: 9, colour: GREY, gap: 10 });

  w.text('Заявитель', { size: 12, bold: true });
  if (act.applicant) {
    const { nameLatin, nameCyrillic, dateOfBirth, citizenship } = act.applicant;
    w.text(`ФИО: ${nameCyrillic ? `${nameCyrillic} (${nameLatin})` : nameLatin}`);
    w.text(`Дата рождения: ${formatDateRu(dateOfBirth)}`);
    w.text(`Гражданство: ${citizenship}`);
  } else {
    w.text('Персональные данные удалены по истечении срока хранения или по запросу заявителя.', { colour: GREY });
  }
  w.text(`Услуга: ${act.service}`);
  w.text(`Заявление подано: ${formatDateRu(act.createdAt, true)}`, { gap: 10 });

  w.text('Проверенные документы', { size: 12, bold: true });
  for (const document of act.documents) {
    w.text(`${document.kind} — загружен ${formatDateRu(document.uploadedAt, true)}`, { bold: true, gap: 1 });
    for (const check of document.checks) {
      w.text(`• ${check.stage}: ${check.outcome}${check.reason ? ` — ${check.reason}` : ''}`, { indent: 12, size: 9 });
    }
    w.space(4);
  }
  w.space(6);

  w.text('Решение', { size: 12, bold: true });
  w.text(`${act.decision.status}, ${formatDateRu(act.decision.decidedAt, true)}`, { bold: true });
  w.text(`Решение принял: ${act.decision.by}`);
  for (const reason of act.decision.reasons) w.text(`• ${reason.message} (${reason.code})`, { indent: 12, size: 9 });
  if (act.decision.comment) w.text(`Комментарий: ${act.decision.comment}`, { size: 9 });
  w.space(14);

  // The QR block sits under the text, on the last page or on a page of its own.
  const { page, top } = w.block(QR_SIZE + 20);
  drawQr(page, act.verifyUrl, MARGIN, top - QR_SIZE, QR_SIZE);
  const note = [
    'Проверить подлинность и актуальность акта: отсканируйте QR-код или откройте адрес',
    act.verifyUrl,
    `Код действителен до ${formatDateRu(act.validUntil)}.`,
  ];
  let y = top - 12;
  for (const text of note) {
    for (const line of wrap(
      text.length > 60 && !text.includes(' ') ? text.replace(/(.{60})/g, '$1 ') : text,
      fonts.regular,
      8,
      A4.width - 2 * MARGIN - QR_SIZE - 16,
    )) {
      page.drawText(line, { x: MARGIN + QR_SIZE + 16, y, size: 8, font: fonts.regular, color: GREY });
      y -= 11;
    }
  }
  return pdf.save();
}
