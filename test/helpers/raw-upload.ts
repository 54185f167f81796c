// A multipart upload written by hand over node:http, for what fetch hides:
// chunked bodies with no Content-Length, and servers that answer mid-upload.
import http from 'node:http';

export interface RawUploadOptions {
  /** Send Content-Length (true) or stream chunked (false). */
  declareLength: boolean;
  kind?: string;
  filename?: string;
}

export function rawUpload(
  url: string,
  key: string,
  applicationId: string,
  file: Buffer,
  options: RawUploadOptions,
): Promise<{ status: number; body: any; bytesSent: number }> {
  const boundary = 'docverify-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${options.kind ?? 'passport'}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.filename ?? 'scan.jpg'}"\r\n` +
      'Content-Type: image/jpeg\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers: Record<string, string | number> = {
    authorization: `Bearer ${key}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
  };
  if (options.declareLength) headers['content-length'] = head.length + file.length + tail.length;
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    const request = http.request(
      `${url}/v1/applications/${applicationId}/documents`,
      { method: 'POST', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, bytesSent });
        });
      },
    );
    // The server may refuse and close before we finish sending: that is the point.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const parts = [head, ...chunksOf(file, 64 * 1024), tail];
    const writeNext = () => {
      while (parts.length) {
        const part = parts.shift()!;
        bytesSent += part.length;
        if (request.destroyed) return;
        if (!request.write(part)) return void request.once('drain', writeNext);
      }
      request.end();
    };
    writeNext();
  });
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
