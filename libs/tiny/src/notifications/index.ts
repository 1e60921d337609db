export * from './tiny-catalog-notification.dto';
export * from './tiny-notice.result';
export * from './tiny-notification.parser';
export * from './tiny-order-notification.dto';
export * from './tiny-price.notice';
export * from './tiny-product-webhook.reply';
export * from './tiny-product.notice';
export * from './tiny-stock.notice';
