# One image for Mohla's processes; docker-compose.yml picks the command (api, worker, migrate).

# Build: every dependency, then the web pages and the workflow bundle, which the runtime needs ready-made.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --config web/vite.config.ts --logLevel warn \
 && npx tsx scripts/bundle-workflows.ts dist/workflow-bundle.js

# Runtime: production dependencies only, run by an unprivileged user who may write only its data volume.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    MOHLA_DATA_DIR=/var/lib/mohla \
    MOHLA_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    HOST=0.0.0.0 \
    PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/mohla && chown node:node /var/lib/mohla
VOLUME /var/lib/mohla
USER node
# The API on 3000; the worker's health listener on 3001 (WORKER_HEALTH_PORT).
EXPOSE 3000 3001
# The API's readiness (Temporal and PostgreSQL answer; Redis down is only degraded); the worker's service
# in docker-compose.yml asks the worker's own listener instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "api/server.ts"]
