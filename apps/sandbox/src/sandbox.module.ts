import { type DynamicModule, Module } from '@nestjs/common';
import { CallStatsStore } from './common/call-stats.store';
import { FaultStore } from './common/fault.store';
import { ControlController } from './control/control.controller';
import { IderisControlController } from './control/ideris-control.controller';
import { TinyControlController } from './control/tiny-control.controller';
import { HealthController } from './health/health.controller';
import { IderisAccountStore } from './ideris/ideris-account.store';
import { IderisAuthService } from './ideris/ideris-auth.service';
import { IderisCatalogController } from './ideris/ideris-catalog.controller';
import { IderisWritesController } from './ideris/ideris-writes.controller';
import { IderisOrderStatusController } from './ideris/ideris-order-status.controller';
import { IderisNotificationsController } from './ideris/ideris-notifications.controller';
import { IderisCallService } from './ideris/ideris-call.service';
import { IderisDataStore } from './ideris/ideris-data.store';
import { IderisLoginController } from './ideris/ideris-login.controller';
import { IderisOrdersController } from './ideris/ideris-orders.controller';
import { SANDBOX_CONFIG, type SandboxConfig } from './sandbox.config';
import { TinyAccountScripts } from './tiny/tiny-account.scripts';
import { TinyAccountStore } from './tiny/tiny-account.store';
import { TinyBackofficeService } from './tiny/tiny-backoffice.service';
import { TinyContactScripts } from './tiny/tiny-contact.scripts';
import { TinyExpeditionScripts } from './tiny/tiny-expedition.scripts';
import { TinyFiscalScripts } from './tiny/tiny-fiscal.scripts';
import { TinyCallService } from './tiny/tiny-call.service';
import { TinyDataStore } from './tiny/tiny-data.store';
import { TinyOrderScripts } from './tiny/tiny-order.scripts';
import { TinyProductScripts } from './tiny/tiny-product.scripts';
import { TinyController } from './tiny/tiny.controller';
import { TinyWebhookSender } from './tiny/webhooks/tiny-webhook.sender';
import { TinyWebhookStore } from './tiny/webhooks/tiny-webhook.store';
import { TinyWebhookControlController } from './control/tiny-webhook-control.controller';

@Module({})
export class SandboxModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: SandboxModule,
      controllers: [HealthController, TinyController, IderisLoginController, IderisOrdersController, IderisCatalogController, IderisWritesController, IderisOrderStatusController, ControlController, TinyControlController, TinyWebhookControlController, IderisControlController, IderisNotificationsController],
      providers: [
        { provide: SANDBOX_CONFIG, useValue: config },
        CallStatsStore,
        FaultStore,
        TinyAccountStore,
        TinyDataStore,
        TinyAccountScripts,
        TinyOrderScripts,
        TinyProductScripts,
        TinyContactScripts,
        TinyFiscalScripts,
        TinyExpeditionScripts,
        TinyBackofficeService,
        TinyCallService,
        TinyWebhookStore,
        TinyWebhookSender,
        IderisAccountStore,
        IderisDataStore,
        IderisAuthService,
        IderisCallService,
      ],
    };
  }
}
