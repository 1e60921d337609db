import { isDependencyOutage } from './dependency-outage';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDependencyOutage', () => {
  it.each([
    ['a refused TCP connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset socket', withCode('ECONNRESET')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: admin shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['pg: starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['pg: too many connections (53300)', withCode('53300', 'sorry, too many clients already')],
    ['TypeORM QueryFailedError wrapping a pg outage', Object.assign(new Error('query failed'), { driverError: withCode('08006') })],
    ['a cause chain', Object.assign(new Error('publish failed'), { cause: withCode('CONNECTION_CLOSED') })],
    ['NATS: no responders', withCode('503', '503')],
    ['a TimeoutError', Object.assign(new Error('request'), { name: 'TimeoutError' })],
  ])('%s is an outage', (_label, error) => expect(isDependencyOutage(error)).toBe(true));

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601', 'syntax error at or near "SELEC"')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'oops'],
    ['null', null],
  ])('%s is not', (_label, error) => expect(isDependencyOutage(error)).toBe(false));
});
