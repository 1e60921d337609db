/**
 * Compile-time check that what the gateway's OpenAPI says it answers fits the shapes the pages read
 * (views.ts). Regenerating openapi.d.ts after an API change makes a mismatch a type error here.
 */
import type { components } from './openapi';
import type { ActivityView, BudgetView, FailureGroup, MarketplacesView, Overview, Page, RetryResult, SearchHit, TinyProduct, WorkItemDetail, WorkItemView } from './views';

type S = components['schemas'];
type Fits<Expected, Actual extends Expected> = Actual;

export type ContractCheck = [
  Fits<Overview, S['OverviewAnswer']>,
  Fits<Page<WorkItemView>, S['FailuresAnswer']>,
  Fits<{ groups: FailureGroup[] }, S['FailureGroupsAnswer']>,
  Fits<WorkItemDetail, S['WorkItemDetailAnswer']>,
  Fits<RetryResult, S['RetryAnswer']>,
  Fits<{ hits: SearchHit[] }, S['SearchAnswer']>,
  Fits<BudgetView, S['BudgetAnswer']>,
  Fits<ActivityView, S['ActivityAnswer']>,
  Fits<{ items: TinyProduct[] }, S['TinyProductsAnswer']>,
  Fits<MarketplacesView, S['MarketplaceAccountListDto']>,
];
