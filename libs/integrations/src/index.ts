export * from './connection-clients';
