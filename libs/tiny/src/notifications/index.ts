export * from './tiny-catalog-notification.dto';
export * from './tiny-notification.parser';
export * from './tiny-order-notification.dto';
export * from './tiny-product-webhook.reply';
