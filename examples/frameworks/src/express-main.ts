import { createExpressApp, listenExpress } from './express-app.js';
import { installTelemetry } from './otel.js';
import { createServices } from './services.js';

installTelemetry();

const services = createServices();
const server = await listenExpress(createExpressApp(services), Number(process.env.PORT ?? 3000));
services.logger.info({ address: server.address() }, 'express example listening');
