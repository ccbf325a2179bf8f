# Production image: built in one stage, run in another with production dependencies only,
# as the unprivileged `node` user. No secrets are baked in: configuration comes from the
# environment and the signing key from a mounted secret (see docker-compose.yml).
FROM node:24.22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24.22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/package.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The heap is bounded (see docs/BENCHMARKS.md): the app lives in under 200 MB. Raise both for a
# bigger container or a bigger app; keep in step with package.json's start:prod. glibc returns
# argon2's 19 MiB buffers to the system at once instead of keeping one per thread-pool thread.
ENV MALLOC_MMAP_THRESHOLD_=131072
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=128", "dist/src/main.js"]
