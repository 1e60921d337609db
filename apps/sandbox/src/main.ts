import { writeJsonLine } from './common/json-logger';
import { createSandboxApp } from './sandbox-app';

async function bootstrap(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3100);
  const app = await createSandboxApp();
  app.enableShutdownHooks();
  await app.listen(port, '0.0.0.0');
  writeJsonLine('info', 'sandbox listening', { port });
}

void bootstrap();
