import { createFastifyApp } from './fastify-app.js';
import { installTelemetry } from './otel.js';
import { createServices } from './services.js';

installTelemetry();

const services = createServices();
const app = await createFastifyApp(services);
process.once('SIGTERM', () => void app.close()); // readiness fails first, then Fastify drains
const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
services.logger.info({ address }, 'fastify example listening');
