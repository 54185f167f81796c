// Reading a PDF back the way a viewer does: pdf.js extracts each page's text and
// paints the page on a canvas; jsQR finds a QR code in the painted pixels.
import { createCanvas } from '@napi-rs/canvas';
import jsQRModule from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// jsqr is CommonJS: its module object is the function its types call `default`.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const open = (bytes: Uint8Array) =>
  getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;

/** Each page's text, items joined by spaces. */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await open(bytes);
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await pdf.destroy();
  return pages;
}

/** The first QR code found on the painted pages, with the page it was on. */
export async function pdfQrCodes(bytes: Uint8Array, scale = 2): Promise<{ page: number; text: string }[]> {
  const pdf = await open(bytes);
  const found: { page: number; text: string }[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({
      canvas: canvas as unknown as HTMLCanvasElement,
      canvasContext: context as unknown as CanvasRenderingContext2D,
      viewport,
    }).promise;
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height);
    if (code) found.push({ page: n, text: code.data });
  }
  await pdf.destroy();
  return found;
}
