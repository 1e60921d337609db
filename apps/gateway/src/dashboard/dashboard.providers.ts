import { BudgetReports } from './budget-reports';
import { ConnectionNames } from './connection-names';
import { OverviewService } from './overview.service';
import { WorkFanout } from './work-fanout';
import { WorkInboxService } from './work-inbox.service';

export const DASHBOARD_PROVIDERS = [WorkFanout, ConnectionNames, OverviewService, WorkInboxService, BudgetReports];
