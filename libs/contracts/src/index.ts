export * from './messaging/definitions';
export * from './messaging/headers';
export * from './messaging/streams';
export * from './messaging/consumers';
export * from './connections/connection-settings';
export * from './connections/connection-events';
export * from './tiny-notifications/tiny-notification';
export * from './rpc/rpc-subjects';
