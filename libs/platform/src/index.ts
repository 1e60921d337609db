export * from './config/service-config';
export * from './logging/request-context';
export * from './logging/json-logger';
export * from './logging/mask';
export * from './crypto/secret-box';
export * from './health/health';
export * from './metrics/metrics';
export * from './database/database.module';
