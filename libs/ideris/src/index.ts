export * from './ideris-api.error';
export * from './ideris-auth';
export * from './ideris-client';
export * from './ideris-jwt';
export * from './ideris-order.models';
export * from './ideris-order.walker';
