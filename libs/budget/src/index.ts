export * from './lanes';
export * from './call-gate';
export * from './grant-policy';
export * from './budget-store';
export * from './account-budget';
export * from './api-budget';
export * from './budget-tables.migration';
export * from './api-budget.module';
