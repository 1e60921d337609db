import type { Response } from 'express';
import type { IderisAnswer } from './ideris-call.service';

export function sendIderisAnswer(res: Response, answer: IderisAnswer): void {
  res.status(answer.status).set(answer.headers);
  if (answer.status === 204) {
    res.end();
    return;
  }
  if (typeof answer.body === 'string' && answer.status === 429) res.type('text/plain').send(answer.body);
  else res.type('application/json').send(JSON.stringify(answer.body));
}
