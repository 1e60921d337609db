import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ApiBudget } from './api-budget';

class ApiBudgetCloser implements OnApplicationShutdown {
  constructor(private readonly budget: ApiBudget) {}
  async onApplicationShutdown(): Promise<void> {
    await this.budget.close();
  }
}

/** Provides the process's ApiBudget (shared state in PostgreSQL schema api_budget). */
@Module({})
export class ApiBudgetModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: ApiBudgetModule,
      global: true,
      providers: [
        { provide: ApiBudget, useFactory: () => ApiBudget.connect(databaseUrl) },
        { provide: ApiBudgetCloser, useFactory: (budget: ApiBudget) => new ApiBudgetCloser(budget), inject: [ApiBudget] },
      ],
      exports: [ApiBudget],
    };
  }
}
