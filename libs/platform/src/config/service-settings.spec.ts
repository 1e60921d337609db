import { IsInt, IsOptional, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ConfigError, toInt } from './service-config';
import { declaredSettings, loadSettings, setting, Switch, switchedOn } from './service-settings';

class DemoSettings {
  @Switch()
  DEMO_LOOP: 'on' | 'off' = 'on';

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'DEMO_EVERY_MS must be an integer' })
  @Min(100)
  DEMO_EVERY_MS = 30_000;
}

describe('service settings', () => {
  it('declares its variables from the validation metadata', () => {
    expect(declaredSettings(DemoSettings)).toEqual(['DEMO_EVERY_MS', 'DEMO_LOOP']);
  });

  it('gives the defaults, and the environment\'s values by name once loaded', () => {
    loadSettings(DemoSettings, {});
    expect([switchedOn('DEMO_LOOP'), setting('DEMO_EVERY_MS')]).toEqual([true, 30_000]);
    loadSettings(DemoSettings, { DEMO_LOOP: 'off', DEMO_EVERY_MS: '500' });
    expect([switchedOn('DEMO_LOOP'), setting('DEMO_EVERY_MS')]).toEqual([false, 500]);
  });

  it('stops the start on a bad value, naming the variable, instead of NaN or a switch silently off', () => {
    expect(() => loadSettings(DemoSettings, { DEMO_LOOP: 'no' })).toThrow(ConfigError);
    expect(() => loadSettings(DemoSettings, { DEMO_LOOP: 'no' })).toThrow(/DEMO_LOOP must be on or off/);
    expect(() => loadSettings(DemoSettings, { DEMO_EVERY_MS: 'soon' })).toThrow(/DEMO_EVERY_MS must be an integer/);
  });

  it('refuses a setting no loaded class declares', () => {
    expect(() => setting('NOBODY_DECLARES_THIS')).toThrow(/not declared/);
  });
});
