import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionClients } from '@hub/integrations';
import { TinyFulfilmentApi, type TinyInvoiceNotice } from '@hub/tiny';

/** Not found yet: Tiny may link the invoice to its order a moment after notifying; the runner retries. */
export class InvoiceNotYetFoundError extends Error {
  readonly kind = 'waiting-invoice';

  constructor(message: string) {
    super(message);
    this.name = 'InvoiceNotYetFoundError';
  }
}

/**
 * The Tiny id of a notified invoice. Senders of versao 1.0.0 leave `idNotaFiscalTiny` out, so it is looked up
 * in Tiny (order → its invoice, else the invoice search by number/series/access key); see @hub/tiny `findInvoiceId`.
 */
@Injectable()
export class InvoiceLocator {
  constructor(private readonly clients: ConnectionClients) {}

  async tinyInvoiceIdOf(connectionId: string, notice: TinyInvoiceNotice): Promise<string | undefined> {
    if (notice.tinyInvoiceId) return notice.tinyInvoiceId;
    const { tiny } = await this.clients.forActive(connectionId);
    return runInLane('normal', () => new TinyFulfilmentApi(tiny).findInvoiceId(notice.locator));
  }
}
