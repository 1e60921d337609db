import { Controller, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcSubjects, type ParkedMessageListQuery, type ParkedMessageView, type RedriveCommand, type RedriveResult, type ServiceName } from '@hub/contracts';
import { ParkingService } from './parking.service';

/**
 * Request/reply (core NATS, Nest's transport) for the admin API: list and re-drive this service's parked
 * messages. Created per service because each answers on its own subject.
 */
export function createParkingController(service: ServiceName): Type<unknown> {
  @Controller()
  class ParkingController {
    constructor(private readonly parking: ParkingService) {}

    list(query: ParkedMessageListQuery): Promise<ParkedMessageView[]> {
      return this.parking.list(query ?? {});
    }

    redrive(command: RedriveCommand): Promise<RedriveResult> {
      return this.parking.redrive(command.id);
    }
  }
  const proto = ParkingController.prototype;
  const decorate = (method: 'list' | 'redrive', subject: string) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method)!;
    MessagePattern(subject)(proto, method, descriptor);
    Payload()(proto, method, 0);
  };
  decorate('list', RpcSubjects.parkedList(service));
  decorate('redrive', RpcSubjects.parkedRedrive(service));
  Object.defineProperty(ParkingController, 'name', { value: `${pascal(service)}ParkingController` });
  return ParkingController;
}

function pascal(s: string): string {
  return s.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
