import { Module } from '@nestjs/common';
import { ProductsFlow } from '../admin/work/products.flow';
import { ProductAdminController } from './admin/product-admin.controller';
import { ProductImportAdminController } from './admin/product-import-admin.controller';
import { ProductViews } from './admin/product-views';
import { IderisProductDiscoveryService } from './ideris-to-tiny/ideris-product-discovery.service';
import { ProductImportScheduler } from './ideris-to-tiny/product-import.scheduler';
import { ProductImportsRepository } from './ideris-to-tiny/product-imports.repository';
import { TinyProductWriteService } from './ideris-to-tiny/tiny-product-write.service';
import { TinyProductWriter } from './ideris-to-tiny/tiny-product-writer';
import { ProductSyncRepository } from './product-sync.repository';
import { IderisProductPushService } from './tiny-to-ideris/ideris-product-push.service';
import { IderisProductPusher } from './tiny-to-ideris/ideris-product-pusher';
import { TinyProductNoticeService } from './tiny-to-ideris/tiny-product-notice.service';
import { TinyProductNotificationHandler } from './tiny-to-ideris/tiny-product-notification.handler';
import { TinyProductReplyController } from './tiny-to-ideris/tiny-product-reply.controller';

/** Products both ways: Tiny's `produto` answer and the push to Ideris (tiny-to-ideris), the import into Tiny (ideris-to-tiny). */
@Module({
  controllers: [TinyProductReplyController, ProductAdminController, ProductImportAdminController],
  providers: [
    ProductSyncRepository,
    ProductViews,
    TinyProductNoticeService,
    TinyProductNotificationHandler,
    IderisProductPushService,
    IderisProductPusher,
    ProductImportsRepository,
    IderisProductDiscoveryService,
    TinyProductWriteService,
    TinyProductWriter,
    ProductImportScheduler,
    ProductsFlow,
  ],
  // ProductsFlow: the dashboard's work sources.
  exports: [ProductsFlow],
})
export class ProductsModule {}
