import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config.js';

let validatedAtBoot: AppConfig | undefined;

/**
 * main.ts validates the environment once, before anything else, and hands the result here: the
 * module and the server options use that one parse. Without it (tests, scripts) the module parses
 * the environment itself, once per app.
 */
export function useValidatedConfig(config: AppConfig): AppConfig {
  validatedAtBoot = config;
  return config;
}

@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: () => validatedAtBoot ?? loadConfig() }],
  exports: [AppConfig],
})
export class ConfigModule {}
