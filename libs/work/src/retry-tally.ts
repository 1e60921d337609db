import type { WorkRetryAnswer } from '@hub/contracts';
import type { RetryVerdict } from './flow-source';

/** Adds verdicts up into the retry answer the dashboard shows ("12 queued, 3 skipped: already done"). */
export function tallyRetry(verdicts: RetryVerdict[], answer: WorkRetryAnswer = emptyRetryAnswer()): WorkRetryAnswer {
  for (const verdict of verdicts) {
    answer.matched += 1;
    if (verdict === 'queued') answer.queued += 1;
    else {
      answer.skipped += 1;
      answer.skippedReasons[verdict] = (answer.skippedReasons[verdict] ?? 0) + 1;
    }
  }
  return answer;
}

export function emptyRetryAnswer(): WorkRetryAnswer {
  return { matched: 0, queued: 0, skipped: 0, skippedReasons: {} };
}

/** Sums answers of several services. */
export function addRetryAnswers(answers: WorkRetryAnswer[]): WorkRetryAnswer {
  const total = emptyRetryAnswer();
  for (const a of answers) {
    total.matched += a.matched;
    total.queued += a.queued;
    total.skipped += a.skipped;
    for (const [reason, n] of Object.entries(a.skippedReasons)) {
      const key = reason as keyof WorkRetryAnswer['skippedReasons'];
      total.skippedReasons[key] = (total.skippedReasons[key] ?? 0) + (n ?? 0);
    }
  }
  return total;
}
