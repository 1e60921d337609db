export * from './connection-directory';
export * from './connection-view.migration';
export * from './connection-view-notification-urls.migration';
export * from './connections-read-model.module';
export * from './service-foundation.module';
export * from './connection-poll-loop';
export * from './flow-switch';
