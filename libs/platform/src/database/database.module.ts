import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { HealthIndicator } from '../health/health';

export interface ServiceDatabaseOptions {
  url: string;
  /** The PostgreSQL schema this service owns; nobody else reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/** DataSource options for a service schema: search_path pins unqualified SQL to the owned schema. */
export function serviceDataSourceOptions(options: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
  };
}

/**
 * Creates the schema and runs pending migrations under a PostgreSQL advisory lock, so several replicas
 * starting together apply each migration once.
 */
export async function migrateServiceSchema(options: ServiceDatabaseOptions): Promise<string[]> {
  const lockClient = new Client({ connectionString: options.url });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [`hub-migrations:${options.schema}`]);
    await lockClient.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const dataSource = new DataSource({ ...serviceDataSourceOptions(options), poolSize: 1 } as DataSourceOptions);
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock(hashtext($1))', [`hub-migrations:${options.schema}`]).catch(() => undefined);
    await lockClient.end();
  }
}

@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'postgresql';
  constructor(private readonly dataSource: DataSource) {}
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

@Module({})
export class DatabaseModule {
  /** Migrates (unless told not to) and then opens the service's DataSource. */
  static forService(options: ServiceDatabaseOptions & { migrate?: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            if (options.migrate !== false) await migrateServiceSchema(options);
            return serviceDataSourceOptions(options);
          },
        }),
      ],
      providers: [DatabaseHealthIndicator],
      exports: [TypeOrmModule, DatabaseHealthIndicator],
    };
  }
}
