import { Controller, Inject, type OnModuleDestroy, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WorkRpcSubjects, type WorkerService } from '@hub/contracts';
import { DataSource } from 'typeorm';
import { WORK_FLOW_SOURCES, type FlowSource } from './flow-source';
import { WorkAdmin } from './work-admin';

type Method = 'summary' | 'list' | 'groups' | 'get' | 'retry' | 'search' | 'activity';
const METHODS: Method[] = ['summary', 'list', 'groups', 'get', 'retry', 'search', 'activity'];

/**
 * The work RPCs of one service (`rpc.<service>.work.*.v1`) over the flow sources it provides under
 * `WORK_FLOW_SOURCES`. Created per service because each answers on its own subjects.
 */
export function createWorkAdminController(service: WorkerService): Type<unknown> {
  @Controller()
  class WorkAdminController implements OnModuleDestroy {
    private readonly admin: WorkAdmin;

    constructor(dataSource: DataSource, @Inject(WORK_FLOW_SOURCES) sources: FlowSource[]) {
      this.admin = new WorkAdmin(service, dataSource, sources);
    }

    onModuleDestroy(): void {
      this.admin.close();
    }

    summary() {
      return this.admin.summary();
    }
    list(q: Parameters<WorkAdmin['list']>[0]) {
      return this.admin.list(q);
    }
    groups(q: Parameters<WorkAdmin['groups']>[0]) {
      return this.admin.groups(q ?? {});
    }
    get(q: Parameters<WorkAdmin['get']>[0]) {
      return this.admin.get(q);
    }
    retry(q: Parameters<WorkAdmin['retry']>[0]) {
      return this.admin.retry(q ?? {});
    }
    search(q: Parameters<WorkAdmin['search']>[0]) {
      return this.admin.search(q);
    }
    activity(q: Parameters<WorkAdmin['activity']>[0]) {
      return this.admin.activity(q);
    }
  }
  const proto = WorkAdminController.prototype;
  for (const method of METHODS) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method)!;
    MessagePattern(WorkRpcSubjects[method](service))(proto, method, descriptor);
    Payload()(proto, method, 0);
  }
  Object.defineProperty(WorkAdminController, 'name', { value: `${service.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}WorkAdminController` });
  return WorkAdminController;
}
