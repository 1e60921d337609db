export * from './connection-clients';
export * from './tiny-notification-opener';
