import type { ValidationError } from 'class-validator';

/** Flattens nested class-validator errors to `field.path: reason` strings (what a 400 lists). */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((msg) => `${path}: ${msg}`);
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}
