import { HttpException, HttpStatus } from '@nestjs/common';
import type { IncomingMessage } from './http-types';

/** Reads the request body as text, refusing it with 413 once it passes `limitBytes`. */
export function readRawBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tooLarge(limitBytes: number): HttpException {
  return new HttpException({ statusCode: 413, error: 'Payload Too Large', message: `body larger than ${limitBytes} bytes` }, HttpStatus.PAYLOAD_TOO_LARGE);
}

export function parseByteLimit(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`bad byte limit ${limit}`);
  return Number(match[1]) * (match[2] === 'mb' ? 1024 * 1024 : 1024);
}
