import { configFromEnv } from './config.js';
import { createService } from './service.js';

// `pnpm --filter http-service start`: the service alone on PORT (default 3000), until
// SIGTERM or SIGINT, after which it drains in-flight requests and exits. It runs as the
// CommonJS bundle dist/main.cjs (scripts/build.ts), hence no top-level await.
// This runner serves the example's own simulated upstream, so it turns the chaos endpoint on
// unless CHAOS=0; configFromEnv, which a real service would copy, keeps it off unless CHAOS=1.
const config = { ...configFromEnv(), chaosEndpoint: process.env.CHAOS !== '0' };
createService(config).then(
  (service) => {
    console.error(
      [
        `http-service on ${service.url} (upstream ${service.upstream.url})`,
        `  curl ${service.url}/products/1`,
        `  curl ${service.url}/health/ready`,
        `  curl ${service.url}/metrics`,
        ...(config.chaosEndpoint
          ? [
              `  curl -X POST '${service.url}/_chaos?mode=outage'   # then ?mode=throttle, ?mode=ok (CHAOS=0 turns it off)`,
            ]
          : []),
      ].join('\n'),
    );
  },
  (error: unknown) => {
    console.error('http-service did not start:', error);
    process.exit(1);
  },
);
