// Small, deterministic sample uploads for intake and normalisation tests, and
// the golden fixtures for tests that need a real-looking document.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { encodeBmp } from '../../fixtures/lib/bmp.ts';

/** A gradient with a dark square in the top-left corner, so orientation is visible in the pixels. */
export async function rasterImage(width: number, height: number) {
  const channels = 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const marker = x < width / 4 && y < height / 4;
      data[i] = marker ? 10 : 200;
      data[i + 1] = marker ? 10 : Math.round((x / width) * 255);
      data[i + 2] = marker ? 10 : Math.round((y / height) * 255);
    }
  }
  return sharp(data, { raw: { width, height, channels } });
}

export async function jpeg(width = 640, height = 480, options: { orientation?: number; quality?: number } = {}) {
  const image = await rasterImage(width, height);
  const withExif = options.orientation ? image.withMetadata({ orientation: options.orientation }) : image;
  return withExif.jpeg({ quality: options.quality ?? 85 }).toBuffer();
}

export async function png(width = 320, height = 240) {
  return (await rasterImage(width, height)).png().toBuffer();
}

export async function gif(width = 64, height = 64) {
  return (await rasterImage(width, height)).gif().toBuffer();
}

/** A small grey 24-bit BMP. */
export function bmp(width = 4, height = 4): Buffer {
  return encodeBmp(Buffer.alloc(width * height * 3, 0x80), width, height);
}

/** A PNG whose header claims width×height pixels: a decompression bomb in miniature. */
export function pngBomb(width = 30_000, height = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  // A few rows of zeros: the file is tiny, the image it claims is not.
  const rows = zlib.deflateSync(Buffer.alloc((width * 3 + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface PdfPageSpec {
  image?: { format: 'jpeg' | 'png'; bytes: Buffer };
}

/** A PDF with one page per spec; a page with an image shows it full-page, as scanners do. */
export async function pdf(pages: PdfPageSpec[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  for (const spec of pages) {
    const page = doc.addPage([595, 842]);
    if (!spec.image) {
      page.drawText('no scan on this page', { x: 50, y: 700 });
      continue;
    }
    const embedded =
      spec.image.format === 'jpeg' ? await doc.embedJpg(spec.image.bytes) : await doc.embedPng(spec.image.bytes);
    page.drawImage(embedded, { x: 0, y: 0, width: 595, height: 842 });
  }
  // pdf-lib adds a blank page to an empty document unless told not to.
  return Buffer.from(await doc.save({ addDefaultPage: false }));
}

/** A PDF written object by object (1-based numbering), with a correct cross-reference table. */
export function rawPdf(objects: string[], trailer = ''): Buffer {
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A minimal PDF whose trailer names an /Encrypt dictionary, as password-protected files do. */
export function encryptedPdf(): Buffer {
  return rawPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
      '<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1028 /O <00> /U <00> >>',
    ],
    '/Encrypt 4 0 R /ID [<01> <01>] ',
  );
}

/** Cuts a file to a fraction of its length, as an interrupted upload would. */
export function truncated(bytes: Buffer, fraction = 0.5): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}

/** A JPEG of about `bytes` bytes (noise compresses badly). */
export async function noisyJpeg(bytes: number, seed = 1): Promise<Buffer> {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
  let side = Math.round(Math.sqrt(bytes / 0.9));
  for (;;) {
    const data = Buffer.alloc(side * side * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
    const out = await sharp(data, { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 60 })
      .toBuffer();
    if (out.length >= bytes * 0.95) return out;
    side = Math.round(side * Math.sqrt(bytes / out.length) * 1.02);
  }
}

/** A file of the golden fixture corpus, e.g. golden('valid-uzb/passport.jpg'). */
export function golden(file: string): Buffer {
  return fs.readFileSync(new URL(`../../fixtures/golden/${file}`, import.meta.url));
}
