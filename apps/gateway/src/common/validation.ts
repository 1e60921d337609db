import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { describeValidationErrors } from '@hub/contracts';

/** Whitelist + forbid unknown properties; a 400 names each field and why. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new BadRequestException({ statusCode: 400, error: 'Bad Request', message: describeValidationErrors(errors) }),
  });
}
