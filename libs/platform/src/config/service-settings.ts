import { applyDecorators } from '@nestjs/common';
import { getMetadataStorage, IsIn, IsOptional } from 'class-validator';
import { loadConfig } from './service-config';

/**
 * A loop's or schedule's switch in a settings class: `on` (the default) or `off` (this replica does not run it).
 * Anything else stops the start with the variable's name, instead of silently switching the schedule off.
 */
export const Switch = (): PropertyDecorator =>
  applyDecorators(IsOptional(), IsIn(['on', 'off'], { message: ({ property }) => `${property} must be on or off` })) as PropertyDecorator;

/** The variables a settings (or config) class declares, from its validation metadata. */
export function declaredSettings(type: new () => object): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName))].sort();
}

const loaded = new Map<string, unknown>();

/**
 * Loads a service's settings class from the environment once, when its module is built (validated like the
 * config: a bad value stops the start with one line per problem), and makes each value readable by name, so the
 * loops and schedules shared by several services read what their service declared.
 */
export function loadSettings<T extends object>(type: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const settings = loadConfig(type, env);
  for (const name of declaredSettings(type)) loaded.set(name, (settings as Record<string, unknown>)[name]);
  return settings;
}

/** A setting some loaded settings class declares; reading one no class declares is a programming error. */
export function setting<T>(name: string): T {
  if (!loaded.has(name)) throw new Error(`setting ${name} is not declared by a loaded settings class (loadSettings in the service's module)`);
  return loaded.get(name) as T;
}

/** A switch's value: on unless its service's settings say `off`. */
export function switchedOn(name: string): boolean {
  return setting<string>(name) !== 'off';
}
