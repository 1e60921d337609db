import { UnprocessableEntityException } from '@nestjs/common';
import { IDERIS_INVOICE_URL_PURPOSE, IDERIS_TRACKING_URL_PURPOSE } from '@hub/contracts';
import type { SecretBox } from '@hub/platform';
import type { ConnectionEntity } from './connection.entity';

interface NotificationUrlFields {
  iderisInvoiceUrl?: string | null;
  iderisTrackingUrl?: string | null;
}

/**
 * The URLs Ideris support gives a seller may carry a token (nothing public says they do not), so they are sealed
 * like the credentials and shown as a hint. They change no verification: nothing can check them but a delivery.
 */
export function applyNotificationUrls(entity: ConnectionEntity, dto: NotificationUrlFields, box: SecretBox): void {
  if (dto.iderisInvoiceUrl !== undefined) {
    entity.iderisInvoiceUrlSealed = dto.iderisInvoiceUrl === null ? null : box.seal(dto.iderisInvoiceUrl, `${entity.id}:${IDERIS_INVOICE_URL_PURPOSE}`);
    entity.iderisInvoiceUrlHint = maskUrl(dto.iderisInvoiceUrl);
  }
  if (dto.iderisTrackingUrl !== undefined) {
    entity.iderisTrackingUrlSealed = dto.iderisTrackingUrl === null ? null : box.seal(dto.iderisTrackingUrl, `${entity.id}:${IDERIS_TRACKING_URL_PURPOSE}`);
    entity.iderisTrackingUrlHint = maskUrl(dto.iderisTrackingUrl);
  }
}

/** `notification_urls` chosen explicitly needs both URLs: a clear 422 rather than invoices that go nowhere. */
export function assertInvoiceTrackingPathUsable(entity: ConnectionEntity): void {
  if (entity.settings?.invoiceTrackingPath !== 'notification_urls') return;
  const missing = [!entity.iderisInvoiceUrlSealed && 'iderisInvoiceUrl', !entity.iderisTrackingUrlSealed && 'iderisTrackingUrl'].filter(Boolean);
  if (missing.length > 0) {
    throw new UnprocessableEntityException(`settings.invoiceTrackingPath 'notification_urls' needs ${missing.join(' and ')} (the URLs Ideris support gives the seller)`);
  }
}

/** Scheme and host stay readable (which receiver it is); the path, where a token would live, shows its last 4 characters. */
export function maskUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    const rest = url.slice(parsed.origin.length);
    return `${parsed.origin}/${'•'.repeat(8)}${rest.length > 8 ? rest.slice(-4) : ''}`;
  } catch {
    return `${'•'.repeat(8)}${url.slice(-4)}`;
  }
}
